/**
 * Search while a long import runs: a folder of generated runbooks is imported through the knowledge
 * service while a question is asked every few hundred milliseconds, once with the job folding its
 * passages into the indexes only at the end and once for each `--fold` setting. Passages not yet
 * indexed are searched by brute force, so without folding each question costs more the longer the
 * job has run. Prints search latency over the import (all of it and its last quarter), the import's
 * own time as a ratio to the first setting, search once every import is over (the knowledge bases
 * taking turns, 100 questions each) and how many parts each index ended in; writes
 * bench/results/import-search.json.
 *
 *   npx tsx bench/import-search-bench.ts [--files 1900] [--fold 0,10000,5000] [--every-ms 300]
 *
 * Fixture embedder (static GloVe, 100-d); hybrid and text search, no re-ranker, no language model.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {defaultSettings} from "../shared/settings.js";
import type {SearchMode} from "../shared/knowledge.js";
import * as lancedb from "@lancedb/lancedb";
import {createKnowledgeService} from "../electron/core/knowledge/knowledge-service.js";
import {FIXTURE_EMBEDDER_DIR} from "../test/helpers/fixtures.js";
import {articleParagraphs, percentile, printTable, rng, writeResults} from "./lib.js";

const QUESTIONS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "knowledge-questions.json");

const {values: args} = parseArgs({
  options: {
    files: {type: "string", default: "1900"},
    fold: {type: "string", default: "0,10000,5000"},
    "every-ms": {type: "string", default: "300"},
  },
});

/** Runbooks of 12–20 sections, each two to four paragraphs drawn from the starter articles (one job takes at most 2,000 files). */
function writeCorpus(dir: string, files: number): void {
  const paragraphs = articleParagraphs();
  const random = rng(7);
  const pick = () => paragraphs[Math.floor(random() * paragraphs.length)];
  for (let n = 0; n < files; n++) {
    const lines = [`# Runbook ${n + 1}`, ""];
    const sections = 12 + Math.floor(random() * 9);
    for (let s = 0; s < sections; s++) {
      lines.push(`## Step ${s + 1}`, "");
      const count = 2 + Math.floor(random() * 3);
      for (let p = 0; p < count; p++) lines.push(pick(), "");
    }
    const folder = path.join(dir, `team-${n % 20}`);
    mkdirSync(folder, {recursive: true});
    writeFileSync(path.join(folder, `runbook-${n + 1}.md`), lines.join("\n"));
  }
}

interface Sample {
  atMs: number;
  mode: SearchMode;
  ms: number;
}

async function runOne(corpus: string, work: string, foldEvery: number, everyMs: number, questions: string[]) {
  const dataDir = path.join(work, `fold-${foldEvery}`);
  const service = await createKnowledgeService({
    dataDir,
    embeddingModelDirs: [],
    embeddingModel: FIXTURE_EMBEDDER_DIR,
    settings: defaultSettings().knowledge,
    parserPoolSize: 1,
    foldEveryPassages: foldEvery,
  });
  // Open the embedder first, so the first question does not pay for it.
  await service.search({query: "warm up", mode: "hybrid"});
  const samples: Sample[] = [];
  // The process's peak during this import (each setting in its own process gives each its own peak).
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const started = performance.now();
  const job = await service.importPaths([corpus]);
  let finished = false;
  const done = service.waitForJob(job.id).then((result) => {
    finished = true;
    return result;
  });
  let asked = 0;
  while (!finished) {
    const mode: SearchMode = asked % 2 === 0 ? "hybrid" : "text";
    const query = questions[asked++ % questions.length];
    const t = performance.now();
    await service.search({query, mode});
    samples.push({atMs: t - started, mode, ms: performance.now() - t});
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  const result = await done;
  const importMs = performance.now() - started;
  clearInterval(rssTimer);
  const stats = await service.stats();
  await service.close();
  return {foldEvery, dataDir, importMs, peakRssMb: peakRss / 1024 / 1024, counts: result.counts, passages: stats.chunks, samples, indexParts: await indexParts(dataDir)};
}

/** How many parts each index of the passages table is in: folding adds to an index rather than rebuilding it. */
async function indexParts(dataDir: string): Promise<string> {
  const db = await lancedb.connect(path.join(dataDir, "lancedb"));
  const name = (await db.tableNames()).find((table) => table.startsWith("chunks"));
  if (!name) return "";
  const table = await db.openTable(name);
  const parts: string[] = [];
  for (const index of await table.listIndices()) {
    const stats = await table.indexStats(index.name);
    parts.push(`${index.columns.join("+")}:${stats?.numIndices ?? "?"}`);
  }
  table.close();
  db.close();
  return parts.join(" ");
}

/** Search once the imports are over, the knowledge bases taking turns question by question. */
async function searchAfter(dataDirs: string[], questions: string[]): Promise<number[][]> {
  const services = [];
  for (const dataDir of dataDirs) {
    services.push(await createKnowledgeService({dataDir, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge, parserPoolSize: 1}));
  }
  const times: number[][] = dataDirs.map(() => []);
  for (const service of services) await service.search({query: "warm up", mode: "hybrid"});
  for (let i = 0; i < 100; i++) {
    for (const [n, service] of services.entries()) {
      const t = performance.now();
      await service.search({query: questions[i % questions.length], mode: "hybrid"});
      times[n].push(performance.now() - t);
    }
  }
  for (const service of services) await service.close();
  return times;
}

async function main() {
  const files = Number(args.files);
  const folds = args.fold.split(",").map(Number);
  const everyMs = Number(args["every-ms"]);
  const questions = (JSON.parse(readFileSync(QUESTIONS_FILE, "utf8")) as {question: string}[]).map((q) => q.question);
  const work = mkdtempSync(path.join(os.tmpdir(), "deskside-import-search-"));
  try {
    const corpus = path.join(work, "runbooks");
    writeCorpus(corpus, files);
    const runs = [];
    for (const fold of folds) runs.push(await runOne(corpus, work, fold, everyMs, questions));
    const base = runs[0].importMs;
    const after = await searchAfter(
      runs.map((run) => run.dataDir),
      questions,
    );
    const rows = runs.map((run, n) => {
      const all = run.samples.map((s) => s.ms);
      const lastQuarter = run.samples.filter((s) => s.atMs >= run.importMs * 0.75).map((s) => s.ms);
      const ofMode = (mode: SearchMode) => run.samples.filter((s) => s.mode === mode).map((s) => s.ms);
      return {
        fold: run.foldEvery === 0 ? "at the end only" : `every ${run.foldEvery} passages`,
        files: run.counts.done,
        passages: run.passages,
        import_s: run.importMs / 1000,
        import_ratio: run.importMs / base,
        questions: all.length,
        hybrid_p50_ms: percentile(ofMode("hybrid"), 50),
        text_p50_ms: percentile(ofMode("text"), 50),
        p95_ms: percentile(all, 95),
        max_ms: Math.max(...all),
        last_quarter_p50_ms: percentile(lastQuarter, 50),
        after_p50_ms: percentile(after[n], 50),
        after_p95_ms: percentile(after[n], 95),
        index_parts: run.indexParts,
        peak_rss_mb: Math.round(run.peakRssMb),
      };
    });
    printTable(`Search while ${files} runbooks are imported (a question every ${everyMs} ms)`, rows);
    console.log(`\nwrote ${writeResults("import-search", {files, everyMs, rows, samples: runs.map((run) => ({foldEvery: run.foldEvery, samples: run.samples}))})}`);
  } finally {
    rmSync(work, {recursive: true, force: true});
  }
}

await main();
