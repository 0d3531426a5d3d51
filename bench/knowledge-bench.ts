/**
 * Knowledge-base benchmark: import throughput on a generated corpus of multi-page PDFs (split into
 * parse, chunk, embed and write), search latency per mode at 10k and 100k chunks (query embedding
 * excluded) with and without the latent index (and the time to build it), and peak RSS. Prints a table and writes bench/results/knowledge.json.
 *
 *   npx tsx bench/knowledge-bench.ts [--pages 1000] [--sizes 10000,100000] [--queries 100] [--skip-import]
 *
 * Uses the fixture embedder (static GloVe, 100-d) from test/fixtures/models; a production model such as
 * all-MiniLM-L6-v2 costs far more per chunk, which raises the embedding share of import time.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {PDFDocument, StandardFonts} from "pdf-lib";
import {defaultSettings} from "../shared/settings.js";
import type {SearchMode} from "../shared/knowledge.js";
import {createEmbedder, type Embedder} from "../electron/core/knowledge/embedder.js";
import {createKnowledgeService} from "../electron/core/knowledge/knowledge-service.js";
import {wrap} from "../test/helpers/document-fixtures.js";
import {chunkDocument, createParserPool} from "../electron/core/knowledge/parsing/index.js";
import {normalizeSearchRequest, searchWithVector, type SearchTuning} from "../electron/core/knowledge/search.js";
import type {ChunkRecord, DocumentRecord} from "../electron/core/knowledge/store-schema.js";
import {KnowledgeStore} from "../electron/core/knowledge/store.js";
import {LatentIndexKeeper} from "../electron/core/knowledge/latent/latent-index-keeper.js";
import {FIXTURE_EMBEDDER_DIR} from "../test/helpers/fixtures.js";
import {articleParagraphs, rng} from "./lib.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const QUESTIONS_FILE = path.join(REPO_ROOT, "test", "fixtures", "knowledge-questions.json");
const RESULTS_FILE = path.join(REPO_ROOT, "bench", "results", "knowledge.json");

const {values: args} = parseArgs({
  options: {
    pages: {type: "string", default: "1000"},
    "pages-per-pdf": {type: "string", default: "25"},
    sizes: {type: "string", default: "10000,100000"},
    queries: {type: "string", default: "100"},
    "skip-import": {type: "boolean", default: false},
    "skip-search": {type: "boolean", default: false},
  },
});

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
rssTimer.unref();

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function buildPdfCorpus(dir: string, pages: number, pagesPerPdf: number): Promise<{files: string[]; pages: number}> {
  const paragraphs = articleParagraphs().map((p) => p.replace(/[^\x20-\x7e]/g, " "));
  const random = rng(42);
  const files: string[] = [];
  let made = 0;
  for (let n = 0; made < pages; n++) {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const count = Math.min(pagesPerPdf, pages - made);
    for (let p = 0; p < count; p++) {
      const page = pdf.addPage([612, 792]);
      const lines: string[] = [`Runbook ${n + 1}, page ${p + 1}`, ""];
      while (lines.length < 46) lines.push(...wrap(paragraphs[Math.floor(random() * paragraphs.length)], 95), "");
      lines.slice(0, 48).forEach((line, i) => page.drawText(line, {x: 40, y: 750 - i * 15, size: 10, font}));
    }
    const file = path.join(dir, `runbook-${String(n + 1).padStart(3, "0")}.pdf`);
    writeFileSync(file, await pdf.save());
    files.push(file);
    made += count;
  }
  return {files, pages: made};
}

async function benchImport(embedder: Embedder, work: string) {
  const pages = Number(args.pages);
  const corpusDir = path.join(work, "pdfs");
  mkdirSync(corpusDir);
  const corpus = await buildPdfCorpus(corpusDir, pages, Number(args["pages-per-pdf"]));
  const settings = defaultSettings().knowledge;

  // Stage by stage, one after another, so each stage's cost is measured alone.
  const pool = createParserPool({size: 1});
  const stages = {parse: 0, chunk: 0, embed: 0, write: 0, index: 0};
  const store = await KnowledgeStore.open({uri: path.join(work, "staged-store")});
  await store.rebuild({id: embedder.modelId, dimension: embedder.dimension}, (texts) => embedder.embed(texts));
  let chunkTotal = 0;
  for (const file of corpus.files) {
    const bytes = readFileSync(file);
    let t = performance.now();
    const parsed = await pool.parse(bytes, path.basename(file));
    stages.parse += performance.now() - t;
    t = performance.now();
    const chunks = chunkDocument(parsed, {chunkSize: settings.chunkSize, chunkOverlap: settings.chunkOverlap, countTokens: (text) => embedder.countTokens(text)});
    stages.chunk += performance.now() - t;
    t = performance.now();
    const vectors = await embedder.embed(chunks.map((c) => c.text));
    stages.embed += performance.now() - t;
    t = performance.now();
    const doc: DocumentRecord = {
      id: crypto.randomUUID(), title: parsed.title, sourcePath: file, sha256: file, mime: parsed.mime, kind: parsed.kind, collection: null, chunkCount: chunks.length,
      sizeBytes: bytes.length, importedAt: new Date().toISOString(), status: "ready", origin: "import", embeddingModel: null, error: null, notes: [],
    };
    const records: ChunkRecord[] = chunks.map((c, i) => ({ordinal: c.ordinal, text: c.text, headingPath: c.headingPath, page: c.page, row: c.row, vector: vectors[i]}));
    await store.writeDocument(doc, records, {vectorModel: {id: embedder.modelId, dimension: embedder.dimension}});
    stages.write += performance.now() - t;
    chunkTotal += chunks.length;
  }
  // Compaction and full-text/vector index upkeep, once per import job in the app.
  let t = performance.now();
  await store.optimize();
  stages.index += performance.now() - t;
  await store.close();
  await pool.close();
  const stagedMs = stages.parse + stages.chunk + stages.embed + stages.write + stages.index;

  // End to end through the service: what a user waits for (files overlap, parsing runs in a worker).
  const service = await createKnowledgeService({dataDir: path.join(work, "service"), embeddingModelDirs: [], embeddingModel: embedder.modelPath, settings, parserPoolSize: 1});
  t = performance.now();
  const job = await service.waitForJob((await service.importPaths([corpusDir])).id);
  const endToEndMs = performance.now() - t;
  const stats = await service.stats();
  await service.close();
  if (job.counts.done !== corpus.files.length) throw new Error(`service import finished with ${JSON.stringify(job.counts)}`);

  return {
    files: corpus.files.length,
    pages: corpus.pages,
    chunks: chunkTotal,
    stageMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
    stagedTotalMs: round(stagedMs),
    nonEmbeddingShare: round((stagedMs - stages.embed) / stagedMs, 3),
    stagedPagesPerSecond: round(corpus.pages / (stagedMs / 1000), 1),
    stagedChunksPerSecond: round(chunkTotal / (stagedMs / 1000), 1),
    endToEnd: {
      ms: round(endToEndMs),
      pagesPerSecond: round(corpus.pages / (endToEndMs / 1000), 1),
      chunksPerSecond: round(stats.chunks / (endToEndMs / 1000), 1),
    },
  };
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return vector.map((x) => x / norm);
}

/** Fills a store with `size` synthetic chunks: article sentences mixed pairwise, vectors mixed alike. */
async function buildSearchStore(embedder: Embedder, dir: string, size: number, base: {texts: string[]; vectors: Float32Array[]}) {
  const store = await KnowledgeStore.open({uri: dir});
  await store.rebuild({id: embedder.modelId, dimension: embedder.dimension}, (texts) => embedder.embed(texts));
  const random = rng(size);
  const perDoc = 500;
  const started = performance.now();
  for (let d = 0; d * perDoc < size; d++) {
    const records: ChunkRecord[] = [];
    for (let i = 0; i < perDoc && d * perDoc + i < size; i++) {
      const a = Math.floor(random() * base.texts.length);
      const b = Math.floor(random() * base.texts.length);
      const vector = new Float32Array(embedder.dimension);
      for (let k = 0; k < vector.length; k++) vector[k] = base.vectors[a][k] + 0.5 * base.vectors[b][k];
      records.push({ordinal: i, text: `${base.texts[a]} ${base.texts[b]}`, headingPath: ["Synthetic", `Doc ${d}`], page: null, row: null, vector: normalize(vector)});
    }
    const doc: DocumentRecord = {
      id: `doc-${d}`, title: `Synthetic ${d}`, sourcePath: `/synthetic/${d}.md`, sha256: `s${d}`, mime: "text/markdown", kind: "markdown", collection: d % 2 ? "odd" : "even",
      chunkCount: records.length, sizeBytes: 0, importedAt: new Date().toISOString(), status: "ready", origin: "import", embeddingModel: null, error: null, notes: [],
    };
    await store.writeDocument(doc, records, {vectorModel: {id: embedder.modelId, dimension: embedder.dimension}});
  }
  const writeMs = performance.now() - started;
  const t = performance.now();
  await store.optimize();
  return {store, writeMs, optimizeMs: performance.now() - t};
}

async function benchSearch(embedder: Embedder, work: string) {
  const questions = (JSON.parse(readFileSync(QUESTIONS_FILE, "utf8")) as {question: string}[]).map((q) => q.question);
  const queries = Array.from({length: Number(args.queries)}, (_, i) => questions[i % questions.length]);
  const queryVectors = await embedder.embed(queries);
  const sentences = articleParagraphs().flatMap((p) => p.split(/(?<=[.!?])\s+/)).filter((s) => s.length > 30);
  const baseTexts = sentences.slice(0, 4000);
  const base = {texts: baseTexts, vectors: await embedder.embed(baseTexts)};
  const results: Record<string, unknown>[] = [];
  for (const size of String(args.sizes).split(",").map(Number)) {
    const {store, writeMs, optimizeMs} = await buildSearchStore(embedder, path.join(work, `search-${size}`), size, base);
    const row: Record<string, unknown> = {chunks: await store.countChunks(), buildMs: round(writeMs), optimizeMs: round(optimizeMs)};
    // The latent index as the app builds it in the background after an import.
    const rssBefore = process.memoryUsage.rss();
    const latentStarted = performance.now();
    const keeper = new LatentIndexKeeper({store, file: path.join(work, `latent-${size}.bin`)});
    const latent = await keeper.rebuild();
    row.latentIndex = {buildMs: round(performance.now() - latentStarted), words: latent?.vocabulary ?? 0, fileMb: round((latent?.serialize().length ?? 0) / 1024 / 1024, 1), rssGrowthMb: round((process.memoryUsage.rss() - rssBefore) / 1024 / 1024, 1)};
    // Interleaved per query, so machine noise hits every variant alike; the previous ranking
    // (body-only BM25, rank fusion, no document steps) gives the cost of the new steps as a ratio.
    const variants: {key: string; mode: SearchMode; tuning?: Partial<SearchTuning>}[] = [
      {key: "vector", mode: "vector"},
      {key: "text", mode: "text"},
      {key: "hybrid", mode: "hybrid"},
      {key: "hybridNoLatent", mode: "hybrid", tuning: {latentWeight: 0}},
      {key: "hybridPrevious", mode: "hybrid", tuning: {contextBoost: 0, fusion: "confidence", fusionMethod: "rrf", documentEvidence: 0, repeatDecay: 1, perDocumentCap: 0, latentWeight: 0}},
    ];
    const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.key, []]));
    for (let i = 0; i < queries.length + 10; i++) {
      for (const variant of variants) {
        const request = normalizeSearchRequest({query: queries[i % queries.length], topK: 5, mode: variant.mode});
        const result = await searchWithVector(store, request, queryVectors[i % queries.length], {tuning: variant.tuning, latent});
        if (i >= 10) times[variant.key].push(result.tookMs);
      }
    }
    for (const list of Object.values(times)) list.sort((a, b) => a - b);
    for (const variant of variants) row[variant.key] = {p50: round(percentile(times[variant.key], 50)), p95: round(percentile(times[variant.key], 95))};
    row.hybridOverPreviousP50 = round(percentile(times.hybrid, 50) / percentile(times.hybridPrevious, 50), 2);
    row.latentOverNoLatentP50 = round(percentile(times.hybrid, 50) / percentile(times.hybridNoLatent, 50), 2);
    results.push(row);
    await keeper.close();
    await store.close();
    rmSync(path.join(work, `search-${size}`), {recursive: true, force: true});
  }
  return results;
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "deskside-bench-"));
  const embedder = await createEmbedder(FIXTURE_EMBEDDER_DIR, {batchSize: 32});
  const output: Record<string, unknown> = {
    date: new Date().toISOString(),
    // Load average shows whether other work shared the CPUs; timings above ~1 per core are inflated.
    machine: {cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverageAtStart: os.loadavg().map((x) => round(x, 2))},
    embedder: {id: embedder.modelId, dimension: embedder.dimension},
    targets: {hybridP95MsAt100k: 20, nonEmbeddingShareMax: 0.2},
  };
  try {
    if (!args["skip-import"]) {
      const imp = await benchImport(embedder, work);
      output.import = imp;
      console.log(`\nImport: ${imp.files} PDFs, ${imp.pages} pages, ${imp.chunks} chunks`);
      console.table({
        "stage ms": {...imp.stageMs, total: imp.stagedTotalMs},
      });
      console.log(
        `  staged: ${imp.stagedPagesPerSecond} pages/s, ${imp.stagedChunksPerSecond} chunks/s; non-embedding share ${(imp.nonEmbeddingShare * 100).toFixed(1)}% (target ≤ 20%)`,
      );
      console.log(`  end to end (service): ${imp.endToEnd.ms} ms, ${imp.endToEnd.pagesPerSecond} pages/s, ${imp.endToEnd.chunksPerSecond} chunks/s`);
    }
    if (!args["skip-search"]) {
      const search = await benchSearch(embedder, work);
      output.search = search;
      console.log("\nSearch latency, ms (query embedding excluded, topK 5):");
      console.table(
        Object.fromEntries(
          search.map((row) => {
            type P = {p50: number; p95: number};
            const r = row as {chunks: number; vector: P; text: P; hybrid: P; hybridNoLatent: P; hybridPrevious: P; hybridOverPreviousP50: number; latentIndex: {buildMs: number}};
            return [
              `${r.chunks} chunks`,
              {
                "vector p50": r.vector.p50, "vector p95": r.vector.p95, "text p50": r.text.p50, "text p95": r.text.p95, "hybrid p50": r.hybrid.p50, "hybrid p95": r.hybrid.p95,
                "no latent p95": r.hybridNoLatent.p95, "previous p50": r.hybridPrevious.p50, "previous p95": r.hybridPrevious.p95, "hybrid/previous": r.hybridOverPreviousP50,
                "latent build s": round(r.latentIndex.buildMs / 1000, 1),
              },
            ];
          }),
        ),
      );
    }
  } finally {
    await embedder.close();
    rmSync(work, {recursive: true, force: true});
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  (output.machine as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
  output.peakRssMb = round(peakRss / 1024 / 1024, 1);
  output.maxRssMbFromOs = round(process.resourceUsage().maxRSS / 1024, 1);
  console.log(`\nPeak RSS: ${output.peakRssMb} MB (OS max RSS ${output.maxRssMbFromOs} MB)`);
  console.log(`Load average at start / end: ${JSON.stringify(output.machine)}`);
  mkdirSync(path.dirname(RESULTS_FILE), {recursive: true});
  // A partial run (--skip-import / --skip-search) keeps the other section of the previous results.
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Record<string, unknown>;
  } catch {
    // first run
  }
  for (const section of ["import", "search"]) if (!(section in output) && section in previous) output[section] = previous[section];
  writeFileSync(RESULTS_FILE, JSON.stringify(output, null, 2));
  console.log(`Wrote ${path.relative(REPO_ROOT, RESULTS_FILE)}`);
}

await main();
