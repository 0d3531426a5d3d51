/**
 * Deskside's OpenAI route against llama.cpp's own server and against node-llama-cpp used raw, on
 * the same GGUF, one thread, in one interleaved run (the order rotates every round, so a burst of
 * load from elsewhere on the machine hits every path alike). Streaming chat completions of
 * --tokens tokens at temperature 0; decode tok/s and time to first token as the HTTP client sees
 * them, and the ratios that count. llama-server is built once from node-llama-cpp's bundled source
 * (see llama-server.ts); without cmake or a compiler its rows are skipped with a message. Deskside
 * is built first and runs as `node dist-electron/serve.js`, as a service runs it.
 *
 *   npx tsx bench/peer-bench.ts [--runs 12] [--tokens 400] [--threads 1] [--model path.gguf]
 */
import {execFileSync} from "node:child_process";
import path from "node:path";
import {parseArgs} from "node:util";
import {getLlama, LlamaChat, resolveChatWrapper, type Token} from "node-llama-cpp";
import {FIXTURE_GGUF, REPO_ROOT} from "../test/helpers/fixtures.js";
import {startServe} from "../test/helpers/serve-process.js";
import {toLlamaHistory} from "../electron/core/llm/chat-history.js";
import {ensureLlamaServer, startLlamaServer} from "../test/helpers/llama-server.js";
import {BENCH_MESSAGES, percentile, printTable, writeResults} from "./lib.js";

const {values} = parseArgs({options: {runs: {type: "string"}, tokens: {type: "string"}, threads: {type: "string"}, model: {type: "string"}}});
const RUNS = Number(values.runs ?? 12);
const TOKENS = Number(values.tokens ?? 400);
const THREADS = Number(values.threads ?? 1);
const MODEL = path.resolve(values.model ?? FIXTURE_GGUF);
const PARALLEL = 4;
const CONTEXT = 2048;


interface Sample {
  tokens: number;
  ttftMs: number;
  decodeTokensPerSecond: number;
}

/** One streamed completion, timed as the client sees it: first content chunk, then the rest. */
async function streamed(url: string, headers: Record<string, string>, body: object): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {method: "POST", headers: {"content-type": "application/json", ...headers}, body: JSON.stringify(body)});
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  let first = 0;
  let last = 0;
  let chunks = 0;
  let usageTokens: number | null = null;
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes as Uint8Array, {stream: true});
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split("\n").find((line) => line.startsWith("data: "))?.slice(6);
      if (!data || data === "[DONE]") continue;
      const parsed = JSON.parse(data) as {choices?: {delta?: {content?: string}}[]; usage?: {completion_tokens?: number} | null};
      if (parsed.usage?.completion_tokens !== undefined) usageTokens = parsed.usage.completion_tokens;
      if (parsed.choices?.[0]?.delta?.content) {
        const now = performance.now();
        first ||= now;
        last = now;
        chunks++;
      }
    }
  }
  const tokens = usageTokens ?? chunks;
  return {tokens, ttftMs: first - started, decodeTokensPerSecond: last > first ? ((tokens - 1) * 1000) / (last - first) : NaN};
}

const completionBody = (model: string, seed: number) => ({
  model,
  messages: BENCH_MESSAGES,
  max_tokens: TOKENS,
  // The same sampling, spelled out, for both servers (their defaults differ: Deskside's come
  // from Settings → Generation, with a repeat penalty of 1.1).
  temperature: 0,
  top_k: 40,
  top_p: 0.95,
  repeat_penalty: 1,
  seed,
  stream: true,
  stream_options: {include_usage: true},
});

// ─── The paths ────────────────────────────────────────────────────────────────────────────────

type Path = {name: string; run: (seed: number) => Promise<Sample>; stop: () => Promise<void>};
const paths: Path[] = [];
const notes: string[] = [];

const peer = ensureLlamaServer();
if ("binary" in peer) {
  const server = await startLlamaServer(peer.binary, MODEL, {threads: THREADS, contextSize: CONTEXT, parallel: PARALLEL});
  paths.push({name: `llama-server ${peer.commit}`, run: (seed) => streamed(server.url, {}, completionBody("model", seed)), stop: server.stop});
} else {
  notes.push(`llama-server skipped: ${peer.skipped}`);
}

// Raw node-llama-cpp in this process: the same prompt text, tokens straight from sequence.evaluate.
const llama = await getLlama({gpu: false, build: "never"});
const rawModel = await llama.loadModel({modelPath: MODEL});
const rawContext = await rawModel.createContext({contextSize: CONTEXT, sequences: 1, threads: THREADS});
const rawSequence = rawContext.getSequence();
const wrapper = resolveChatWrapper(rawModel);
const rawPrompt = new LlamaChat({contextSequence: rawSequence, autoDisposeSequence: false, chatWrapper: wrapper}).chatWrapper
  .generateContextState({chatHistory: [...toLlamaHistory(BENCH_MESSAGES), {type: "model", response: []}]})
  .contextText.tokenize(rawModel.tokenizer);
paths.push({
  name: "node-llama-cpp raw",
  run: async () => {
    await rawSequence.clearHistory();
    const started = performance.now();
    let first = 0;
    let count = 0;
    const generated: Token[] = [];
    for await (const token of rawSequence.evaluate(rawPrompt, {temperature: 0})) {
      // Detokenized like any streaming client would need it.
      rawModel.detokenize([token], false, generated);
      generated.push(token);
      first ||= performance.now();
      if (++count >= TOKENS) break;
    }
    const end = performance.now();
    return {tokens: count, ttftMs: first - started, decodeTokensPerSecond: ((count - 1) * 1000) / (end - first)};
  },
  stop: async () => {
    await rawContext.dispose();
    await rawModel.dispose();
  },
});

// Deskside runs as a service runs it: the plain JavaScript build, no tsx.
execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-electron.mjs")], {cwd: REPO_ROOT, stdio: "ignore"});
const desk = await startServe({built: true, env: {DESKSIDE_MODELS_DIR: path.dirname(MODEL), DESKSIDE_MODEL: path.basename(MODEL), DESKSIDE_THREADS: String(THREADS)}});
await desk.waitFor(/Model ready: |No chat model loaded/);
const deskModel = ((await (await fetch(`${desk.url}/v1/models`, {headers: {authorization: `Bearer ${desk.token}`}})).json()) as {data: {id: string}[]}).data.find((m) => m.id !== "deskside-rag")?.id;
if (!deskModel) throw new Error(`Deskside loaded no model from ${path.dirname(MODEL)}`);
paths.push({name: "Deskside /v1/chat/completions", run: (seed) => streamed(desk.url, {authorization: `Bearer ${desk.token}`}, completionBody(deskModel, seed)), stop: async () => void (await desk.stop())});

// ─── Interleaved runs ─────────────────────────────────────────────────────────────────────────

const samples = new Map<string, Sample[]>(paths.map((p) => [p.name, []]));
for (const p of paths) await p.run(0); // warm-up, not counted
for (let round = 1; round <= RUNS; round++) {
  // Rotate the order so no path always runs right after another.
  for (let i = 0; i < paths.length; i++) {
    const p = paths[(round + i) % paths.length];
    samples.get(p.name)!.push(await p.run(round));
  }
}
for (const p of paths) await p.stop();

const median = (name: string, key: keyof Sample) => percentile(samples.get(name)!.map((s) => s[key]), 50);
const deskName = paths[paths.length - 1].name;
/** Per-round ratio of Deskside to another path, then the median of those ratios. */
const ratio = (other: string, key: keyof Sample) => percentile(samples.get(deskName)!.map((s, i) => s[key] / samples.get(other)![i][key]), 50);
const rows = paths.map((p) => ({
  path: p.name,
  "decode tok/s (median)": median(p.name, "decodeTokensPerSecond"),
  "TTFT ms (median)": median(p.name, "ttftMs"),
  "tokens/run": median(p.name, "tokens"),
  "Deskside decode ratio": p.name === deskName ? "" : ratio(p.name, "decodeTokensPerSecond"),
  "Deskside TTFT ratio": p.name === deskName ? "" : ratio(p.name, "ttftMs"),
}));
printTable(`Streaming decode, ${path.basename(MODEL)}, ${THREADS} thread, ${TOKENS} tokens, temperature 0, ${RUNS} interleaved rounds`, rows);
for (const note of notes) console.log(note);
console.log("Ratios are Deskside ÷ the path on that row, per round, then the median: decode ≥ 1 and TTFT ≤ 1 mean Deskside is at least as fast.");

const file = writeResults("peer", {
  model: MODEL,
  runs: RUNS,
  maxTokens: TOKENS,
  threads: THREADS,
  notes,
  paths: Object.fromEntries(paths.map((p) => [p.name, {decodeTokensPerSecond: median(p.name, "decodeTokensPerSecond"), ttftMs: median(p.name, "ttftMs"), samples: samples.get(p.name)}])),
  ratios: Object.fromEntries(paths.filter((p) => p.name !== deskName).map((p) => [p.name, {decode: ratio(p.name, "decodeTokensPerSecond"), ttft: ratio(p.name, "ttftMs")}])),
  targets: {decodeRatioVsLlamaServer: 1.0, ttftRatioVsLlamaServer: 1.0},
});
console.log(`\nWrote ${file}`);
