/**
 * What the idle collector (electron/core/memory/idle-collector.ts) gives back: the same server run
 * three times in one benchmark, collector on, on without the C allocator's trim
 * (DESKSIDE_NATIVE_TRIM=false, memory/native-trim.ts) and off (DESKSIDE_IDLE_COLLECT=false), each
 * through the same steps, with resident memory read from /proc (Linux only):
 *   1. idle once start-up work has settled (the starter articles imported);
 *   2. --duration seconds of API load (searches and chat completions), then 10 s of rest;
 *   3. the hostile-file suite's largest import (underline-headings.txt, 50,000 passages) three
 *      times, each deleted again, then 15 s of rest.
 * The server runs with the systemd unit's allocator settings, as deployed, or with glibc's defaults
 * (--plain-malloc), as a desktop app started from its installer runs.
 *
 *   npm run build:electron && npx tsx bench/idle-collector-bench.ts [--duration 20] [--connections 20] [--plain-malloc]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {HOSTILE_CASES} from "../test/helpers/hostile-files.js";
import {startServe, type ServeProcess} from "../test/helpers/serve-process.js";
import {printTable, writeResults} from "./lib.js";
import {apiLoad, settle, sleep, treeRss} from "./server-memory.js";
import {unitAllocatorEnv} from "../scripts/lib/allocator-env.mjs";

const {values} = parseArgs({options: {duration: {type: "string"}, connections: {type: "string"}, "plain-malloc": {type: "boolean"}}});
const PLAIN_MALLOC = values["plain-malloc"] === true;
const DURATION_S = Number(values.duration ?? 20);
const CONNECTIONS = Number(values.connections ?? 20);

if (!fs.existsSync("/proc/self/status")) {
  console.log("idle-collector-bench reads /proc and runs on Linux only; skipped.");
  process.exit(0);
}

const LARGE = HOSTILE_CASES.find((hostile) => hostile.name === "underline-headings.txt")!;

async function importAndDelete(server: ServeProcess, name: string, bytes: Uint8Array): Promise<void> {
  const headers = {authorization: `Bearer ${server.token}`};
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), name);
  const upload = await fetch(`${server.url}/api/documents`, {method: "POST", headers, body: form});
  if (upload.status !== 202) throw new Error(`upload of ${name}: HTTP ${upload.status}`);
  const {job_id: jobId} = (await upload.json()) as {job_id: string};
  for (;;) {
    await sleep(200);
    const job = (await (await fetch(`${server.url}/api/jobs/${jobId}`, {headers})).json()) as {state: string; files: {document_id: string | null}[]};
    if (job.state === "running") continue;
    const id = job.files[0]?.document_id;
    if (id) await fetch(`${server.url}/api/documents/${id}`, {method: "DELETE", headers});
    return;
  }
}

interface Figures {
  idle: number;
  loadEnd: number;
  afterLoad: number;
  importsEnd: number;
  afterImports: number;
  requests: number;
}

type Arm = "on" | "on, no trim" | "off";

async function measure(arm: Arm): Promise<Figures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-idle-collector-"));
  fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({api: {rateLimitPerMinute: 100_000}}));
  const allocator = PLAIN_MALLOC ? {DESKSIDE_PLAIN_MALLOC: "1"} : unitAllocatorEnv();
  const server = await startServe({built: true, dataDir, env: {...allocator, DESKSIDE_IDLE_COLLECT: String(arm !== "off"), DESKSIDE_NATIVE_TRIM: String(arm === "on")}});
  try {
    const pid = server.child.pid!;
    const rss = () => treeRss(pid).self;
    await server.waitFor(/Model ready: |No chat model loaded/);
    await settle(120_000, pid);
    await sleep(10_000);
    const idle = rss();
    const load = await apiLoad(server, CONNECTIONS, DURATION_S);
    const loadEnd = rss();
    await sleep(10_000);
    const afterLoad = rss();
    const bytes = await LARGE.make();
    for (let round = 0; round < 3; round++) await importAndDelete(server, LARGE.name, bytes);
    const importsEnd = rss();
    await sleep(15_000);
    const afterImports = rss();
    console.log(`collector ${arm}: idle ${idle.toFixed(0)}, load end ${loadEnd.toFixed(0)}, 10 s later ${afterLoad.toFixed(0)}, imports end ${importsEnd.toFixed(0)}, 15 s later ${afterImports.toFixed(0)} MB`);
    return {idle, loadEnd, afterLoad, importsEnd, afterImports, requests: load.requests.total};
  } finally {
    await server.stop();
    fs.rmSync(dataDir, {recursive: true, force: true});
  }
}

const on = await measure("on");
const noTrim = await measure("on, no trim");
const off = await measure("off");
const moments: [keyof Figures, string][] = [
  ["idle", "idle after start"],
  ["loadEnd", `end of ${DURATION_S} s API load`],
  ["afterLoad", "10 s after the load"],
  ["importsEnd", `after importing ${LARGE.name} 3 times`],
  ["afterImports", "15 s after the imports"],
];
printTable(
  `Server RSS with the idle collector on, on without the trim, and off (node dist-electron/serve.js, ${PLAIN_MALLOC ? "glibc's default allocator settings" : "unit's allocator settings"}; ${on.requests}, ${noTrim.requests} and ${off.requests} requests under load)`,
  moments.map(([key, moment]) => ({moment, "on MB": on[key], "no trim MB": noTrim[key], "off MB": off[key], "on ÷ no trim": on[key] / noTrim[key], "on ÷ off": on[key] / off[key]})),
);
console.log(`10 s after the load ÷ idle: ${(on.afterLoad / on.idle).toFixed(3)} on, ${(noTrim.afterLoad / noTrim.idle).toFixed(3)} without the trim, ${(off.afterLoad / off.idle).toFixed(3)} off (target ≤ 1.05)`);
const out = writeResults(PLAIN_MALLOC ? "idle-collector-plain-malloc" : "idle-collector", {durationS: DURATION_S, connections: CONNECTIONS, plainMalloc: PLAIN_MALLOC, on, noTrim, off});
console.log(`Wrote ${out}`);
