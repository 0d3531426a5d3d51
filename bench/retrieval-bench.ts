/**
 * Retrieval quality on third-party documentation (Debian -doc packages) with labelled help-desk
 * questions: recall@1, recall@5, MRR@10 and nDCG@10 per corpus and per method, a plain BM25 baseline
 * from the same run, the same figures with the starter articles present, and each ranking step
 * switched off in turn, then hybrid's paired differences against the others with bootstrap
 * intervals (retrieval-eval/paired-comparison.ts). Fixture embedder, no language model.
 *
 *   npx tsx bench/retrieval-bench.ts [--corpora postfix,krb5] [--methods hybrid,text] [--no-starter]
 *
 * EVAL_CHUNK_SIZE and EVAL_CHUNK_OVERLAP (tokens) import with other passage sizes than the defaults.
 *
 * Installs missing documentation packages when run as root (apt-get), prints PDF corpora with Chromium
 * once (cached in ~/.cache/deskside-eval). Writes bench/results/retrieval.json.
 */
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../test/helpers/fixtures.js";
import {printTable, writeResults} from "./lib.js";
import {CORPORA, corpusById, prepareCorpus, questionsFor} from "./retrieval-eval/corpora.js";
import {evaluateCorpus, loadQuestions, type CorpusResult, type EvalMethod, type LabelledQuestion} from "./retrieval-eval/evaluate.js";
import {macroAverage, metricsOfRanks, type RankingMetrics} from "./retrieval-eval/metrics.js";
import {EVAL_METHODS, methodsByName} from "./retrieval-eval/methods.js";
import {comparisonRows} from "./retrieval-eval/paired-comparison.js";

const {values} = parseArgs({options: {corpora: {type: "string"}, methods: {type: "string"}, "no-starter": {type: "boolean"}}});
const corpora = values.corpora ? values.corpora.split(",").map(corpusById) : CORPORA;
const methods: EvalMethod[] = values.methods ? methodsByName(values.methods) : EVAL_METHODS;

const results: CorpusResult[] = [];
for (const definition of corpora) {
  const corpus = prepareCorpus(definition);
  const questions = questionsFor(definition, (id) => loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", `${id}.json`)).questions);
  const result = await evaluateCorpus(corpus, questions, {embedderDir: FIXTURE_EMBEDDER_DIR, methods, withStarter: !values["no-starter"], repoRoot: REPO_ROOT, log: console.log});
  results.push(result);
  const rows = Object.entries(result.alone).map(([name, m]) => ({
    method: name,
    "R@1": m.recallAt1,
    "R@5": m.recallAt5,
    "MRR@10": m.mrrAt10,
    "nDCG@10": m.ndcgAt10,
    "R@5 +starter": result.withStarter[name]?.recallAt5 ?? "",
    "R@1 +starter": result.withStarter[name]?.recallAt1 ?? "",
    "ms/query": result.searchMs[name] ?? "",
  }));
  printTable(`${definition.id}: ${result.documents} documents, ${result.chunks} chunks, ${result.questions} questions`, rows);
  if (definition.shippedPdfs?.length) printByAnswerPlace(definition.id, result, questions, new Set(definition.shippedPdfs.map((file) => path.basename(file, ".gz"))));
}

/**
 * A mixed corpus split by where each question's answer is: only in a page, only in the long PDF, or
 * in either. The first group shows whether the long document crowds the pages out.
 */
function printByAnswerPlace(id: string, result: CorpusResult, questions: LabelledQuestion[], longFiles: Set<string>): void {
  const placeOf = (q: LabelledQuestion) => (q.files.every((f) => longFiles.has(f)) ? "the long PDF" : q.files.some((f) => longFiles.has(f)) ? "either" : "a page");
  const rows = ["a page", "the long PDF", "either"].flatMap((place) => {
    const ids = new Set(questions.filter((q) => placeOf(q) === place).map((q) => q.id));
    const asked = result.perQuestion.filter((p) => ids.has(p.id));
    return Object.keys(result.alone).map((method) => {
      const m = metricsOfRanks(asked.map((p) => p.ranks[method]));
      return {"answer in": `${place} (${m.n})`, method, "R@1": m.recallAt1, "R@5": m.recallAt5, "MRR@10": m.mrrAt10};
    });
  });
  printTable(`${id} by where the answer is`, rows);
}

const names = Object.keys(results[0]?.alone ?? {});
const average = (pick: (r: CorpusResult) => Record<string, RankingMetrics>, name: string) => macroAverage(results.map(pick).map((m) => m[name]).filter(Boolean));
const summary = names.map((name) => {
  const alone = average((r) => r.alone, name);
  const mixed = average((r) => r.withStarter, name);
  return {
    method: name,
    "R@1": alone.recallAt1,
    "R@5": alone.recallAt5,
    "MRR@10": alone.mrrAt10,
    "nDCG@10": alone.ndcgAt10,
    "R@5 +starter": mixed.n ? mixed.recallAt5 : "",
    "R@1 +starter": mixed.n ? mixed.recallAt1 : "",
  };
});
printTable(`Average over ${results.length} corpora (each corpus weighs the same), ${results.reduce((n, r) => n + r.questions, 0)} questions`, summary);

// Whether the differences in the tables are more than the choice of questions would give.
const mainPairs: [string, string][] = ["bm25 (reference)", "text", "vector"].filter((m) => names.includes(m) && names.includes("hybrid")).map((m) => ["hybrid", m]);
const otherPairs: [string, string][] = names.includes("hybrid") ? names.filter((m) => !["hybrid", "bm25 (reference)", "text", "vector"].includes(m)).map((m) => ["hybrid", m]) : [];
const starterPairs: [string, string][] = names.includes("hybrid") && results.some((r) => Object.keys(r.withStarter).length > 0) ? [["hybrid +starter", "hybrid"]] : [];
const paired = [...comparisonRows(results, [...mainPairs, ...starterPairs]), ...comparisonRows(results, otherPairs, {perCorpus: false})];
if (paired.length) printTable("Paired differences per question, with 95 % bootstrap intervals (an interval spanning 0 is no evidence either way)", paired);

const file = writeResults("retrieval", {
  machine: {cpus: os.cpus().length, loadAverage: os.loadavg()},
  embedder: path.basename(FIXTURE_EMBEDDER_DIR),
  methods,
  corpora: results,
  average: Object.fromEntries(names.map((name) => [name, {alone: average((r) => r.alone, name), withStarter: average((r) => r.withStarter, name)}])),
  paired,
});
console.log(`\nWrote ${path.relative(REPO_ROOT, file)}`);
