import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import type {SearchHit, SearchMode, SearchRequest, SearchResult} from "../../../shared/knowledge.js";
import type {Embedder} from "./embedder.js";
import {cosineDistanceToSimilarity, termCoverage, vectorConfidence} from "./fusion.js";
import type {FusionCalibration} from "./fusion-calibration.js";
import {NearCopies} from "./near-copies.js";
import {buildPassage, earlierRanges, insideEarlierPassage, PASSAGE_WINDOW} from "./passage.js";
import {addDocumentEvidence, applyPrior, applyRerankScores, diversify, fuseLists, queryPairs, termProximity, type FusionMethod, type ScoredCandidate} from "./ranking.js";
import type {LatentIndex} from "./latent/latent-index.js";
import {rescoreWithLatent} from "./latent/latent-rescoring.js";
import {guessLanguage, QUESTION_EVIDENCE, type DocumentLanguages} from "./language-guess.js";
import type {Reranker} from "./reranker.js";
import {feedbackTerms, mergeFeedback} from "./query-feedback.js";
import {passageWithContext, type StoredChunk} from "./store-schema.js";
import type {Candidate, KnowledgeStore} from "./store.js";

/**
 * Search over the knowledge base.
 *
 * `hit.score` (0..1) is an absolute relevance estimate, meant for a "no answer" threshold, not a rank:
 * - vector: cosine similarity of query and chunk (negative similarity counts as 0);
 * - text: the share of the query's indexed words (stemmed, stop words dropped) found in the chunk;
 * - hybrid: the larger of the two, i.e. the strongest evidence either method has for the chunk.
 * Hybrid also adds each candidate's latent similarity to the question when the knowledge base has a
 * latent index (latent/latent-index.ts), which relates words that occur together in its passages.
 * Hits are ordered by the method's own ranking: similarity, BM25, or reciprocal rank fusion (hybrid),
 * where the vector list's vote is weighted by how clearly its best match stands out (see
 * vectorConfidence). `scores` carries the raw per-method numbers: similarity, BM25, the RRF sum.
 */

/** The origin of the articles that ship with the app (see importDefaultKnowledge). */
export const STARTER_ORIGIN = "default-knowledge";

export const MIN_TOP_K = 1;
export const MAX_TOP_K = 20;
/** Candidates each method contributes to fusion; deeper lists change RRF little and cost latency. */
const FUSION_DEPTH = 50;
/** Re-query cap when many candidates belong to documents still being written or deleted. */
const MAX_FETCH = 5000;

export interface NormalizedSearchRequest {
  query: string;
  topK: number;
  mode: SearchMode;
  minScore: number;
  collection: string | null;
  excludeCollections: string[];
  passages: boolean;
  seenChunkIds: string[];
}

export function normalizeSearchRequest(request: SearchRequest, defaults: {topK?: number; mode?: SearchMode; minScore?: number} = {}): NormalizedSearchRequest {
  const query = typeof request.query === "string" ? request.query.trim() : "";
  if (!query) throw new DesksideError("INVALID_INPUT", "Type something to search for.");
  const topK = request.topK ?? defaults.topK ?? 5;
  if (!Number.isInteger(topK) || topK < MIN_TOP_K || topK > MAX_TOP_K)
    throw new DesksideError("INVALID_INPUT", `topK must be a whole number from ${MIN_TOP_K} to ${MAX_TOP_K}.`);
  const mode = request.mode ?? defaults.mode ?? "hybrid";
  if (!["hybrid", "vector", "text"].includes(mode)) throw new DesksideError("INVALID_INPUT", "mode must be hybrid, vector or text.");
  const minScore = request.minScore ?? defaults.minScore ?? 0;
  if (typeof minScore !== "number" || !(minScore >= 0 && minScore <= 1)) throw new DesksideError("INVALID_INPUT", "minScore must be between 0 and 1.");
  const excludeCollections = request.excludeCollections ?? [];
  if (!Array.isArray(excludeCollections) || excludeCollections.some((c) => typeof c !== "string") || excludeCollections.length > 100)
    throw new DesksideError("INVALID_INPUT", "excludeCollections must be a list of up to 100 collection names.");
  const seenChunkIds = request.seenChunkIds ?? [];
  if (!Array.isArray(seenChunkIds) || seenChunkIds.some((c) => typeof c !== "string") || seenChunkIds.length > 1000)
    throw new DesksideError("INVALID_INPUT", "seenChunkIds must be a list of up to 1,000 chunk ids.");
  return {query, topK, mode, minScore, collection: request.collection || null, excludeCollections, passages: request.passages === true, seenChunkIds};
}

/** Whether the embedder can make query vectors comparable with the stored ones. */
export function vectorsUsable(store: KnowledgeStore, embedder: Embedder | null): boolean {
  const model = store.vectorModel();
  return model !== null && embedder !== null && embedder.modelId === model.id && embedder.dimension === model.dimension;
}

function fallbackNotice(store: KnowledgeStore, embedder: Embedder | null): string {
  if (!embedder) return "No embedding model is available, so this search matched words only (full-text).";
  if (store.rebuildProgress()) return "Vectors are being rebuilt for the new embedding model; this search matched words only until that finishes.";
  return `The stored vectors were not made by "${embedder.modelId}"; re-index the knowledge base. This search matched words only.`;
}

/** Queries until `want` visible candidates are found or the store has no more, skipping unfinished documents. */
async function fetchVisible(store: KnowledgeStore, want: number, run: (limit: number) => Promise<Candidate[]>): Promise<Candidate[]> {
  let limit = Math.max(want, 10);
  for (;;) {
    const rows = await run(limit);
    const visible = rows.filter((row) => store.isVisible(row.documentId));
    if (visible.length >= want || rows.length < limit || limit >= MAX_FETCH) return visible.slice(0, want);
    limit = Math.min(MAX_FETCH, limit * 4);
  }
}

function toHit(chunk: StoredChunk, score: number, scores: SearchHit["scores"]): SearchHit {
  const hit: SearchHit = {
    chunkId: chunk.id,
    documentId: chunk.documentId,
    title: chunk.title,
    sourcePath: chunk.sourcePath,
    headingPath: chunk.headingPath,
    page: chunk.page,
    row: chunk.row,
    text: chunk.text,
    collection: chunk.collection,
    score,
    scores: {},
  };
  if (chunk.ocr) hit.ocr = true;
  for (const key of ["vector", "text", "fused"] as const) if (scores[key] !== undefined) hit.scores[key] = scores[key];
  return hit;
}

/**
 * The ranking switches of search. The defaults are what the product uses; the retrieval evaluation
 * turns each off in turn to measure what it adds.
 */
export interface SearchTuning {
  /** Weight of the title-and-headings field next to the chunk body in full-text search (0: body only). */
  contextBoost: number;
  /**
   * How hybrid weighs the vector list against the word list: "calibrated" uses the weights measured
   * on this knowledge base (see fusion-calibration.ts; "confidence" until measured), "confidence"
   * scales the vector vote by how clearly its best match stands out, "equal" is plain RRF.
   */
  fusion: "calibrated" | "confidence" | "equal";
  /** How the lists' votes are combined (see ranking.ts). */
  fusionMethod: FusionMethod;
  /** Share of a document's other candidates added to each chunk's score (0: chunks alone). */
  documentEvidence: number;
  /** Only candidates within this many chunks count as evidence (0: the whole document); see addDocumentEvidence. */
  evidenceWindow: number;
  /** Score multiplier per chunk of the same document already in the results (1: no diversification). */
  repeatDecay: number;
  /** Most chunks of one document in the results while other documents have candidates (0: no cap). */
  perDocumentCap: number;
  /** Only chunks of the same document this near count as repeats (0: the whole document); see diversify. */
  repeatWindow: number;
  /**
   * Score factor for the starter articles that ship with the app: a team's own documents win a close
   * call against generic bundled articles, which still answer when nothing of the team's matches.
   */
  starterPrior: number;
  /**
   * Starter articles only fill in: they take a place in the results from a team document's passage
   * only with more evidence than it (see diversify's fallback), not because diversification
   * discounted the team document's further passages.
   */
  starterFillsIn: boolean;
  /**
   * Score factor for chunks the reader has already been shown (the previous answer's passages): a
   * follow-up such as "it still fails after that" should bring what comes next, not the same steps.
   */
  seenPrior: number;
  /**
   * Score bonus for a chunk where the query's words stand together (see termProximity): its score is
   * multiplied by 1 + proximityBoost × the share of the query's word pairs found within
   * `proximityWindow` terms of each other. Read for the leading `depth` candidates only (0: off).
   */
  proximityBoost: number;
  /** How many terms apart the two words of a pair may be to count as together (1: adjacent). */
  proximityWindow: number;
  /**
   * Weight of the latent similarity (latent semantic indexing of this knowledge base, see
   * latent/latent-index.ts) added to each candidate's fused score; 0: off. Applies when the
   * knowledge base has a latent index.
   */
  latentWeight: number;
  /**
   * Leave out a hit whose text is the same as an earlier hit's. Documentation repeats whole sections
   * across pages (a man page suite's shared "GIT URLS" or diff options, a footer on every page): five
   * copies of one passage would fill the results and tell the reader nothing new.
   */
  collapseCopies: boolean;
  /**
   * With collapseCopies, a hit is also a copy when this share of its five-word runs (or the earlier
   * hit's, whichever has fewer) are in an earlier hit: the same text in another format, cut into
   * passages elsewhere (see near-copies.ts; 0: only the same words in the same order).
   */
  nearCopyShare: number;
  /**
   * Score factor for a passage written in another language than the question, when both are clear
   * (see language-guess.ts): a manual shipped in several languages answers an English question from
   * its English pages, not from a translation that shares its commands and error messages (1: off).
   */
  languagePrior: number;
  /**
   * Pseudo-relevance feedback (see query-feedback.ts): words of the leading `feedbackPassages` word
   * matches searched for too, up to this many (0: off). Needs the latent index's word statistics.
   */
  feedbackTerms: number;
  feedbackPassages: number;
  /** Weight of the feedback search against the question's own (its best score scaled to this share). */
  feedbackWeight: number;
  /** Candidates each method contributes. */
  depth: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  contextBoost: 0.5,
  fusion: "calibrated",
  fusionMethod: "score",
  documentEvidence: 0.5,
  evidenceWindow: 0,
  repeatDecay: 0.5,
  perDocumentCap: 3,
  repeatWindow: 0,
  starterPrior: 0.7,
  starterFillsIn: true,
  seenPrior: 0.3,
  proximityBoost: 0,
  proximityWindow: 1,
  latentWeight: 0.8,
  collapseCopies: true,
  nearCopyShare: 0.5,
  languagePrior: 0.3,
  feedbackTerms: 0,
  feedbackPassages: 3,
  feedbackWeight: 0.3,
  depth: FUSION_DEPTH,
};

/** Leading candidates whose language is read: the places a translation could take. */
const LANGUAGE_DEPTH = 30;

/** Candidates lined up per place when hits carry passages, for those that repeat an earlier passage. */
const PASSAGE_POOL_FACTOR = 3;

/** Leading candidates a re-ranking model reads: enough to lift a deep match, few enough to stay fast. */
export const RERANK_DEPTH = 20;

export interface SearchOptions {
  notice?: string;
  /** Re-orders the leading candidates when given. */
  reranker?: Reranker | null;
  signal?: AbortSignal;
  tuning?: Partial<SearchTuning>;
  /** Fusion weights measured on this knowledge base, when known. */
  calibration?: FusionCalibration | null;
  /** The knowledge base's latent index, when it has one. */
  latent?: LatentIndex | null;
  /** The documents' languages as learned so far; without it, no passage is held back for its language. */
  languages?: DocumentLanguages;
}

function fusionWeights(tuning: SearchTuning, calibration: FusionCalibration | null | undefined, similarities: number[]): {text: number; vector: number} {
  if (tuning.fusion === "equal") return {text: 1, vector: 1};
  if (tuning.fusion === "calibrated" && calibration) return calibration.weights;
  return {text: 1, vector: vectorConfidence(similarities)};
}

/**
 * Text score shown to the reader and used for the "no answer" threshold: the share of the query's
 * words the chunk contains, scaled down (to at most half) as its BM25 falls behind the best hit's, so
 * hits that merely contain the words once are not all shown as a perfect 1.000.
 */
export function textRelevance(coverage: number, bm25: number | undefined, bestBm25: number): number {
  if (bm25 === undefined || !(bestBm25 > 0)) return coverage * 0.5;
  return coverage * (0.5 + 0.5 * Math.min(1, bm25 / bestBm25));
}

/**
 * The word list with pseudo-relevance feedback (see query-feedback.ts): the leading word matches are
 * read (left in `chunks` for the rest of the search), and their shared words are searched for too.
 */
async function withFeedback(
  store: KnowledgeStore,
  latent: LatentIndex,
  textHits: Candidate[],
  queryTerms: string[],
  tuning: SearchTuning,
  depth: number,
  filter: {collection: string | null; excludeCollections: string[]},
  chunks: Map<string, StoredChunk>,
): Promise<Candidate[]> {
  const head = textHits.slice(0, tuning.feedbackPassages).filter((c) => (c.bm25 ?? 0) > 0);
  if (head.length === 0 || queryTerms.length === 0) return textHits;
  const read = await store.chunksByIds(head.map((c) => c.id));
  for (const chunk of read) chunks.set(chunk.id, chunk);
  const terms = await store.analyzeEach(read.map(passageWithContext));
  const score = new Map(head.map((c) => [c.id, c.bm25 ?? 0]));
  const expansion = feedbackTerms(queryTerms, read.map((chunk, i) => ({terms: terms[i], score: score.get(chunk.id) ?? 0})), (term) => latent.idfOf(term), tuning.feedbackTerms);
  if (expansion.length === 0) return textHits;
  const second = await fetchVisible(store, depth, (limit) => store.textCandidates(expansion.join(" "), {...filter, limit, contextBoost: tuning.contextBoost}));
  return mergeFeedback(textHits, second, tuning.feedbackWeight, depth);
}

/**
 * Multiplies the leading `count` candidates' scores by 1 + boost × their term proximity; the chunks
 * read for it are left in `chunks` for the rest of the search.
 */
async function applyProximity(
  store: KnowledgeStore,
  candidates: ScoredCandidate[],
  queryTerms: string[],
  tuning: SearchTuning,
  count: number,
  chunks: Map<string, StoredChunk>,
): Promise<ScoredCandidate[]> {
  const pairs = queryPairs(queryTerms);
  if (pairs.length === 0) return candidates;
  const head = candidates.slice(0, count).filter((c) => c.fused > 0);
  const read = await store.chunksByIds(head.map((c) => c.id));
  for (const chunk of read) chunks.set(chunk.id, chunk);
  const terms = await store.analyzeEach(read.map((chunk) => chunk.text));
  const proximity = new Map(read.map((chunk, i) => [chunk.id, termProximity(pairs, terms[i], tuning.proximityWindow)]));
  return applyPrior(candidates, (c) => 1 + tuning.proximityBoost * (proximity.get(c.id) ?? 0));
}

/**
 * Multiplies the leading candidates whose document is written in another language than the question
 * by the language prior. A document's language is learned once, from the first of its passages a
 * search reads (left in `chunks` for the rest of the search), and remembered in `languages`.
 */
async function applyLanguagePrior(
  store: KnowledgeStore,
  candidates: ScoredCandidate[],
  query: string,
  prior: number,
  languages: DocumentLanguages,
  chunks: Map<string, StoredChunk>,
): Promise<ScoredCandidate[]> {
  const asked = guessLanguage(query, QUESTION_EVIDENCE);
  if (!asked) return candidates;
  const head = candidates.slice(0, LANGUAGE_DEPTH);
  // One passage of each document whose language is not known yet.
  const unknown = new Map<string, string>();
  for (const c of head) if (languages.get(c.documentId) === undefined && !unknown.has(c.documentId)) unknown.set(c.documentId, c.id);
  if (unknown.size > 0) {
    const ids = [...unknown.values()];
    for (const chunk of await store.chunksByIds(ids.filter((id) => !chunks.has(id)))) chunks.set(chunk.id, chunk);
    for (const id of ids) {
      const chunk = chunks.get(id);
      if (chunk) languages.learn(chunk.documentId, chunk.text);
    }
  }
  return applyPrior(candidates, (c) => {
    const written = languages.get(c.documentId);
    return written !== undefined && written !== asked ? prior : 1;
  });
}

/**
 * Runs a search with an already embedded query (null when vectors are not usable). Kept apart from
 * query embedding so its timing (`tookMs`) measures retrieval alone. Candidates are fetched as ids
 * and scores; only the chunks that make the cut are read in full.
 */
export async function searchWithVector(
  store: KnowledgeStore,
  request: NormalizedSearchRequest,
  queryVector: Float32Array | null,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const started = performance.now();
  const tuning = {...DEFAULT_TUNING, ...options.tuning};
  const effectiveMode: SearchMode = queryVector ? request.mode : "text";
  const filter = {collection: request.collection, excludeCollections: request.excludeCollections};
  const depth = Math.max(tuning.depth, request.topK);

  const [vectorHits, firstTextHits, queryTerms] = await Promise.all([
    queryVector && effectiveMode !== "text" ? fetchVisible(store, depth, (limit) => store.vectorCandidates(queryVector, {...filter, limit})) : Promise.resolve([]),
    effectiveMode !== "vector" ? fetchVisible(store, depth, (limit) => store.textCandidates(request.query, {...filter, limit, contextBoost: tuning.contextBoost})) : Promise.resolve([]),
    effectiveMode !== "vector" ? store.analyze(request.query) : Promise.resolve([]),
  ]);

  // Chunks read in full during ranking, kept so the hits need not read them again.
  const readChunks = new Map<string, StoredChunk>();
  const similarity = new Map(vectorHits.map((c) => [c.id, cosineDistanceToSimilarity(c.distance ?? 1)]));
  // Shown scores stay those of the question's own words; feedback only moves candidates.
  const bm25 = new Map(firstTextHits.map((c) => [c.id, c.bm25 ?? 0]));
  const bestBm25 = firstTextHits.reduce((best, c) => Math.max(best, c.bm25 ?? 0), 0);
  const textHits =
    tuning.feedbackTerms > 0 && options.latent && effectiveMode !== "vector"
      ? await withFeedback(store, options.latent, firstTextHits, queryTerms, tuning, depth, filter, readChunks)
      : firstTextHits;
  const weights =
    effectiveMode === "hybrid" ? fusionWeights(tuning, options.calibration, vectorHits.map((c) => similarity.get(c.id)!)) : effectiveMode === "text" ? {text: 1, vector: 0} : {text: 0, vector: 1};
  // One pipeline for every mode: a single-method search is fusion with the other list empty.
  const seen = new Set(request.seenChunkIds);
  const isStarter = (c: {documentId: string}) => store.getDocument(c.documentId)?.origin === STARTER_ORIGIN;
  const prior = (c: {id: string; documentId: string}) => (isStarter(c) ? tuning.starterPrior : 1) * (seen.has(c.id) ? tuning.seenPrior : 1);
  let fusedLists = fuseLists(
    {
      text: effectiveMode === "vector" ? [] : textHits.map((c) => ({id: c.id, documentId: c.documentId, score: c.bm25})),
      vector: effectiveMode === "text" ? [] : vectorHits.map((c) => ({id: c.id, documentId: c.documentId, score: similarity.get(c.id)})),
      weights,
    },
    tuning.fusionMethod,
  );
  fusedLists = applyPrior(fusedLists, prior);
  if (tuning.proximityBoost > 0 && effectiveMode !== "vector") fusedLists = await applyProximity(store, fusedLists, queryTerms, tuning, depth, readChunks);
  let fused = addDocumentEvidence(
    fusedLists,
    // Every chunk is a vector candidate of some rank, so counting a document's vector candidates
    // measures its length, not its relevance; word matches are evidence.
    effectiveMode === "vector" ? 0 : tuning.documentEvidence,
    tuning.evidenceWindow,
  );
  // Part of hybrid search, also when it falls back to words (no embedder): "text" stays words alone.
  // Added after document evidence, so a long document's many candidates do not each pass their
  // latent similarity on to the others (measured: before it, the gain was lost).
  if (options.latent && tuning.latentWeight > 0 && request.mode === "hybrid")
    fused = (await rescoreWithLatent(store, options.latent, fused, queryTerms, tuning.latentWeight, readChunks, prior)).candidates;
  if (tuning.languagePrior < 1 && options.languages) fused = await applyLanguagePrior(store, fused, request.query, tuning.languagePrior, options.languages, readChunks);
  const retrieveMs = performance.now() - started;

  let ordered = fused;
  let rerankMs: number | undefined;
  const reranker = options.reranker;
  if (reranker && fused.length > 1) {
    const rerankStarted = performance.now();
    const head = fused.slice(0, RERANK_DEPTH);
    const headChunks = new Map((await store.chunksByIds(head.map((c) => c.id))).map((chunk) => [chunk.id, chunk]));
    // The model reads the passage with its title and headings, as a person would see it.
    const passages = head.map((c) => {
      const chunk = headChunks.get(c.id);
      return chunk ? passageWithContext(chunk) : "";
    });
    ordered = applyRerankScores(fused, head.length, await reranker.score(request.query, passages, {signal: options.signal}));
    rerankMs = performance.now() - rerankStarted;
  }
  // With passages, a hit whose chunk already sits inside an earlier hit's passage is left out (the
  // reader and the model would get the same section twice), so a few more candidates are lined up.
  const diversifyOptions = {repeatDecay: tuning.repeatDecay, perDocumentCap: tuning.perDocumentCap, repeatWindow: tuning.repeatWindow, fallback: tuning.starterFillsIn ? isStarter : undefined};
  // More are lined up below only when copies or repeated passages leave places open.
  let pool = request.topK * (request.passages ? PASSAGE_POOL_FACTOR : 1);
  let ranked = diversify(ordered, pool, diversifyOptions);
  const chunks = new Map<string, StoredChunk>();
  const readRanked = async (): Promise<void> => {
    const unread = ranked.filter((r) => !chunks.has(r.id));
    for (const r of unread) if (readChunks.has(r.id)) chunks.set(r.id, readChunks.get(r.id)!);
    for (const chunk of await store.chunksByIds(unread.filter((r) => !chunks.has(r.id)).map((r) => r.id))) chunks.set(chunk.id, chunk);
  };
  await readRanked();
  const toScoredHit = async (r: (typeof ranked)[number]): Promise<{hit: SearchHit; chunk: StoredChunk; neighbours: StoredChunk[]} | null> => {
    const chunk = chunks.get(r.id);
    if (!chunk) return null;
    const similarityScore = similarity.get(r.id);
    const bm25Score = bm25.get(r.id);
    const coverage = effectiveMode === "vector" || queryTerms.length === 0 ? 0 : termCoverage(queryTerms, await store.analyze(`${chunk.title}\n${chunk.headingPath.join("\n")}\n${chunk.text}`));
    const textScore = textRelevance(coverage, bm25Score, bestBm25);
    const score = effectiveMode === "vector" ? (similarityScore ?? 0) : effectiveMode === "text" ? textScore : Math.max(similarityScore ?? 0, textScore);
    if (score < request.minScore) return null;
    const hit = toHit(chunk, score, {vector: similarityScore, text: bm25Score, fused: request.mode === "hybrid" ? r.fused : undefined});
    const neighbours = request.passages ? await store.documentChunks(chunk.documentId, chunk.ordinal - PASSAGE_WINDOW, chunk.ordinal + PASSAGE_WINDOW) : [];
    return {hit, chunk, neighbours};
  };
  const kept: SearchHit[] = [];
  const copies = new NearCopies(tuning.nearCopyShare);
  // Candidates left out as copies or as part of an earlier passage since more were last lined up.
  let repeats = 0;
  // In rank order, a batch of the places still open at a time (read in parallel). Passages are
  // built in rank order, so each leaves out the chunks an earlier one already holds.
  for (let next = 0; kept.length < request.topK; ) {
    if (next >= ranked.length) {
      // Places left open by copies and repeated passages: line up more candidates (the greedy pick
      // of a larger pool begins with the same ones). Hits under minScore do not ask for more, as before.
      if (repeats === 0 || ranked.length < pool || pool >= ordered.length) break;
      pool = Math.min(ordered.length, pool + 2 * (request.topK - kept.length));
      repeats = 0;
      ranked = diversify(ordered, pool, diversifyOptions);
      await readRanked();
      if (next >= ranked.length) break;
    }
    const batch = ranked.slice(next, next + request.topK - kept.length);
    next += batch.length;
    for (const scored of await Promise.all(batch.map(toScoredHit))) {
      if (!scored || kept.length >= request.topK) continue;
      const {hit, chunk, neighbours} = scored;
      if (tuning.collapseCopies && copies.isCopy(chunk.text)) {
        repeats++;
        continue;
      }
      if (request.passages) {
        if (insideEarlierPassage(hit, kept)) {
          repeats++;
          continue;
        }
        hit.passage = buildPassage(chunk, neighbours, undefined, earlierRanges(hit.documentId, kept));
      }
      kept.push(hit);
    }
  }
  const result: SearchResult = {hits: kept, mode: request.mode, effectiveMode, tookMs: performance.now() - started, timings: {embedMs: 0, retrieveMs}};
  if (rerankMs !== undefined) {
    result.timings!.rerankMs = rerankMs;
    result.reranker = reranker!.modelId;
  }
  if (options.notice) result.notice = options.notice;
  return result;
}

/** Embeds the query (when vectors are usable) and searches; `tookMs` covers both. */
export async function search(store: KnowledgeStore, embedder: Embedder | null, request: NormalizedSearchRequest, options: Omit<SearchOptions, "notice"> = {}): Promise<SearchResult> {
  const started = performance.now();
  const wantsVectors = request.mode !== "text";
  const usable = wantsVectors && vectorsUsable(store, embedder);
  let queryVector: Float32Array | null = null;
  let notice = wantsVectors && !usable ? fallbackNotice(store, embedder) : undefined;
  if (usable) {
    try {
      queryVector = (await embedder!.embed([request.query], {signal: options.signal}))[0];
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // The model opens on first use and may fail then (files removed, a broken runtime): words still match.
      notice = `The embedding model could not be used (${toErrorInfo(error).message}); this search matched words only.`;
    }
  }
  const embedMs = performance.now() - started;
  const result = await searchWithVector(store, request, queryVector, {...options, notice});
  result.tookMs = performance.now() - started;
  if (result.timings) result.timings.embedMs = embedMs;
  return result;
}
