/**
 * Runs the retrieval evaluation on one corpus: imports it through the real knowledge service (parser
 * pool, chunker, fixture embedder, LanceDB), asks every labelled question with each method, and scores
 * the ranked documents. Then imports the starter articles beside it and measures again, because a
 * technician's own documents must not lose to the articles that ship with the app.
 */
import {readFileSync} from "node:fs";
import path from "node:path";
import {STARTER_COLLECTION, type SearchRequest} from "../../shared/knowledge.js";
import type {KnowledgeService} from "../../electron/core/knowledge/knowledge-service.js";
import {parseDocument} from "../../electron/core/knowledge/parsing/index.js";
import {KnowledgeStore} from "../../electron/core/knowledge/store.js";
import type {SearchTuning} from "../../electron/core/knowledge/search.js";
import type {FusionCalibration} from "../../electron/core/knowledge/fusion-calibration.js";
import {Bm25Baseline} from "./bm25-baseline.js";
import type {PreparedCorpus} from "./corpora.js";
import {addStarterArticles, importForEvaluation} from "./eval-knowledge-base.js";
import {firstRelevantRanks, rankingMetrics, type QuestionRanking, type RankingMetrics} from "./metrics.js";
import {answerLabel, judgeSections, sectionLabel, sectionsOf} from "./section-judging.js";

export interface LabelledQuestion {
  id: string;
  question: string;
  /** Files that answer it, relative to the corpus root; the first is the best. */
  files: string[];
  section?: string | null;
  /** Numbers of the sections that answer it, best first, where hits are judged by section (retrieval-eval/sections.ts). */
  sections?: string[];
}

export interface QuestionSet {
  corpus: string;
  source: string;
  questions: LabelledQuestion[];
}

/** A retrieval method under test: a search request shape plus internal ranking switches. */
export interface EvalMethod {
  name: string;
  mode: NonNullable<SearchRequest["mode"]>;
  tuning?: Partial<SearchTuning>;
}

const TOP_K = 10;

export function loadQuestions(file: string): QuestionSet {
  const set = JSON.parse(readFileSync(file, "utf8")) as QuestionSet;
  if (!Array.isArray(set.questions) || set.questions.length === 0) throw new Error(`${file} has no questions`);
  return set;
}

export interface CorpusResult {
  corpus: string;
  documents: number;
  chunks: number;
  questions: number;
  importMs: number;
  /** Metrics per method, corpus alone. */
  alone: Record<string, RankingMetrics>;
  /** Metrics per method with the starter articles also in the knowledge base. */
  withStarter: Record<string, RankingMetrics>;
  /** Mean search time per method (ms, corpus alone, query embedding included). */
  searchMs: Record<string, number>;
  /** Per question: rank (1-based) of the first right document per method, 0 when not in the top 10, also with the starter articles present. */
  perQuestion: {id: string; ranks: Record<string, number>; ranksWithStarter?: Record<string, number>}[];
  failedFiles: {path: string; code: string}[];
  calibration: FusionCalibration | null;
  /** The latent index hybrid search used (null: too few passages for one), and its build time. */
  latent: {passages: number; rank: number; vocabulary: number; buildMs: number} | null;
}

export interface EvaluateOptions {
  embedderDir: string;
  methods: EvalMethod[];
  /** Also measure with the starter articles present (default true). */
  withStarter?: boolean;
  repoRoot: string;
  log?: (line: string) => void;
}

async function rankWithService(service: KnowledgeService, corpus: PreparedCorpus, question: string, method: EvalMethod, excludeCollections: string[]): Promise<{labels: string[]; ms: number}> {
  const started = performance.now();
  const result = await service.search({query: question, topK: TOP_K, mode: method.mode, excludeCollections}, {tuning: method.tuning});
  const ms = performance.now() - started;
  const labelOf = (hit: (typeof result.hits)[number]): string =>
    hit.collection === STARTER_COLLECTION ? `starter:${path.basename(hit.sourcePath)}`
    : corpus.definition.judgeBySection ? sectionLabel(corpus.labelOf(hit.sourcePath), hit.headingPath)
    : corpus.labelOf(hit.sourcePath);
  return {labels: result.hits.map(labelOf), ms};
}

async function buildBaseline(corpus: PreparedCorpus, analyzeDir: string): Promise<Bm25Baseline> {
  const analyzerStore = await KnowledgeStore.open({uri: analyzeDir});
  const baseline = new Bm25Baseline((text) => analyzerStore.analyze(text));
  for (const file of corpus.files) {
    try {
      const parsed = await parseDocument(new Uint8Array(readFileSync(file)), path.basename(file));
      if (corpus.definition.judgeBySection) {
        // Sections are what is judged, so the reference ranks sections as its documents.
        for (const section of sectionsOf(parsed.blocks)) await baseline.add(sectionLabel(corpus.labelOf(file), section.headingPath), `${parsed.title}\n${section.text}`);
      } else {
        await baseline.add(corpus.labelOf(file), [parsed.title, ...parsed.blocks.map((block) => block.text)].join("\n"));
      }
    } catch (error) {
      // A file the app cannot parse is missing for the baseline too; say so, or a 0 reads as a result.
      console.warn(`BM25 baseline: ${path.basename(file)} could not be parsed: ${(error as Error).message}`);
    }
  }
  // The analyzer is only needed while ranking; the store stays open until the baseline is dropped.
  return Object.assign(baseline, {closeAnalyzer: () => analyzerStore.close()});
}

export async function evaluateCorpus(corpus: PreparedCorpus, questions: LabelledQuestion[], options: EvaluateOptions): Promise<CorpusResult> {
  const log = options.log ?? (() => undefined);
  const kb = await importForEvaluation(corpus.files, {name: corpus.definition.id, embedderDir: options.embedderDir});
  const {service, importMs, failedFiles, calibration, latent, latentMs, stats} = kb;
  try {
    log(`${corpus.definition.id}: latent index ${latent ? `of ${latent.passages} passages, ${latent.vocabulary} words, ${latent.rank} dimensions, built in ${(latentMs / 1000).toFixed(1)} s` : "not built (too few passages)"}`);
    log(`${corpus.definition.id}: fusion weights ${calibration ? `text ${calibration.weights.text}, vector ${calibration.weights.vector} (pseudo-question MRR text ${calibration.mrr.text.toFixed(3)}, vector ${calibration.mrr.vector.toFixed(3)}, fused ${calibration.mrr.fused.toFixed(3)})` : "not measured"}`);
    log(`${corpus.definition.id}: ${stats.documents} documents, ${stats.chunks} chunks imported in ${(importMs / 1000).toFixed(1)} s${failedFiles.length ? `, ${failedFiles.length} failed` : ""}`);

    const baseline = (await buildBaseline(corpus, path.join(kb.dir, "analyzer"))) as Bm25Baseline & {closeAnalyzer: () => Promise<void>};
    const rankings = async (excluded: string[]) => {
      const perMethod: Record<string, QuestionRanking[]> = {"bm25 (reference)": []};
      const times: Record<string, number[]> = {};
      const judged = (labels: string[], q: LabelledQuestion): QuestionRanking =>
        corpus.definition.judgeBySection ? {ranked: judgeSections(labels, q), relevant: [answerLabel(q)]} : {ranked: labels, relevant: q.files};
      for (const q of questions) perMethod["bm25 (reference)"].push(judged(await baseline.rank(q.question, TOP_K), q));
      for (const method of options.methods) {
        perMethod[method.name] = [];
        times[method.name] = [];
        for (const q of questions) {
          const {labels, ms} = await rankWithService(service, corpus, q.question, method, excluded);
          perMethod[method.name].push(judged(labels, q));
          times[method.name].push(ms);
        }
      }
      return {perMethod, times};
    };

    const alone = await rankings([]);
    const result: CorpusResult = {
      corpus: corpus.definition.id,
      documents: stats.documents,
      chunks: stats.chunks,
      questions: questions.length,
      importMs: Math.round(importMs),
      alone: Object.fromEntries(Object.entries(alone.perMethod).map(([name, r]) => [name, rankingMetrics(r)])),
      withStarter: {},
      searchMs: Object.fromEntries(Object.entries(alone.times).map(([name, t]) => [name, t.reduce((a, b) => a + b, 0) / Math.max(1, t.length)])),
      perQuestion: questions.map((q, i) => ({id: q.id, ranks: firstRelevantRanks(alone.perMethod, i)})),
      failedFiles,
      calibration,
      latent: latent ? {...latent, buildMs: Math.round(latentMs)} : null,
    };

    if (options.withStarter !== false) {
      const started = performance.now();
      // In the app the starter articles come first and are in the latent index when it is built
      // (projected onto the team's documents' factorization, see latent-index-keeper.ts); folding
      // them in per search instead would flatter the user's documents.
      await addStarterArticles(service, options.repoRoot);
      log(`${corpus.definition.id}: starter articles added and the latent index rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const mixed = await rankings([]);
      // The BM25 reference does not see the starter articles; its figure is repeated for reading ease.
      result.perQuestion.forEach((entry, i) => (entry.ranksWithStarter = firstRelevantRanks(mixed.perMethod, i)));
      result.withStarter = Object.fromEntries(Object.entries(mixed.perMethod).filter(([name]) => name !== "bm25 (reference)").map(([name, r]) => [name, rankingMetrics(r)]));
    }
    await baseline.closeAnalyzer();
    return result;
  } finally {
    await kb.close();
  }
}
