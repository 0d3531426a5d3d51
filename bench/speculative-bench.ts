/**
 * Speculative decoding against plain decoding, in one interleaved run on the same GGUF: prompt
 * lookup (`llm.speculative: "prompt-lookup"`) and a draft model (by default the same GGUF, the
 * best case for acceptance), on an ordinary question and on a quoting workload (a prompt holding the
 * very text the model goes on to write, as a RAG answer quoting its source does). Greedy decoding, so
 * every variant writes the same text; the table gives decode tok/s and the ratio to plain decoding.
 *
 *   npx tsx bench/speculative-bench.ts [--model path.gguf] [--draft path.gguf] [--runs 6] [--tokens 400] [--threads 1]
 */
import path from "node:path";
import {parseArgs} from "node:util";
import {LocalEngine, type LoadOptions} from "../electron/core/llm/local-engine.js";
import {FIXTURE_GGUF} from "../test/helpers/fixtures.js";
import {BENCH_MESSAGES, percentile, printTable, writeResults} from "./lib.js";

const {values} = parseArgs({options: {model: {type: "string"}, draft: {type: "string"}, runs: {type: "string"}, tokens: {type: "string"}, threads: {type: "string"}, gpu: {type: "string"}}});
const MODEL = path.resolve(values.model ?? FIXTURE_GGUF);
const DRAFT = path.resolve(values.draft ?? MODEL);
const RUNS = Number(values.runs ?? 6);
const TOKENS = Number(values.tokens ?? 400);
const THREADS = Number(values.threads ?? 1);
const GPU = (values.gpu ?? "cpu") as "cpu" | "auto";

async function engineWith(speculative: LoadOptions["speculative"]): Promise<LocalEngine> {
  const engine = new LocalEngine({gpu: GPU, modelFolders: () => [...new Set([path.dirname(MODEL), path.dirname(DRAFT)])].map((dir) => ({dir, source: "path" as const}))});
  await engine.load({model: MODEL, threads: THREADS, sequences: 1, contextSize: 4096, speculative});
  return engine;
}

const variants: Record<string, LocalEngine> = {
  plain: await engineWith("off"),
  "prompt lookup": await engineWith("prompt-lookup"),
  [`draft ${path.basename(DRAFT)}`]: await engineWith({draftModel: DRAFT}),
};
const question = BENCH_MESSAGES;
// The passage to quote is what the model writes unprompted, so the quote is one it really produces.
const passage = (await variants.plain.generate(question, {maxTokens: TOKENS, temperature: 0})).text;
const workloads = {
  question,
  quoting: [
    {role: "system" as const, content: "Answer by quoting the passage word for word."},
    {role: "user" as const, content: `Passage:\n${passage}\n\nQuote the passage above.`},
  ],
};

const speed = new Map<string, number[]>();
const texts = new Map<string, string>();
for (let round = 0; round <= RUNS; round++) {
  for (const [workload, messages] of Object.entries(workloads)) {
    for (const [name, engine] of Object.entries(variants)) {
      const result = await engine.generate(messages, {maxTokens: TOKENS, temperature: 0});
      if (round === 0) {
        texts.set(`${workload}/${name}`, result.text);
        continue; // warm-up
      }
      const key = `${workload}/${name}`;
      speed.set(key, [...(speed.get(key) ?? []), result.timings.tokensPerSecond ?? NaN]);
    }
  }
}
for (const engine of Object.values(variants)) await engine.dispose();

const rows = Object.keys(workloads).flatMap((workload) =>
  Object.keys(variants).map((name) => {
    const tps = percentile(speed.get(`${workload}/${name}`)!, 50);
    const plain = percentile(speed.get(`${workload}/plain`)!, 50);
    return {workload, variant: name, "decode tok/s (median)": tps, "× plain": tps / plain, "same text as plain": texts.get(`${workload}/${name}`) === texts.get(`${workload}/plain`) ? "yes" : "NO"};
  }),
);
printTable(`Speculative decoding, ${path.basename(MODEL)}, ${GPU}, ${THREADS} thread, ${TOKENS} tokens, temperature 0, ${RUNS} rounds`, rows);
const file = writeResults("speculative", {model: MODEL, draft: DRAFT, gpu: GPU, threads: THREADS, runs: RUNS, maxTokens: TOKENS, rows});
console.log(`\nWrote ${file}`);
