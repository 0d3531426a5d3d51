/**
 * Whether one retrieval method really beats another on the same questions, or by no more than the
 * choice of questions alone would give. Per question, the difference of each metric between the two
 * methods; its mean with a 95 % bootstrap interval (questions drawn with replacement within each
 * corpus, so in an average over corpora each corpus weighs the same, as in the tables); and how many
 * questions went each way. An interval that spans 0 is a difference nobody should act on.
 *
 *   npx tsx bench/retrieval-eval/paired-comparison.ts [bench/results/retrieval.json]
 *
 * compares the methods of a saved run with its first hybrid method.
 */
import {readFileSync} from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {mulberry32} from "../../electron/core/knowledge/seeded-random.js";

/** Per question, the 1-based rank of the first right hit per method (0: not in the top 10). */
export interface RankedQuestions {
  corpus: string;
  perQuestion: {id: string; ranks: Record<string, number>; ranksWithStarter?: Record<string, number>}[];
}

export const PAIRED_METRICS = {
  "R@1": (rank: number) => (rank === 1 ? 1 : 0),
  "R@5": (rank: number) => (rank >= 1 && rank <= 5 ? 1 : 0),
  "MRR@10": (rank: number) => (rank >= 1 ? 1 / rank : 0),
} as const;
export type PairedMetric = keyof typeof PAIRED_METRICS;

export interface PairedDifference {
  /** Mean of (a − b) per question; over corpora, the mean of the corpora's means. */
  difference: number;
  /** 95 % bootstrap interval of the difference. */
  low: number;
  high: number;
  /** Questions where a scored higher, and lower. */
  better: number;
  worse: number;
}

/**
 * A method's rank for a question. "NAME +starter" reads the run with the starter articles present,
 * so a method can be compared with itself with and without them.
 */
function rankOf(question: RankedQuestions["perQuestion"][number], method: string): number | undefined {
  const withStarter = method.endsWith(" +starter");
  return withStarter ? question.ranksWithStarter?.[method.slice(0, -" +starter".length)] : question.ranks[method];
}

/** Per-question differences (a − b) of one metric in each corpus; questions either method lacks are left out. */
function differences(corpora: RankedQuestions[], a: string, b: string, metric: PairedMetric): number[][] {
  const score = PAIRED_METRICS[metric];
  return corpora.map((corpus) =>
    corpus.perQuestion.flatMap((q) => {
      const [ra, rb] = [rankOf(q, a), rankOf(q, b)];
      return ra === undefined || rb === undefined ? [] : [score(ra) - score(rb)];
    }),
  );
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

export function pairedDifference(corpora: RankedQuestions[], a: string, b: string, metric: PairedMetric, options: {resamples?: number; seed?: number} = {}): PairedDifference | null {
  const perCorpus = differences(corpora, a, b, metric).filter((d) => d.length > 0);
  if (perCorpus.length === 0) return null;
  const next = mulberry32(options.seed ?? 1);
  const resamples = options.resamples ?? 2000;
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (const d of perCorpus) {
      let s = 0;
      for (let i = 0; i < d.length; i++) s += d[next() % d.length];
      sum += s / d.length;
    }
    means.push(sum / perCorpus.length);
  }
  means.sort((x, y) => x - y);
  const all = perCorpus.flat();
  return {
    difference: mean(perCorpus.map(mean)),
    low: means[Math.floor(0.025 * (resamples - 1))],
    high: means[Math.ceil(0.975 * (resamples - 1))],
    better: all.filter((d) => d > 0).length,
    worse: all.filter((d) => d < 0).length,
  };
}

/** "+0.04 [−0.01, +0.09]": the difference and its interval. */
export function formatDifference(d: PairedDifference | null): string {
  if (!d) return "";
  const signed = (x: number) => `${x > 0.0005 ? "+" : x < -0.0005 ? "−" : "±"}${Math.abs(x).toFixed(3)}`;
  return `${signed(d.difference)} [${signed(d.low)}, ${signed(d.high)}]`;
}

/** One row per comparison and scope (each corpus, then the average): a − b in each metric, and the questions that moved. */
export function comparisonRows(corpora: RankedQuestions[], pairs: [string, string][], options: {perCorpus?: boolean; average?: boolean} = {}): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  const each = options.perCorpus === false || corpora.length === 1 ? [] : corpora.map((c): [string, RankedQuestions[]] => [c.corpus, [c]]);
  const all: [string, RankedQuestions[]][] = options.average === false && each.length > 0 ? [] : [[corpora.length === 1 ? corpora[0].corpus : "average", corpora]];
  for (const [a, b] of pairs) {
    const scopes = [...each, ...all];
    for (const [scope, selected] of scopes) {
      const row: Record<string, string | number> = {comparison: `${a} vs ${b}`, scope};
      let mrr: PairedDifference | null = null;
      for (const metric of Object.keys(PAIRED_METRICS) as PairedMetric[]) {
        const d = pairedDifference(selected, a, b, metric);
        row[`${metric} difference [95 % interval]`] = formatDifference(d);
        if (metric === "MRR@10") mrr = d;
      }
      if (!mrr) continue;
      row["questions better / worse (MRR)"] = `${mrr.better} / ${mrr.worse}`;
      rows.push(row);
    }
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {printTable} = await import("../lib.js");
  const file = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results", "retrieval.json");
  const run = JSON.parse(readFileSync(file, "utf8")) as {corpora: RankedQuestions[]};
  const methods = Object.keys(run.corpora[0]?.perQuestion[0]?.ranks ?? {});
  const hybrid = methods.find((m) => m === "hybrid") ?? methods.find((m) => m.startsWith("hybrid"));
  if (!hybrid) throw new Error(`${file} has no hybrid method`);
  const pairs: [string, string][] = methods.filter((m) => m !== hybrid).map((m) => [hybrid, m]);
  if (run.corpora.some((c) => c.perQuestion.some((q) => q.ranksWithStarter))) pairs.push([`${hybrid} +starter`, hybrid]);
  printTable(`Paired differences, ${path.relative(process.cwd(), file)}`, comparisonRows(run.corpora, pairs));
}
