/**
 * The ranking steps of hybrid search, as pure functions over candidate lists (unit-tested apart from
 * the store): weighted rank fusion of the text and vector lists, term proximity, document evidence,
 * and a diversified cut so one long document cannot take every slot.
 */
import {RRF_K} from "./fusion.js";
import {ordinalOfChunkId} from "./store-schema.js";

export interface RankedCandidate {
  id: string;
  documentId: string;
  /** The method's own score, higher is better (BM25, cosine similarity); needed by score fusion. */
  score?: number;
}

export interface FusionInput {
  /** Best first. */
  text: RankedCandidate[];
  vector: RankedCandidate[];
  weights: {text: number; vector: number};
}

export interface ScoredCandidate {
  id: string;
  documentId: string;
  /** The fused score (see FusionMethod). */
  fused: number;
  textRank?: number;
  vectorRank?: number;
}

/**
 * "rrf": weighted reciprocal rank fusion (k = 60); ranks only, so a BM25 of 72 against 49 counts the
 * same as 50 against 49. "score": each list's own scores scaled to 0..1 (BM25 by the best hit,
 * similarity by its lift over the weakest candidate) and added with the weights, which keeps how clearly the
 * best match stands out; a chunk missing from a list scores 0 there.
 */
export type FusionMethod = "rrf" | "score";

function normalizedScores(list: RankedCandidate[], kind: "text" | "vector"): number[] {
  const scores = list.map((c, rank) => c.score ?? 1 / (rank + 1));
  if (scores.length === 0) return [];
  const max = Math.max(...scores);
  if (kind === "text") return scores.map((s) => (max > 0 ? Math.max(0, s) / max : 0));
  // Lift over the weakest candidate, on the room left above it: candidates that are all about as
  // similar (a weak embedder) add next to nothing; a match that stands out counts fully.
  const min = Math.min(...scores);
  return scores.map((s) => (min < 1 ? Math.max(0, s - min) / (1 - min) : 0));
}

/** Fuses the two lists; best first, ties by id for stable output. */
export function fuseLists(input: FusionInput, method: FusionMethod = "rrf", k = RRF_K): ScoredCandidate[] {
  const byId = new Map<string, ScoredCandidate>();
  const add = (list: RankedCandidate[], weight: number, kind: "text" | "vector") => {
    const rankKey = kind === "text" ? "textRank" : "vectorRank";
    const normalized = method === "score" ? normalizedScores(list, kind) : [];
    list.forEach((candidate, rank) => {
      let entry = byId.get(candidate.id);
      if (!entry) byId.set(candidate.id, (entry = {id: candidate.id, documentId: candidate.documentId, fused: 0}));
      if (entry[rankKey] !== undefined) return;
      entry[rankKey] = rank;
      entry.fused += method === "score" ? weight * normalized[rank] : weight / (k + rank + 1);
    });
  };
  add(input.text, input.weights.text, "text");
  add(input.vector, input.weights.vector, "vector");
  return [...byId.values()].sort((a, b) => b.fused - a.fused || a.id.localeCompare(b.id));
}

/**
 * Adds document evidence to each chunk: a document with several matching chunks is more likely the
 * one the question is about than a document with one stray match. Each chunk gains `share` times the
 * scores of its document's other candidates, the k-th other counting 1/2^k, so a long document's
 * many weak matches cannot outweigh a short document's strong one.
 *
 * With `window` > 0 only the candidates within that many chunks of it count: the evidence of its
 * own part of the document. A long manual matches a question in many unrelated chapters, and whole-
 * document evidence gave it a lead over every short page; a page is shorter than the window, so
 * it keeps all of its evidence.
 */
export function addDocumentEvidence(candidates: ScoredCandidate[], share: number, window = 0): ScoredCandidate[] {
  if (share <= 0) return candidates;
  const byDocument = new Map<string, ScoredCandidate[]>();
  for (const c of candidates) {
    const list = byDocument.get(c.documentId);
    if (list) list.push(c);
    else byDocument.set(c.documentId, [c]);
  }
  for (const list of byDocument.values()) list.sort((a, b) => b.fused - a.fused);
  const ordinals = window > 0 ? new Map(candidates.map((c) => [c, ordinalOfChunkId(c.id)])) : null;
  const near = (a: ScoredCandidate, b: ScoredCandidate) => !ordinals || Math.abs(ordinals.get(a)! - ordinals.get(b)!) <= window;
  return candidates
    .map((c) => {
      let extra = 0;
      let weight = 1;
      for (const other of byDocument.get(c.documentId)!) {
        if (other === c || !near(c, other)) continue;
        weight /= 2;
        extra += weight * other.fused;
      }
      return {...c, fused: c.fused + share * extra};
    })
    .sort((a, b) => b.fused - a.fused || a.id.localeCompare(b.id));
}

export interface DiversifyOptions<T> {
  repeatDecay: number;
  perDocumentCap: number;
  /**
   * Only chunks of the same document within this many chunks of a candidate count as its repeats
   * (0: the whole document). A long manual answers many different questions: a hit in its chapter
   * on copying files says nothing about whether its chapter on splitting them is worth showing too.
   */
  repeatWindow?: number;
  /**
   * Candidates that only fill in (the starter articles): they take a place from the others only with
   * more evidence than the candidate they would displace has before its repeat discount. The
   * discount spreads the results over the team's documents; it must not open places for generic
   * articles when the team's one long manual holds every good match.
   */
  fallback?: (candidate: T) => boolean;
}

/**
 * Picks `topK` candidates greedily, discounting a candidate by `repeatDecay` for every chunk of its
 * document already picked (within `repeatWindow` chunks of it, when set; 1: no discount; 0: one chunk
 * per document while others remain) and never taking more than `perDocumentCap` from one document
 * unless nothing else is left.
 */
export function diversify<T extends ScoredCandidate>(candidates: T[], topK: number, options: DiversifyOptions<T>): T[] {
  const {fallback} = options;
  if (!fallback) return spread(candidates, topK, options).map((p) => p.candidate);
  const own = spread(candidates.filter((c) => !fallback(c)), topK, options);
  const spare = spread(candidates.filter(fallback), topK, options);
  const picked: T[] = [];
  let i = 0;
  let j = 0;
  while (picked.length < topK && (i < own.length || j < spare.length)) {
    const takeSpare = j < spare.length && (i >= own.length || spare[j].score > own[i].candidate.fused);
    picked.push(takeSpare ? spare[j++].candidate : own[i++].candidate);
  }
  return picked;
}

/** The greedy pick of diversify, with each pick's discounted score. */
function spread<T extends ScoredCandidate>(candidates: T[], topK: number, options: DiversifyOptions<T>): {candidate: T; score: number}[] {
  const picked: {candidate: T; score: number}[] = [];
  // Ordinals of the chunks picked from each document.
  const taken = new Map<string, number[]>();
  const remaining = [...candidates];
  const cap = options.perDocumentCap > 0 ? options.perDocumentCap : Infinity;
  const window = options.repeatWindow ?? 0;
  const ordinals = window > 0 ? new Map(candidates.map((c) => [c, ordinalOfChunkId(c.id)])) : null;
  const repeatsOf = (candidate: T): number => {
    const near = taken.get(candidate.documentId);
    if (!near || !ordinals) return near?.length ?? 0;
    const ordinal = ordinals.get(candidate)!;
    return near.filter((other) => Math.abs(other - ordinal) <= window).length;
  };
  while (picked.length < topK && remaining.length > 0) {
    let bestIndex = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < remaining.length; i++) {
      if ((taken.get(remaining[i].documentId)?.length ?? 0) >= cap) continue;
      const score = remaining[i].fused * Math.pow(options.repeatDecay, repeatsOf(remaining[i]));
      if (score > bestScore) {
        bestScore = score;
        bestIndex = i;
      }
    }
    // Every remaining candidate belongs to a capped document: fill with them in order rather than return fewer hits.
    if (bestIndex < 0) {
      bestIndex = 0;
      bestScore = remaining[0].fused * Math.pow(options.repeatDecay, repeatsOf(remaining[0]));
    }
    const [chosen] = remaining.splice(bestIndex, 1);
    const list = taken.get(chosen.documentId) ?? [];
    list.push(ordinals?.get(chosen) ?? 0);
    taken.set(chosen.documentId, list);
    picked.push({candidate: chosen, score: bestScore});
  }
  return picked;
}

/**
 * The query's adjacent word pairs (analysed terms: lowercased, stemmed, stop words dropped), each
 * pair once and none of a word with itself: "reset the admin password" gives reset+admin, admin+password.
 */
export function queryPairs(queryTerms: string[]): [string, string][] {
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  for (let i = 1; i < queryTerms.length; i++) {
    const [a, b] = [queryTerms[i - 1], queryTerms[i]];
    if (a === b) continue;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([a, b]);
  }
  return pairs;
}

/**
 * How closely the query's words stand together in a text, 0..1: the share of the query's word pairs
 * (see queryPairs) whose two words occur within `window` terms of each other in the text's analysed
 * terms, in either order (1: next to each other once stop words are dropped). A passage that says
 * "relay access denied" scores above one that has the three words in different sentences.
 */
export function termProximity(pairs: [string, string][], textTerms: string[], window = 1): number {
  if (pairs.length === 0) return 0;
  const wanted = new Set(pairs.flat());
  const positions = new Map<string, number[]>();
  textTerms.forEach((term, position) => {
    if (!wanted.has(term)) return;
    const list = positions.get(term);
    if (list) list.push(position);
    else positions.set(term, [position]);
  });
  let found = 0;
  for (const [a, b] of pairs) {
    const left = positions.get(a);
    const right = positions.get(b);
    if (left && right && withinWindow(left, right, window)) found++;
  }
  return found / pairs.length;
}

/** Whether two ascending position lists hold a pair at most `window` apart. */
function withinWindow(left: number[], right: number[], window: number): boolean {
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (Math.abs(left[i] - right[j]) <= window) return true;
    if (left[i] < right[j]) i++;
    else j++;
  }
  return false;
}

/** Multiplies each candidate's score by its prior (1: neutral), keeping the order by score. */
export function applyPrior(candidates: ScoredCandidate[], prior: (candidate: ScoredCandidate) => number): ScoredCandidate[] {
  let changed = false;
  const out = candidates.map((c) => {
    const factor = prior(c);
    if (factor === 1) return c;
    changed = true;
    return {...c, fused: c.fused * factor};
  });
  return changed ? out.sort((a, b) => b.fused - a.fused || a.id.localeCompare(b.id)) : candidates;
}

/**
 * Re-orders the leading candidates by a re-ranking model's scores. The re-ranked ones stay ahead of
 * the rest (their score becomes 1 + model score, so diversification still sees their spread), and
 * ties keep the fused order.
 */
export function applyRerankScores<T extends ScoredCandidate>(candidates: T[], reranked: number, scores: number[]): T[] {
  const head = candidates.slice(0, reranked).map((c, i) => ({c, s: scores[i], i}));
  head.sort((a, b) => b.s - a.s || a.i - b.i);
  return [...head.map(({c, s}) => ({...c, fused: 1 + s})), ...candidates.slice(reranked)];
}
