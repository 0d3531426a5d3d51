/**
 * The search step that uses the latent index: each candidate the word and vector searches found gains
 * weight × its latent similarity to the question (negative similarity counts as 0). Re-scoring the
 * candidates keeps search as fast as before; scoring every passage instead ranked the same where it
 * was measured, because a passage with none of the question's words rarely wins on latent
 * similarity alone.
 */
import type {ScoredCandidate} from "../ranking.js";
import {passageWithContext, type StoredChunk} from "../store-schema.js";
import type {KnowledgeStore} from "../store.js";
import type {LatentIndex} from "./latent-index.js";

/** Candidates imported since the index was built that are folded in per search; others gain nothing. */
const MAX_FOLDED = 50;

export interface LatentRescoring {
  candidates: ScoredCandidate[];
  /** Candidates the index did not hold (imported since it was built). */
  folded: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export async function rescoreWithLatent(
  store: KnowledgeStore,
  latent: LatentIndex,
  candidates: ScoredCandidate[],
  queryTerms: string[],
  weight: number,
  /** Chunks read here are added, so the hits need not read them again. */
  chunks: Map<string, StoredChunk>,
  /** The candidate's prior (see search.ts), applied to what it gains as to the rest of its score. */
  prior: (c: ScoredCandidate) => number = () => 1,
): Promise<LatentRescoring> {
  const query = weight > 0 ? latent.queryVector(queryTerms) : null;
  if (!query) return {candidates, folded: 0};
  const similarity = new Map<string, number>();
  const missing: string[] = [];
  for (const c of candidates) {
    const s = latent.similarity(c.id, query);
    if (s !== undefined) similarity.set(c.id, s);
    else if (missing.length < MAX_FOLDED) missing.push(c.id);
  }
  if (missing.length > 0) {
    const read = await store.chunksByIds(missing);
    for (const chunk of read) chunks.set(chunk.id, chunk);
    const terms = await store.analyzeEach(read.map(passageWithContext));
    read.forEach((chunk, i) => {
      const vector = latent.foldTerms(terms[i]);
      if (vector) similarity.set(chunk.id, dot(vector, query));
    });
  }
  const rescored = candidates
    .map((c) => ({...c, fused: c.fused + prior(c) * weight * Math.max(0, similarity.get(c.id) ?? 0)}))
    .sort((a, b) => b.fused - a.fused || a.id.localeCompare(b.id));
  return {candidates: rescored, folded: missing.length};
}
