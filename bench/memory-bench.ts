/**
 * Memory of the headless server as a service runs it (`node dist-electron/serve.js`, fixture
 * models, the default articles imported on first start):
 *   1. idle RSS once start-up work has settled (its parser worker let go);
 *   2. RSS after --duration seconds of API load (searches and chat completions), then a short rest;
 *   3. peak RSS while importing one PDF of --pages pages (sampled every 50 ms);
 *   4. idle RSS after a restart on the same, settled data folder (the embedding model opens on first
 *      use, so nothing has loaded transformers.js yet), after the first search, and once the model's
 *      idle time (here 15 s) has passed.
 * Each figure is given for the server process alone and with its child processes (the parser
 * spawner and workers, the embedding model's process while it is open), read from /proc (Linux only).
 *
 * The server gets the allocator settings of the systemd unit (docs/operations/deskside.service);
 * --plain-malloc leaves glibc's defaults, for comparison.
 *
 *   npm run build:electron && npx tsx bench/memory-bench.ts [--duration 60] [--pages 1000] [--connections 20] [--plain-malloc]
 */
import fs from "node:fs";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {makePdf} from "../test/helpers/document-fixtures.js";
import {descendantPids, processMemoryMb} from "../test/helpers/health-probe.js";
import {startServe} from "../test/helpers/serve-process.js";
import {printTable, writeResults} from "./lib.js";

const {values} = parseArgs({options: {duration: {type: "string"}, pages: {type: "string"}, connections: {type: "string"}, "plain-malloc": {type: "boolean", default: false}}});
const DURATION_S = Number(values.duration ?? 60);
const PAGES = Number(values.pages ?? 1000);
const CONNECTIONS = Number(values.connections ?? 20);

/**
 * The allocator settings of the systemd unit (docs/operations/deskside.service), so the server is
 * measured as it is deployed; --plain-malloc measures it without them.
 */
function serviceMallocEnv(): Record<string, string> {
  if (values["plain-malloc"]) return {};
  const unit = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "docs", "operations", "deskside.service"), "utf8");
  return Object.fromEntries([...unit.matchAll(/^Environment=(MALLOC_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
}
const MALLOC_ENV = serviceMallocEnv();

if (!fs.existsSync("/proc/self/status")) {
  console.log("memory-bench reads /proc and runs on Linux only; skipped.");
  process.exit(0);
}

/** Resident memory of a process, and of it with all its descendants (parser spawner, workers), in MB. */
function treeRss(rootPid: number): {self: number; tree: number; processes: number} {
  const pids = [rootPid, ...descendantPids(rootPid)];
  const rss = (pid: number) => processMemoryMb(pid)?.rss ?? 0;
  return {self: rss(rootPid), tree: pids.reduce((sum, pid) => sum + rss(pid), 0), processes: pids.length};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The load measures the server, not the per-client rate limit (600 a minute by default).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-memory-"));
// A short embedding-model idle time (the default is 10 minutes) so the bench can show it let go.
fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({api: {rateLimitPerMinute: 100_000}, knowledge: {embedderIdleMinutes: 0.25}}));
let server = await startServe({built: true, dataDir, env: MALLOC_ENV});
let pid = server.child.pid!;
const headers = {authorization: `Bearer ${server.token}`};
await server.waitFor(/Model ready: |No chat model loaded/);

// Start-up imports the default articles in a parser worker; idle means that worker is gone too.
async function settle(maxMs: number, pid: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let stableSince = Date.now();
  let last = treeRss(pid).processes;
  while (Date.now() < deadline) {
    await sleep(500);
    const now = treeRss(pid).processes;
    if (now !== last) stableSince = Date.now();
    last = now;
    // Server + spawner only, and no change for 5 s.
    if (now <= 2 && Date.now() - stableSince > 5000) return;
  }
}
await settle(120_000, pid);
const idle = treeRss(pid);
console.log(`idle: ${idle.self.toFixed(0)} MB (with children ${idle.tree.toFixed(0)} MB)`);

// ─── API load ─────────────────────────────────────────────────────────────────────────────────
const autocannon = createRequire(import.meta.url)("autocannon") as (options: Record<string, unknown>) => Promise<{requests: {total: number}; non2xx: number}>;
const model = ((await (await fetch(`${server.url}/v1/models`, {headers})).json()) as {data: {id: string}[]}).data.find((m) => m.id !== "deskside-rag")?.id ?? "deskside-rag";
const questions = ["VPN error 809 after the update", "printer shows offline", "reset a forgotten password", "Outlook keeps asking for the password", "disk is full on the laptop"];
let n = 0;
const json = {...headers, "content-type": "application/json"};
const load = await autocannon({
  url: server.url,
  connections: CONNECTIONS,
  duration: DURATION_S,
  requests: [
    {method: "POST", path: "/api/search", headers: json, setupRequest: (req: object) => ({...req, body: JSON.stringify({query: questions[n++ % questions.length], top_k: 5})})},
    {method: "POST", path: "/api/search", headers: json, setupRequest: (req: object) => ({...req, body: JSON.stringify({query: questions[n++ % questions.length], top_k: 5})})},
    {method: "POST", path: "/v1/chat/completions", headers: json, setupRequest: (req: object) => ({...req, body: JSON.stringify({model, messages: [{role: "user", content: questions[n++ % questions.length]}], max_tokens: 32})})},
  ],
});
const underLoad = treeRss(pid);
await sleep(10_000);
const afterLoad = treeRss(pid);
console.log(`after ${DURATION_S} s of load (${load.requests.total} requests, ${load.non2xx} not 2xx): ${afterLoad.self.toFixed(0)} MB`);

// ─── Import of a long PDF ─────────────────────────────────────────────────────────────────────
const sentences = [
  "Restart the print spooler service and clear the queue folder before sending the job again.",
  "If the VPN client reports error 809, allow UDP ports 500 and 4500 on the edge firewall.",
  "Mailbox quotas are raised by the messaging team after the manager approves the request.",
  "Laptops that fail to join the domain usually have a clock more than five minutes off.",
  "Badge readers on the third floor log to the facilities server, not the domain controller.",
];
const pdf = await makePdf(
  Array.from({length: PAGES}, (_, page) => ({
    heading: `Section ${page + 1}`,
    paragraphs: Array.from({length: 6}, (_, i) => Array.from({length: 4}, (_, j) => `${sentences[(page + i + j) % sentences.length]} (ref ${page}.${i}.${j})`).join(" ")),
  })),
);
const before = treeRss(pid);
let peak = before;
const sampler = setInterval(() => {
  const now = treeRss(pid);
  if (now.tree > peak.tree) peak = {...now};
  if (now.self > peak.self) peak = {...peak, self: now.self};
}, 50);
const form = new FormData();
form.append("files", new Blob([new Uint8Array(pdf)], {type: "application/pdf"}), `manual-${PAGES}-pages.pdf`);
const importStarted = performance.now();
const upload = (await (await fetch(`${server.url}/api/documents`, {method: "POST", headers, body: form})).json()) as {job_id: string};
let job: {state: string; files: {state: string; chunks: number | null; error: {code: string} | null}[]} = {state: "running", files: []};
while (job.state === "running") {
  await sleep(250);
  job = (await (await fetch(`${server.url}/api/jobs/${upload.job_id}`, {headers})).json()) as typeof job;
}
const importMs = performance.now() - importStarted;
clearInterval(sampler);
await server.stop();

// ─── Restarted on the same data folder ───────────────────────────────────────────────────────
// The first restart finishes what the import left (fusion weights are measured again for the grown
// knowledge base, which embeds); the second is a plain restart of a settled knowledge base.
for (let round = 0; round < 2; round++) {
  if (round > 0) await server.stop();
  server = await startServe({built: true, dataDir, env: MALLOC_ENV});
  pid = server.child.pid!;
  await server.waitFor(/Model ready: |No chat model loaded/);
  await settle(120_000, pid);
  await sleep(10_000);
}
const restartIdle = treeRss(pid);
const searched = await fetch(`${server.url}/api/search`, {method: "POST", headers: {authorization: `Bearer ${server.token}`, "content-type": "application/json"}, body: JSON.stringify({query: questions[0], top_k: 5})});
if (!searched.ok) throw new Error(`search after restart: HTTP ${searched.status}`);
const afterSearch = treeRss(pid);
await sleep(25_000);
const afterRelease = treeRss(pid);
await server.stop();

const file = job.files[0];
const rows = [
  {moment: "idle after start", "server MB": idle.self, "with children MB": idle.tree, target: "server ≤ 250"},
  {moment: `during ${DURATION_S} s API load (end)`, "server MB": underLoad.self, "with children MB": underLoad.tree, target: ""},
  {moment: "10 s after the load", "server MB": afterLoad.self, "with children MB": afterLoad.tree, target: `≤ ${(idle.self * 1.05).toFixed(0)} (idle + 5 %)`},
  {moment: `peak importing a ${PAGES}-page PDF`, "server MB": peak.self, "with children MB": peak.tree, target: "with children ≤ 1536"},
  {moment: "idle after a restart", "server MB": restartIdle.self, "with children MB": restartIdle.tree, target: "server ≤ 250"},
  {moment: "after one search", "server MB": afterSearch.self, "with children MB": afterSearch.tree, target: ""},
  {moment: "25 s later (embedding model let go)", "server MB": afterRelease.self, "with children MB": afterRelease.tree, target: ""},
];
printTable(`Memory of node dist-electron/serve.js (fixture models, allocator ${Object.keys(MALLOC_ENV).length ? Object.entries(MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(" ") : "as glibc sets it"}), ${load.requests.total} requests in ${DURATION_S} s (${load.non2xx} not 2xx), import ${file?.state} (${file?.chunks ?? 0} passages, ${(importMs / 1000).toFixed(1)} s)`, rows);
console.log(`After load ÷ idle: ${(afterLoad.self / idle.self).toFixed(3)} (target ≤ 1.05)`);
const out = writeResults("memory", {
  durationS: DURATION_S,
  pages: PAGES,
  mallocEnv: MALLOC_ENV,
  requests: load.requests.total,
  non2xx: load.non2xx,
  idleMb: idle,
  underLoadMb: underLoad,
  afterLoadMb: afterLoad,
  afterLoadRatio: afterLoad.self / idle.self,
  importPeakMb: peak,
  restartIdleMb: restartIdle,
  afterFirstSearchMb: afterSearch,
  afterEmbedderReleaseMb: afterRelease,
  import: {state: file?.state, passages: file?.chunks, error: file?.error?.code ?? null, ms: importMs},
  targets: {idleServerMb: 250, afterLoadRatio: 1.05, importPeakTreeMb: 1536},
});
console.log(`Wrote ${out}`);
