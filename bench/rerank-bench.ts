/**
 * Re-ranking latency (ms per query for 20 and 50 passages) and GGUF embedding throughput
 * (texts/s), on passages cut from the team's knowledge/ runbooks at the default chunk size.
 * Without options it measures the tiny test models (a BERT GGUF re-ranker and embedder, the
 * query-overlap cross-encoder, the llama fixture as embedder): that is the adapters' own cost, not
 * a real model's speed. Pass real models to measure those.
 *
 *   npx tsx bench/rerank-bench.ts [--reranker file.gguf|folder]… [--embedder file.gguf]… [--threads 1] [--runs 5]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {getLlama} from "node-llama-cpp";
import {createGgufEmbedder} from "../electron/core/knowledge/gguf-embedder.js";
import {createReranker} from "../electron/core/knowledge/reranker.js";
import {FIXTURE_GGUF, REPO_ROOT} from "../test/helpers/fixtures.js";
import {writeTinyBertGguf} from "../test/helpers/tiny-bert-gguf.js";
import {writeTinyCrossEncoder} from "../test/helpers/tiny-cross-encoder.js";
import {mean, percentile, printTable, rssMb, writeResults} from "./lib.js";

const {values} = parseArgs({
  options: {reranker: {type: "string", multiple: true}, embedder: {type: "string", multiple: true}, threads: {type: "string"}, runs: {type: "string"}},
});
const THREADS = Number(values.threads ?? 1);
const RUNS = Number(values.runs ?? 5);
const PASSAGE_WORDS = 150; // about the default chunk size of 200 tokens
const QUERIES = ["The VPN client says error 809", "How do I recover a BitLocker key?", "My account is locked out after a password change", "The laptop gets hot and the battery drains"];

function passagesFromRunbooks(): string[] {
  const dir = path.join(REPO_ROOT, "knowledge");
  const words = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split(/\s+/).filter(Boolean));
  const passages: string[] = [];
  for (let i = 0; i + PASSAGE_WORDS <= words.length; i += PASSAGE_WORDS) passages.push(words.slice(i, i + PASSAGE_WORDS).join(" "));
  return passages;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-rerank-bench-"));
const rerankers = values.reranker ?? [writeTinyBertGguf(path.join(scratch, "tiny-bert-reranker.gguf"), "reranker"), writeTinyCrossEncoder(path.join(scratch, "tiny-cross-encoder"))];
const embedders = values.embedder ?? [FIXTURE_GGUF, writeTinyBertGguf(path.join(scratch, "tiny-bert-embedder.gguf"), "embedder")];
const passages = passagesFromRunbooks();
const llama = await getLlama({gpu: false, build: "never", logLevel: "error" as never});

interface RerankRow {
  model: string;
  kind: string;
  loadMs: number;
  passages: number;
  msPerQuery: number;
  p95Ms: number;
}
const rerankRows: RerankRow[] = [];
for (const target of rerankers) {
  let started = performance.now();
  const reranker = await createReranker(target, {llama, threads: THREADS});
  const loadMs = performance.now() - started;
  for (const count of [20, 50]) {
    const batch = passages.slice(0, count);
    await reranker.score(QUERIES[0], batch); // warm-up
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      for (const query of QUERIES) {
        started = performance.now();
        await reranker.score(query, batch);
        times.push(performance.now() - started);
      }
    }
    rerankRows.push({model: reranker.modelId, kind: reranker.kind, loadMs, passages: count, msPerQuery: mean(times), p95Ms: percentile(times, 95)});
  }
  await reranker.close();
}
printTable(`Re-ranking (${RUNS} runs × ${QUERIES.length} queries, ~${PASSAGE_WORDS}-word passages, ${THREADS} thread)`, rerankRows.map((r) => ({model: r.model, kind: r.kind, passages: r.passages, "ms/query": r.msPerQuery, "p95 ms": r.p95Ms, "load ms": r.loadMs})));

interface EmbedRow {
  model: string;
  dimension: number;
  loadMs: number;
  texts: number;
  textsPerSecond: number;
}
const embedRows: EmbedRow[] = [];
const texts = passages.slice(0, 100);
for (const target of embedders) {
  let started = performance.now();
  const embedder = await createGgufEmbedder(target, {llama, threads: THREADS});
  const loadMs = performance.now() - started;
  await embedder.embed(texts.slice(0, 4)); // warm-up
  started = performance.now();
  await embedder.embed(texts);
  const seconds = (performance.now() - started) / 1000;
  embedRows.push({model: embedder.modelId, dimension: embedder.dimension, loadMs, texts: texts.length, textsPerSecond: texts.length / seconds});
  await embedder.close();
}
printTable(`GGUF embedding (${texts.length} passages, ${THREADS} thread)`, embedRows.map((r) => ({model: r.model, dimension: r.dimension, "texts/s": r.textsPerSecond, "load ms": r.loadMs})));
const rss = rssMb();
printTable("Memory", [{"RSS at end MB": rss}]);

await llama.dispose();
fs.rmSync(scratch, {recursive: true, force: true});
const file = writeResults("rerank", {threads: THREADS, runs: RUNS, queries: QUERIES.length, passageWords: PASSAGE_WORDS, rerank: rerankRows, embed: embedRows, rssMb: rss});
console.log(`\nWrote ${file}`);
