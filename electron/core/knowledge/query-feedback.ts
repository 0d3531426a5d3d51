/**
 * Pseudo-relevance feedback for the word search: the leading passages of a first search are taken
 * as relevant, the words they share that the question lacks are searched for too, and what that
 * second search finds is added to the word list at a lower weight. A technician's "the mail server
 * refuses my laptop" shares few words with the manual's "relay access denied"; the passages that
 * match its few words do carry the manual's own vocabulary.
 */
import type {Candidate} from "./store.js";

export interface FeedbackPassage {
  /** Analysed words of the passage (see KnowledgeStore.analyze), with its title and headings. */
  terms: string[];
  /** How strongly the first search matched it (its BM25 score). */
  score: number;
}

/**
 * Up to `count` words for the second search, by Σ over passages of (passage score ÷ best score) ×
 * (the word's share of the passage) × idf. A word must occur in at least `minPassages` of them: a
 * word of one passage is that passage's topic, not the question's. Words without an idf (not in the
 * knowledge base's statistics) and the question's own words are left out.
 */
export function feedbackTerms(queryTerms: string[], passages: FeedbackPassage[], idf: (term: string) => number | undefined, count: number, minPassages = 2): string[] {
  const best = passages.reduce((max, p) => Math.max(max, p.score), 0);
  if (count <= 0 || !(best > 0)) return [];
  const asked = new Set(queryTerms);
  const weight = new Map<string, number>();
  const seenIn = new Map<string, number>();
  for (const passage of passages) {
    if (passage.terms.length === 0) continue;
    const counts = new Map<string, number>();
    for (const term of passage.terms) if (!asked.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      const termIdf = idf(term);
      if (termIdf === undefined || !(termIdf > 0)) continue;
      weight.set(term, (weight.get(term) ?? 0) + (passage.score / best) * (tf / passage.terms.length) * termIdf);
      seenIn.set(term, (seenIn.get(term) ?? 0) + 1);
    }
  }
  return [...weight]
    .filter(([term]) => seenIn.get(term)! >= Math.min(minPassages, passages.length))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([term]) => term);
}

/**
 * The word list with the second search's matches added: each candidate's BM25 gains `weight` × its
 * score in the second search, scaled so both searches' best scores are equal (BM25 scores of
 * different queries are not on one scale). Candidates only the second search found join the list.
 */
export function mergeFeedback(first: Candidate[], second: Candidate[], weight: number, limit: number): Candidate[] {
  const bestFirst = first.reduce((max, c) => Math.max(max, c.bm25 ?? 0), 0);
  const bestSecond = second.reduce((max, c) => Math.max(max, c.bm25 ?? 0), 0);
  if (!(bestSecond > 0) || weight <= 0) return first;
  const scale = (weight * (bestFirst > 0 ? bestFirst : 1)) / bestSecond;
  const merged = new Map(first.map((c) => [c.id, {...c}]));
  for (const c of second) {
    const entry = merged.get(c.id) ?? {...c, bm25: 0};
    entry.bm25 = (entry.bm25 ?? 0) + scale * (c.bm25 ?? 0);
    merged.set(c.id, entry);
  }
  return [...merged.values()].sort((a, b) => (b.bm25 ?? 0) - (a.bm25 ?? 0) || a.id.localeCompare(b.id)).slice(0, limit);
}
