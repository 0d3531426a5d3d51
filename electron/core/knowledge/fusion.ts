/**
 * Reciprocal rank fusion (Cormack et al., k = 60, the value LanceDB's RRFReranker uses), with an
 * optional weight per list. Done here rather than with the reranker because the reranker returns
 * only the fused score, and hits must carry each method's own score too.
 */
export const RRF_K = 60;

export interface RankedList<T> {
  items: T[];
  key: (item: T) => string;
  /** How much a rank in this list counts (default 1). */
  weight?: number;
}

export interface FusedItem {
  key: string;
  fused: number;
  /** 0-based rank in each input list where the item appeared. */
  ranks: (number | undefined)[];
}

export function reciprocalRankFusion<T>(lists: RankedList<T>[], k = RRF_K): FusedItem[] {
  const byKey = new Map<string, FusedItem>();
  lists.forEach((list, listIndex) => {
    list.items.forEach((item, rank) => {
      const key = list.key(item);
      let entry = byKey.get(key);
      if (!entry) {
        entry = {key, fused: 0, ranks: lists.map(() => undefined)};
        byKey.set(key, entry);
      }
      if (entry.ranks[listIndex] !== undefined) return;
      entry.ranks[listIndex] = rank;
      entry.fused += (list.weight ?? 1) / (k + rank + 1);
    });
  });
  return [...byKey.values()].sort((a, b) => b.fused - a.fused || a.key.localeCompare(b.key));
}

/**
 * How clearly the best vector match stands out for this query, 0..1: the top similarity's lift over
 * the last candidate's, which stands in for the query's background similarity to the corpus, scaled
 * by the room left above that background. An embedding model that cannot tell this corpus apart
 * (every chunk about as similar, as with static word vectors) scores near 0, a sharp match near 1.
 * Hybrid search scales the vector list's RRF vote by it, so a vague vector list cannot outvote exact
 * word matches while a confident one still counts fully.
 */
export function vectorConfidence(similarities: number[]): number {
  if (similarities.length < 2) return 1;
  const top = similarities[0];
  const background = similarities[similarities.length - 1];
  if (background >= 1) return 0;
  return Math.min(1, Math.max(0, (top - background) / (1 - background)));
}

/** Cosine distance (0 same direction, 2 opposite) as a 0..1 similarity; opposite vectors count as 0. */
export function cosineDistanceToSimilarity(distance: number): number {
  return Math.min(1, Math.max(0, 1 - distance));
}

/** Share of the query's indexed words (stemmed, stop words dropped) that occur in the text: 0..1. */
export function termCoverage(queryTerms: string[], textTerms: Iterable<string>): number {
  const wanted = new Set(queryTerms);
  if (wanted.size === 0) return 0;
  const present = new Set(textTerms);
  let found = 0;
  for (const term of wanted) if (present.has(term)) found++;
  return found / wanted.size;
}
