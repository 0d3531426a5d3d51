/**
 * The local engine against node-llama-cpp used directly: same model, same settings, same process,
 * runs interleaved so machine noise hits both sides alike. Also aggregate throughput with 1, 2 and
 * 4 parallel sequences, model load time and resident memory.
 *
 *   npx tsx bench/engine-bench.ts [--model path.gguf] [--runs 12] [--tokens 256]
 */
import path from "node:path";
import {parseArgs} from "node:util";
import {getLlama, LlamaChat} from "node-llama-cpp";
import {LocalEngine} from "../electron/core/llm/local-engine.js";
import {toLlamaHistory} from "../electron/core/llm/chat-history.js";
import {FIXTURE_GGUF} from "../test/helpers/fixtures.js";
import {BENCH_MESSAGES, mean, printTable, rssMb, writeResults} from "./lib.js";

const {values} = parseArgs({options: {model: {type: "string"}, runs: {type: "string"}, tokens: {type: "string"}, threads: {type: "string"}}});
const MODEL = values.model ?? FIXTURE_GGUF;
const RUNS = Number(values.runs ?? 12);
const TOKENS = Number(values.tokens ?? 256);
const THREADS = Number(values.threads ?? 1);

interface Run {
  tokens: number;
  ttftMs: number;
  tokensPerSecond: number;
}

const rssStart = rssMb();
const llama = await getLlama({gpu: false, build: "never"});

// Direct use: the same calls the engine makes, without anything around them.
let started = performance.now();
const directModel = await llama.loadModel({modelPath: MODEL});
const directLoadMs = performance.now() - started;
const directContext = await directModel.createContext({contextSize: 2048, sequences: 1, threads: THREADS});
const directSequence = directContext.getSequence();

async function direct(seed: number): Promise<Run> {
  const chat = new LlamaChat({contextSequence: directSequence, autoDisposeSequence: false});
  const begin = performance.now();
  let first = 0;
  const before = directSequence.tokenMeter.getState().usedOutputTokens;
  await chat.generateResponse(toLlamaHistory(BENCH_MESSAGES), {maxTokens: TOKENS, temperature: 0.8, seed, repeatPenalty: false, onTextChunk: () => (first ||= performance.now())});
  const end = performance.now();
  const tokens = directSequence.tokenMeter.getState().usedOutputTokens - before;
  chat.dispose({disposeSequence: false});
  await directSequence.clearHistory();
  return {tokens, ttftMs: first - begin, tokensPerSecond: ((tokens - 1) * 1000) / (end - first)};
}

// The engine loads paths inside its model folders only: the model's own folder is one.
const engine = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: path.dirname(path.resolve(MODEL)), source: "path"}]});
started = performance.now();
await engine.load({model: MODEL, threads: THREADS, sequences: 1, contextSize: 2048});
const engineLoadMs = performance.now() - started;

async function viaEngine(seed: number): Promise<Run> {
  const result = await engine.generate(BENCH_MESSAGES, {maxTokens: TOKENS, temperature: 0.8, seed, repeatPenalty: 1});
  return {tokens: result.usage.completionTokens, ttftMs: result.timings.timeToFirstTokenMs ?? NaN, tokensPerSecond: result.timings.tokensPerSecond ?? NaN};
}

// Warm both paths, then alternate.
await direct(0);
await viaEngine(0);
const directRuns: Run[] = [];
const engineRuns: Run[] = [];
for (let i = 1; i <= RUNS; i++) {
  if (i % 2) {
    directRuns.push(await direct(i));
    engineRuns.push(await viaEngine(i));
  } else {
    engineRuns.push(await viaEngine(i));
    directRuns.push(await direct(i));
  }
}
const summary = (runs: Run[]) => ({tokensPerSecond: mean(runs.map((r) => r.tokensPerSecond)), ttftMs: mean(runs.map((r) => r.ttftMs)), meanTokens: mean(runs.map((r) => r.tokens))});
const d = summary(directRuns);
const e = summary(engineRuns);
printTable(`Engine vs node-llama-cpp directly (${RUNS} runs each, ${TOKENS} max tokens, ${THREADS} thread)`, [
  {path: "node-llama-cpp direct", "tokens/s": d.tokensPerSecond, "TTFT ms": d.ttftMs, "tokens/run": d.meanTokens, "load ms": directLoadMs},
  {path: "Deskside engine", "tokens/s": e.tokensPerSecond, "TTFT ms": e.ttftMs, "tokens/run": e.meanTokens, "load ms": engineLoadMs},
  {path: "ratio engine/direct", "tokens/s": e.tokensPerSecond / d.tokensPerSecond, "TTFT ms": e.ttftMs / d.ttftMs, "tokens/run": "", "load ms": ""},
]);
await directContext.dispose();
await directModel.dispose();
await engine.unload();

// Aggregate throughput with parallel sequences.
await engine.load({model: MODEL, threads: THREADS, sequences: 4, contextSize: 2048});
const parallel: {sequences: number; aggregateTokensPerSecond: number; wallMs: number}[] = [];
// Exactly n concurrent requests, three rounds each.
for (const n of [1, 2, 4]) {
  let tokens = 0;
  const begin = performance.now();
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(Array.from({length: n}, (_, i) => engine.generate(BENCH_MESSAGES, {maxTokens: TOKENS, temperature: 0.8, seed: round * 10 + i, repeatPenalty: 1})));
    tokens += results.reduce((sum, r) => sum + r.usage.completionTokens, 0);
  }
  const wall = performance.now() - begin;
  parallel.push({sequences: n, aggregateTokensPerSecond: (tokens * 1000) / wall, wallMs: wall});
}
printTable("Aggregate throughput with parallel sequences (3 rounds each)", parallel.map((p) => ({sequences: p.sequences, "aggregate tokens/s": p.aggregateTokensPerSecond, "wall ms": p.wallMs})));
const rssEnd = rssMb();
printTable("Memory", [{"RSS at start MB": rssStart, "RSS at end MB": rssEnd}]);
await engine.dispose();

const file = writeResults("engine", {
  model: MODEL,
  runs: RUNS,
  maxTokens: TOKENS,
  threads: THREADS,
  direct: {...d, loadMs: directLoadMs},
  engine: {...e, loadMs: engineLoadMs},
  ratio: {tokensPerSecond: e.tokensPerSecond / d.tokensPerSecond, ttft: e.ttftMs / d.ttftMs},
  target: {tokensPerSecondRatio: 0.97},
  parallel,
  rssMb: {start: rssStart, end: rssEnd},
});
console.log(`\nWrote ${file}`);
