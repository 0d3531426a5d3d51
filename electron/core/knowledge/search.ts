import {DesksideError} from "../../../shared/errors.js";
import type {SearchHit, SearchMode, SearchRequest, SearchResult} from "../../../shared/knowledge.js";
import type {Embedder} from "./embedder.js";
import {cosineDistanceToSimilarity, reciprocalRankFusion, termCoverage, vectorConfidence} from "./fusion.js";
import type {StoredChunk} from "./store-schema.js";
import type {Candidate, KnowledgeStore} from "./store.js";

/**
 * Search over the knowledge base.
 *
 * `hit.score` (0..1) is an absolute relevance estimate, meant for a "no answer" threshold, not a rank:
 * - vector: cosine similarity of query and chunk (negative similarity counts as 0);
 * - text: the share of the query's indexed words (stemmed, stop words dropped) found in the chunk;
 * - hybrid: the larger of the two, i.e. the strongest evidence either method has for the chunk.
 * Hits are ordered by the method's own ranking: similarity, BM25, or reciprocal rank fusion (hybrid),
 * where the vector list's vote is weighted by how clearly its best match stands out (see
 * vectorConfidence). `scores` carries the raw per-method numbers: similarity, BM25, the RRF sum.
 */

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
  return {query, topK, mode, minScore, collection: request.collection || null};
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
  for (const key of ["vector", "text", "fused"] as const) if (scores[key] !== undefined) hit.scores[key] = scores[key];
  return hit;
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
  notice?: string,
): Promise<SearchResult> {
  const started = performance.now();
  const effectiveMode: SearchMode = queryVector ? request.mode : "text";
  const filter = {collection: request.collection};
  const depth = effectiveMode === "hybrid" ? Math.max(FUSION_DEPTH, request.topK) : request.topK;

  const [vectorHits, textHits, queryTerms] = await Promise.all([
    queryVector && effectiveMode !== "text" ? fetchVisible(store, depth, (limit) => store.vectorCandidates(queryVector, {...filter, limit})) : Promise.resolve([]),
    effectiveMode !== "vector" ? fetchVisible(store, depth, (limit) => store.textCandidates(request.query, {...filter, limit})) : Promise.resolve([]),
    effectiveMode !== "vector" ? store.analyze(request.query) : Promise.resolve([]),
  ]);

  // The final order, with each kept candidate's per-method scores.
  let ranked: {id: string; similarity?: number; bm25?: number; fused?: number}[];
  if (effectiveMode === "vector") {
    ranked = vectorHits.map((c) => ({id: c.id, similarity: cosineDistanceToSimilarity(c.distance ?? 1)}));
  } else if (effectiveMode === "text") {
    ranked = textHits.map((c) => ({id: c.id, bm25: c.bm25}));
  } else {
    const similarity = new Map(vectorHits.map((c) => [c.id, cosineDistanceToSimilarity(c.distance ?? 1)]));
    const bm25 = new Map(textHits.map((c) => [c.id, c.bm25]));
    const vectorWeight = vectorConfidence(vectorHits.map((c) => similarity.get(c.id)!));
    ranked = reciprocalRankFusion([
      {items: vectorHits, key: (c) => c.id, weight: vectorWeight},
      {items: textHits, key: (c) => c.id},
    ])
      .slice(0, request.topK)
      .map((item) => ({id: item.key, similarity: similarity.get(item.key), bm25: bm25.get(item.key), fused: item.fused}));
  }

  const chunks = new Map((await store.chunksByIds(ranked.map((r) => r.id))).map((chunk) => [chunk.id, chunk]));
  const hits: SearchHit[] = [];
  await Promise.all(
    ranked.map(async (r, index) => {
      const chunk = chunks.get(r.id);
      if (!chunk) return;
      const coverage = r.bm25 === undefined || queryTerms.length === 0 ? 0 : termCoverage(queryTerms, await store.analyze(chunk.text));
      const score = effectiveMode === "vector" ? (r.similarity ?? 0) : effectiveMode === "text" ? coverage : Math.max(r.similarity ?? 0, coverage);
      hits[index] = toHit(chunk, score, {vector: r.similarity, text: r.bm25, fused: r.fused});
    }),
  );

  const kept = hits.filter((hit) => hit !== undefined && hit.score >= request.minScore).slice(0, request.topK);
  const result: SearchResult = {hits: kept, mode: request.mode, effectiveMode, tookMs: performance.now() - started};
  if (notice) result.notice = notice;
  return result;
}

/** Embeds the query (when vectors are usable) and searches; `tookMs` covers both. */
export async function search(store: KnowledgeStore, embedder: Embedder | null, request: NormalizedSearchRequest): Promise<SearchResult> {
  const started = performance.now();
  const wantsVectors = request.mode !== "text";
  const usable = wantsVectors && vectorsUsable(store, embedder);
  const queryVector = usable ? (await embedder!.embed([request.query]))[0] : null;
  const notice = wantsVectors && !usable ? fallbackNotice(store, embedder) : undefined;
  const result = await searchWithVector(store, request, queryVector, notice);
  result.tookMs = performance.now() - started;
  return result;
}
