/**
 * The HTTP API under load and the cost of streaming through it.
 *
 * 1. Load: autocannon with 50 connections for --duration seconds against the real server (fixture
 *    model, default knowledge base), mixing knowledge searches and chat completions. The server
 *    runs in a child process so the load generator does not share its event loop.
 *    Reports errors (429s from a full generation queue counted apart: they are the designed
 *    back-pressure), p50/p95/p99 latency per request kind, tokens/s, and the server's RSS.
 * 2. Streaming overhead: tokens/s of streamed /v1/chat/completions against core.engine.generate
 *    called directly in the server's process, same prompts, seeds and options, runs interleaved.
 *    The HTTP client runs in another process by default (--client same puts it in the server's).
 *
 *   npx tsx bench/api-bench.ts [--duration 60] [--connections 50] [--chat-every 4] [--tokens 32] [--runs 16] [--stream-tokens 512] [--only load|overhead] [--client separate|same]
 */
import {fork, type ChildProcess} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {createRequire} from "node:module";
import {createAppCore} from "../electron/core/app-core.js";
import {createApiServer} from "../electron/core/api/server.js";
import {toGenerateOptions} from "../electron/core/api/openai-format.js";
import {chatCompletionRequest} from "../electron/core/api/schemas.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF, REPO_ROOT} from "../test/helpers/fixtures.js";
import {mean, percentile, printTable, writeResults} from "./lib.js";

// autocannon ships no type declarations; this is the part used here.
interface AutocannonResult {
  requests: {total: number};
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult> & {on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void};
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const {values} = parseArgs({
  options: {
    duration: {type: "string"},
    connections: {type: "string"},
    "chat-every": {type: "string"},
    tokens: {type: "string"},
    runs: {type: "string"},
    "stream-tokens": {type: "string"},
    only: {type: "string"},
    client: {type: "string"},
    serve: {type: "boolean"},
  },
});
const DURATION_S = Number(values.duration ?? 60);
const CONNECTIONS = Number(values.connections ?? 50);
const CHAT_EVERY = Number(values["chat-every"] ?? 4);
const CHAT_TOKENS = Number(values.tokens ?? 32);
const RUNS = Number(values.runs ?? 16);
const STREAM_TOKENS = Number(values["stream-tokens"] ?? 512);
const CLIENT = values.client === "same" ? "same" : "separate";

const QUESTIONS = [
  "VPN error 809 from a hotel network",
  "Outlook keeps asking for the password",
  "reset MFA after the user got a new phone",
  "mapped network drive missing after login",
  "PC does not boot after an update",
  "Teams camera not detected",
  "rebuild the Outlook OST file",
  "forgot my login credentials",
];

// ─── Child: the server process ────────────────────────────────────────────────────────────────

async function serve(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-api-bench-"));
  const core = await createAppCore({
    dataDir,
    knowledgeDir: path.join(REPO_ROOT, "knowledge"),
    bundledModelsDir: null,
    overrides: {threads: 1, gpu: "cpu", model: FIXTURE_GGUF, embeddingModel: FIXTURE_EMBEDDER_DIR},
    logger: {info: () => undefined, warn: () => undefined, error: (m) => process.stderr.write(`${m.split("\n")[0]}\n`), close: () => undefined},
  });
  await core.startup;
  const token = core.settings.effective().api.token;
  const server = createApiServer(core.api.services, {
    host: "127.0.0.1",
    port: 0,
    token,
    corsOrigins: [],
    allowLan: false,
    bodyLimitBytes: 2 * 1024 * 1024,
    uploadLimitBytes: 100 * 1024 * 1024,
    // The load test measures the server, not the per-token limiter.
    rateLimitPerMinute: 100_000_000,
    requestTimeoutMs: 300_000,
  });
  const {url} = await server.listen();
  const documents = (await core.knowledge.stats()).documents;

  const model = core.engine.status().model!.id;
  process.on("message", async (message: {type: string; seed?: number}) => {
    if (message.type === "cpu") process.send!({type: "cpu", cpuMs: cpuMs()});
    if (message.type === "direct") process.send!({type: "direct", sample: await directRun(core, message.seed ?? 0)});
    if (message.type === "overhead")
      process.send!({type: "overhead", result: await compare((seed) => httpRun(url, token, model, seed, async () => cpuMs()), (seed) => directRun(core, seed))});
    if (message.type === "stop") {
      await server.close();
      await core.close();
      fs.rmSync(dataDir, {recursive: true, force: true});
      process.exit(0);
    }
  });
  process.send!({type: "ready", url, token, documents, model: core.engine.status().model?.id});
}

interface Sample {
  tokens: number;
  /** Wall clock, request to end of stream. */
  ms: number;
  /** CPU time of the server process (all threads) over the same span: robust to other load on the machine. */
  cpuMs: number;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function overheadBody(model: string, seed: number) {
  return {
    model,
    messages: [
      {role: "system", content: "You are a help-desk assistant."},
      {role: "user", content: "The VPN client says error 809 after the update. What should I check first?"},
    ],
    max_tokens: STREAM_TOKENS,
    temperature: 0.8,
    seed,
    stream: true,
    stream_options: {include_usage: true},
  };
}

/** The same request's options, straight into the engine, with a text callback as any caller has. */
async function directRun(core: Awaited<ReturnType<typeof createAppCore>>, seed: number): Promise<Sample> {
  const request = chatCompletionRequest.parse(overheadBody(core.engine.status().model!.id, seed));
  const options = toGenerateOptions(request, core.settings.effective().generation);
  const messages = request.messages.map((m) => ({role: m.role as "system" | "user", content: String(m.content)}));
  const started = performance.now();
  const cpu = cpuMs();
  let pieces = 0;
  const result = await core.engine.generate(messages, {...options, onText: () => void pieces++});
  return {tokens: result.usage.completionTokens, ms: performance.now() - started, cpuMs: cpuMs() - cpu};
}

/** A streamed completion read to [DONE]; `serverCpu` reads the server process's CPU clock. */
async function httpRun(url: string, token: string, model: string, seed: number, serverCpu: () => Promise<number>): Promise<Sample> {
  const cpu = await serverCpu();
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {method: "POST", headers: {authorization: `Bearer ${token}`, "content-type": "application/json"}, body: JSON.stringify(overheadBody(model, seed))});
  const text = await response.text();
  const ms = performance.now() - started;
  const usageLine = text.split("\n").reverse().find((line) => line.includes('"usage":{'));
  return {tokens: usageLine ? JSON.parse(usageLine.slice(6)).usage.completion_tokens : 0, ms, cpuMs: (await serverCpu()) - cpu};
}

/** Runs both paths alternately (the order flips every run) and summarises. */
async function compare(viaHttp: (seed: number) => Promise<Sample>, direct: (seed: number) => Promise<Sample>) {
  await viaHttp(0);
  await direct(0);
  const http: Sample[] = [];
  const engine: Sample[] = [];
  for (let i = 1; i <= RUNS; i++) {
    if (i % 2) {
      http.push(await viaHttp(i));
      engine.push(await direct(i));
    } else {
      engine.push(await direct(i));
      http.push(await viaHttp(i));
    }
  }
  const perWall = (s: Sample) => (s.tokens * 1000) / s.ms;
  const perCpu = (s: Sample) => (s.tokens * 1000) / s.cpuMs;
  return {
    runs: RUNS,
    maxTokens: STREAM_TOKENS,
    client: CLIENT,
    httpTokensPerSecond: {best: Math.max(...http.map(perWall)), median: percentile(http.map(perWall), 50), mean: mean(http.map(perWall))},
    directTokensPerSecond: {best: Math.max(...engine.map(perWall)), median: percentile(engine.map(perWall), 50), mean: mean(engine.map(perWall))},
    httpTokensPerCpuSecond: percentile(http.map(perCpu), 50),
    directTokensPerCpuSecond: percentile(engine.map(perCpu), 50),
    meanTokens: {http: mean(http.map((s) => s.tokens)), direct: mean(engine.map((s) => s.tokens))},
    // Best run against best run: on a shared machine the fastest run is the one least disturbed.
    ratioBest: Math.max(...http.map(perWall)) / Math.max(...engine.map(perWall)),
    // Per pair of neighbouring runs, so a burst of load from elsewhere hits both sides alike.
    ratioMedian: percentile(http.map((h, i) => perWall(h) / perWall(engine[i])), 50),
    ratioCpuMedian: percentile(http.map((h, i) => perCpu(h) / perCpu(engine[i])), 50),
  };
}
type Overhead = Awaited<ReturnType<typeof compare>>;

// ─── Parent: load generator and report ────────────────────────────────────────────────────────

function waitFor<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`server exited with ${code}`));
    const onMessage = (message: {type: string}) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function metricValue(url: string, token: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, {headers: {authorization: `Bearer ${token}`}})).text();
  return text
    .split("\n")
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

type Ready = {url: string; token: string; documents: number; model: string};

async function runLoad(ready: Ready) {
  const {url, token} = ready;
  const rssBefore = await metricValue(url, token, /^deskside_process_resident_memory_bytes /);
  const tokensBefore = await metricValue(url, token, /^deskside_generated_tokens_total/);

  const latencies = {search: [] as number[], chat: [] as number[]};
  const statuses = {search: new Map<number, number>(), chat: new Map<number, number>()};
  let lastKind: "search" | "chat" = "search";
  let query = 0;
  const count = (kind: "search" | "chat") => (status: number) => {
    lastKind = kind;
    statuses[kind].set(status, (statuses[kind].get(status) ?? 0) + 1);
  };
  const headers = {authorization: `Bearer ${token}`, "content-type": "application/json"};
  const search = {
    method: "POST" as const,
    path: "/api/search",
    headers,
    setupRequest: (req: Record<string, unknown>) => ({...req, body: JSON.stringify({query: QUESTIONS[query++ % QUESTIONS.length], top_k: 5})}),
    onResponse: count("search"),
  };
  const chat = {
    method: "POST" as const,
    path: "/v1/chat/completions",
    headers,
    setupRequest: (req: Record<string, unknown>) => ({
      ...req,
      body: JSON.stringify({model: ready.model, messages: [{role: "user", content: QUESTIONS[query++ % QUESTIONS.length]}], max_tokens: CHAT_TOKENS, seed: query}),
    }),
    onResponse: count("chat"),
  };
  const requests = [...Array.from({length: CHAT_EVERY - 1}, () => search), chat];

  const started = performance.now();
  const instance = autocannon({url, connections: CONNECTIONS, duration: DURATION_S, requests, timeout: 30});
  // onResponse runs synchronously just before this event for the same response, so lastKind is its kind.
  instance.on("response", (_client, _status, _bytes, ms) => latencies[lastKind].push(ms));
  const result = await instance;
  const elapsedS = (performance.now() - started) / 1000;
  const tokensAfter = await metricValue(url, token, /^deskside_generated_tokens_total/);
  const rssAfter = await metricValue(url, token, /^deskside_process_resident_memory_bytes /);

  const sum = (m: Map<number, number>, test: (s: number) => boolean) => [...m].filter(([s]) => test(s)).reduce((n, [, c]) => n + c, 0);
  const kinds = (["search", "chat"] as const).map((kind) => ({
    kind,
    requests: sum(statuses[kind], () => true),
    ok: sum(statuses[kind], (s) => s < 400),
    busy429: sum(statuses[kind], (s) => s === 429),
    errors: sum(statuses[kind], (s) => s >= 400 && s !== 429),
    p50: percentile(latencies[kind], 50),
    p95: percentile(latencies[kind], 95),
    p99: percentile(latencies[kind], 99),
  }));
  const all = [...latencies.search, ...latencies.chat];
  const transportErrors = result.errors + result.timeouts;
  const load = {
    durationS: DURATION_S,
    connections: CONNECTIONS,
    mix: `${CHAT_EVERY - 1} searches : 1 chat completion (${CHAT_TOKENS} max tokens)`,
    documents: ready.documents,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / elapsedS,
    errors: kinds.reduce((n, k) => n + k.errors, 0) + transportErrors,
    transportErrors,
    deliberate429: kinds.reduce((n, k) => n + k.busy429, 0),
    latencyMs: {p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99)},
    byKind: kinds,
    tokensPerSecond: (tokensAfter - tokensBefore) / elapsedS,
    rssMb: {before: Math.round(rssBefore / 1048576), after: Math.round(rssAfter / 1048576)},
  };
  printTable(`Load: ${CONNECTIONS} connections, ${DURATION_S} s, ${load.mix}, ${ready.documents} documents`, [
    ...kinds.map((k) => ({kind: k.kind, requests: k.requests, ok: k.ok, "429 (busy)": k.busy429, errors: k.errors, "p50 ms": k.p50, "p95 ms": k.p95, "p99 ms": k.p99})),
    {kind: "all", requests: load.requests, ok: kinds.reduce((n, k) => n + k.ok, 0), "429 (busy)": load.deliberate429, errors: load.errors, "p50 ms": load.latencyMs.p50, "p95 ms": load.latencyMs.p95, "p99 ms": load.latencyMs.p99},
  ]);
  printTable("Throughput and memory (server process)", [
    {"requests/s": load.requestsPerSecond, "generated tokens/s": load.tokensPerSecond, "RSS before MB": load.rssMb.before, "RSS after MB": load.rssMb.after, "transport errors": transportErrors},
  ]);
  return load;
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", ...process.argv.slice(2)], {execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"]});
  const ready = await waitFor<Ready>(child, "ready");
  const load = values.only === "overhead" ? null : await runLoad(ready);
  let overhead: Overhead | null = null;
  if (values.only !== "load") {
    if (CLIENT === "same") {
      child.send({type: "overhead"});
      overhead = (await waitFor<{result: Overhead}>(child, "overhead")).result;
    } else {
      // The client is another program, as API clients are; the server process only serves.
      const serverCpu = async () => {
        child.send({type: "cpu"});
        return (await waitFor<{cpuMs: number}>(child, "cpu")).cpuMs;
      };
      const direct = async (seed: number) => {
        child.send({type: "direct", seed});
        return (await waitFor<{sample: Sample}>(child, "direct")).sample;
      };
      overhead = await compare((seed) => httpRun(ready.url, ready.token, ready.model, seed, serverCpu), direct);
    }
    printTable(`Streaming overhead: ${RUNS} runs each, up to ${STREAM_TOKENS} tokens, 1 thread, client in ${CLIENT === "same" ? "the server process" : "another process"}`, [
      {path: "core.engine.generate", "best tok/s": overhead.directTokensPerSecond.best, "median tok/s": overhead.directTokensPerSecond.median, "tok/CPU-s": overhead.directTokensPerCpuSecond, "tokens/run": overhead.meanTokens.direct},
      {path: "/v1/chat/completions stream", "best tok/s": overhead.httpTokensPerSecond.best, "median tok/s": overhead.httpTokensPerSecond.median, "tok/CPU-s": overhead.httpTokensPerCpuSecond, "tokens/run": overhead.meanTokens.http},
      {path: "ratio API/direct", "best tok/s": overhead.ratioBest, "median tok/s": overhead.ratioMedian, "tok/CPU-s": overhead.ratioCpuMedian, "tokens/run": "target ≥ 0.95"},
    ]);
  }
  child.send({type: "stop"});
  await new Promise((resolve) => child.once("exit", resolve));
  // A partial run keeps the full run's file.
  const file = writeResults(values.only ? `api-${values.only}` : "api", {model: ready.model, load, streamingOverhead: overhead ? {...overhead, target: 0.95} : null});
  console.log(`\nwrote ${path.relative(REPO_ROOT, file)}`);
}

if (values.serve) await serve();
else await main();
