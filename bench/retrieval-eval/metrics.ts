/**
 * Ranking metrics at document level: a hit is relevant when its document is one of the question's
 * labelled files. A document counts once (its best-ranked hit); later hits of the same document
 * add nothing, so a list filled by one document is not rewarded for repeating it.
 */

export interface QuestionRanking {
  /** Label of each hit's document, in rank order. */
  ranked: string[];
  /** Labels of the documents that answer the question. */
  relevant: string[];
}

export interface RankingMetrics {
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
  ndcgAt10: number;
  /** Questions measured. */
  n: number;
}

/** 0-based rank of the first relevant hit within the first `k`, or -1. */
export function firstRelevantRank(ranking: QuestionRanking, k: number): number {
  const relevant = new Set(ranking.relevant);
  return ranking.ranked.slice(0, k).findIndex((label) => relevant.has(label));
}

/** Per method, the 1-based rank of question `index`'s first relevant hit within the top 10 (0: none). */
export function firstRelevantRanks(perMethod: Record<string, QuestionRanking[]>, index: number): Record<string, number> {
  return Object.fromEntries(Object.entries(perMethod).map(([name, rankings]) => [name, firstRelevantRank(rankings[index], 10) + 1]));
}

/** R@1, R@5 and MRR@10 from first-relevant ranks (1-based, 0 when not in the top 10). */
export function metricsOfRanks(ranks: number[]): {recallAt1: number; recallAt5: number; mrrAt10: number; n: number} {
  const n = ranks.length;
  if (n === 0) return {recallAt1: 0, recallAt5: 0, mrrAt10: 0, n};
  return {
    recallAt1: ranks.filter((rank) => rank === 1).length / n,
    recallAt5: ranks.filter((rank) => rank >= 1 && rank <= 5).length / n,
    mrrAt10: ranks.reduce((sum, rank) => sum + (rank >= 1 ? 1 / rank : 0), 0) / n,
    n,
  };
}

/** Binary-relevance nDCG@k where each relevant document earns its gain once. */
export function ndcgAt(ranking: QuestionRanking, k: number): number {
  const relevant = new Set(ranking.relevant);
  const seen = new Set<string>();
  let dcg = 0;
  ranking.ranked.slice(0, k).forEach((label, i) => {
    if (relevant.has(label) && !seen.has(label)) {
      seen.add(label);
      dcg += 1 / Math.log2(i + 2);
    }
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function rankingMetrics(rankings: QuestionRanking[]): RankingMetrics {
  const n = rankings.length;
  if (n === 0) return {recallAt1: 0, recallAt5: 0, mrrAt10: 0, ndcgAt10: 0, n};
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  let ndcg = 0;
  for (const ranking of rankings) {
    const first = firstRelevantRank(ranking, 10);
    if (first === 0) r1++;
    if (first >= 0 && first < 5) r5++;
    if (first >= 0) mrr += 1 / (first + 1);
    ndcg += ndcgAt(ranking, 10);
  }
  return {recallAt1: r1 / n, recallAt5: r5 / n, mrrAt10: mrr / n, ndcgAt10: ndcg / n, n};
}

/** Mean of each metric over several corpora (each corpus weighs the same, whatever its size). */
export function macroAverage(all: RankingMetrics[]): RankingMetrics {
  const avg = (pick: (m: RankingMetrics) => number) => all.reduce((sum, m) => sum + pick(m), 0) / Math.max(1, all.length);
  return {
    recallAt1: avg((m) => m.recallAt1),
    recallAt5: avg((m) => m.recallAt5),
    mrrAt10: avg((m) => m.mrrAt10),
    ndcgAt10: avg((m) => m.ndcgAt10),
    n: all.reduce((sum, m) => sum + m.n, 0),
  };
}
