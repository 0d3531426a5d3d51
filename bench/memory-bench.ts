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
 * --plain-malloc leaves glibc's defaults, for comparison; --no-idle-collect turns off the idle
 * collector (DESKSIDE_IDLE_COLLECT=false), to see what it gives back.
 *
 *   npm run build:electron && npx tsx bench/memory-bench.ts [--duration 60] [--pages 1000] [--connections 20] [--plain-malloc] [--no-idle-collect]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {makePdf} from "../test/helpers/document-fixtures.js";
import {startServe} from "../test/helpers/serve-process.js";
import {printTable, writeResults} from "./lib.js";
import {apiLoad, LOAD_QUESTIONS, settle, sleep, treeRss} from "./server-memory.js";
import {unitAllocatorEnv} from "../scripts/lib/allocator-env.mjs";

const {values} = parseArgs({options: {duration: {type: "string"}, pages: {type: "string"}, connections: {type: "string"}, "plain-malloc": {type: "boolean", default: false}, "no-idle-collect": {type: "boolean", default: false}}});
const DURATION_S = Number(values.duration ?? 60);
const PAGES = Number(values.pages ?? 1000);
const CONNECTIONS = Number(values.connections ?? 20);

// The unit's allocator settings, so the server is measured as it is deployed; --plain-malloc without them.
const MALLOC_ENV = values["plain-malloc"] ? {} : unitAllocatorEnv();
const SERVER_ENV: Record<string, string> = {...MALLOC_ENV, ...(values["no-idle-collect"] ? {DESKSIDE_IDLE_COLLECT: "false"} : {})};

if (!fs.existsSync("/proc/self/status")) {
  console.log("memory-bench reads /proc and runs on Linux only; skipped.");
  process.exit(0);
}

// The load measures the server, not the per-client rate limit (600 a minute by default).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-memory-"));
// A short embedding-model idle time (the default is 10 minutes) so the bench can show it let go.
fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({api: {rateLimitPerMinute: 100_000}, knowledge: {embedderIdleMinutes: 0.25}}));
let server = await startServe({built: true, dataDir, env: SERVER_ENV});
let pid = server.child.pid!;
const headers = {authorization: `Bearer ${server.token}`};
await server.waitFor(/Model ready: |No chat model loaded/);

await settle(120_000, pid);
const idle = treeRss(pid);
console.log(`idle: ${idle.self.toFixed(0)} MB (with children ${idle.tree.toFixed(0)} MB)`);

// ─── API load ─────────────────────────────────────────────────────────────────────────────────
const load = await apiLoad(server, CONNECTIONS, DURATION_S);
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
  server = await startServe({built: true, dataDir, env: SERVER_ENV});
  pid = server.child.pid!;
  await server.waitFor(/Model ready: |No chat model loaded/);
  await settle(120_000, pid);
  await sleep(10_000);
}
const restartIdle = treeRss(pid);
const searched = await fetch(`${server.url}/api/search`, {method: "POST", headers: {authorization: `Bearer ${server.token}`, "content-type": "application/json"}, body: JSON.stringify({query: LOAD_QUESTIONS[0], top_k: 5})});
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
printTable(`Memory of node dist-electron/serve.js (fixture models, allocator ${Object.keys(MALLOC_ENV).length ? Object.entries(MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(" ") : "as glibc sets it"}${values["no-idle-collect"] ? ", idle collector off" : ""}), ${load.requests.total} requests in ${DURATION_S} s (${load.non2xx} not 2xx), import ${file?.state} (${file?.chunks ?? 0} passages, ${(importMs / 1000).toFixed(1)} s)`, rows);
console.log(`After load ÷ idle: ${(afterLoad.self / idle.self).toFixed(3)} (target ≤ 1.05)`);
const out = writeResults("memory", {
  durationS: DURATION_S,
  pages: PAGES,
  mallocEnv: MALLOC_ENV,
  idleCollector: !values["no-idle-collect"],
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
