/**
 * How much the vector list should count against the word list on THIS knowledge base with THIS
 * embedding model, measured rather than assumed. A weak embedder on technical text (or a strong one
 * on paraphrased prose) changes which method deserves the vote, so a fixed fusion weight is wrong
 * somewhere; a wrong weight makes hybrid worse than its better half.
 *
 * Pseudo-questions are drawn from the knowledge base itself: a sentence of a sampled chunk with a
 * share of its words dropped and the rest shuffled (so neither exact phrase order nor every rare
 * word survives). Each method ranks documents for them; the fusion weight that finds the source
 * document best (MRR@10) wins, if it beats words alone clearly. Deterministic for a given set of chunks.
 */
import {setImmediate as nextTurn} from "node:timers/promises";
import type {RankedCandidate} from "./ranking.js";
import {fuseLists, type FusionMethod} from "./ranking.js";
import {mulberry32} from "./seeded-random.js";

export interface FusionWeights {
  text: number;
  vector: number;
}

export interface FusionCalibration {
  weights: FusionWeights;
  /** Pseudo-questions measured. */
  samples: number;
  /** Document-level MRR@10 of each method and of the chosen fusion on the pseudo-questions. */
  mrr: {text: number; vector: number; fused: number};
  /** Chunk count and embedding model it was measured on; a large change asks for a new measurement. */
  chunks: number;
  model: string;
  measuredAt: string;
}

export interface CalibrationSource {
  /** A deterministic sample of chunk texts with their documents. */
  sample(count: number): Promise<{text: string; documentId: string}[]>;
  textCandidates(query: string, limit: number): Promise<RankedCandidate[]>;
  vectorCandidates(queries: string[], limit: number): Promise<RankedCandidate[][]>;
}

/** Vector-to-text weight ratios tried; each is applied as {text: min(1, 1/r), vector: min(1, r)}. */
const RATIOS = [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
const DEPTH = 50;
const WORDS_KEPT = 0.6;
const MAX_QUERY_WORDS = 10;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Uniform in [0, 1), the same for the same seed. */
function seeded(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** A pseudo-question from a chunk's text, or null when it has no sentence of useful length. */
export function pseudoQuestion(text: string): string | null {
  const random = seeded(hash(text));
  const sentences = text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.match(/[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu) ?? [])
    .filter((words) => words.length >= 6);
  if (sentences.length === 0) return null;
  const words = sentences[Math.floor(random() * sentences.length)];
  const kept = words.filter(() => random() < WORDS_KEPT);
  if (kept.length < 3) return null;
  for (let i = kept.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kept[i], kept[j]] = [kept[j], kept[i]];
  }
  return kept.slice(0, MAX_QUERY_WORDS).join(" ");
}

function documentReciprocalRank(ranked: RankedCandidate[], documentId: string): number {
  const seen = new Set<string>();
  for (const c of ranked) {
    if (seen.has(c.documentId)) continue;
    seen.add(c.documentId);
    if (seen.size > 10) return 0;
    if (c.documentId === documentId) return 1 / seen.size;
  }
  return 0;
}

const PROBES_PER_TURN = 8;

export function weightsForRatio(ratio: number): FusionWeights {
  return ratio === 0 ? {text: 1, vector: 0} : {text: Math.min(1, 1 / ratio), vector: Math.min(1, ratio)};
}

export async function calibrateFusion(source: CalibrationSource, options: {samples: number; chunks: number; model: string; method: FusionMethod}): Promise<FusionCalibration | null> {
  const drawn = await source.sample(options.samples * 2);
  const probes = drawn.flatMap((chunk) => {
    const question = pseudoQuestion(chunk.text);
    return question ? [{question, documentId: chunk.documentId}] : [];
  }).slice(0, options.samples);
  // Too few pseudo-questions say nothing reliable about this knowledge base.
  if (probes.length < 10) return null;
  const vectorLists = await source.vectorCandidates(probes.map((p) => p.question), DEPTH);
  const lists: {text: RankedCandidate[]; vector: RankedCandidate[]; documentId: string}[] = [];
  for (let i = 0; i < probes.length; i++) lists.push({text: await source.textCandidates(probes[i].question, DEPTH), vector: vectorLists[i], documentId: probes[i].documentId});

  const reciprocalRanks = (rank: (l: (typeof lists)[number]) => RankedCandidate[]) => lists.map((l) => documentReciprocalRank(rank(l), l.documentId));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const mrrOf = (rank: (l: (typeof lists)[number]) => RankedCandidate[]) => mean(reciprocalRanks(rank));
  const byRatio: {ratio: number; ranks: number[]}[] = [];
  for (const ratio of RATIOS) {
    const weights = weightsForRatio(ratio);
    const ranks: number[] = [];
    for (let i = 0; i < lists.length; i++) {
      // Fusing every probe for one ratio took 40–60 ms on a busy 2-core machine; requests get a turn
      // every few probes.
      if (i % PROBES_PER_TURN === 0) await nextTurn();
      ranks.push(documentReciprocalRank(fuseLists({text: lists[i].text, vector: lists[i].vector, weights}, options.method), lists[i].documentId));
    }
    byRatio.push({ratio, ranks});
  }
  // Words alone are the default; another mix must beat them clearly on these pseudo-questions (sign
  // test, about two standard deviations), because pseudo-questions flatter whichever method copes
  // best with dropped words, and real questions are phrased differently.
  const wordsOnly = byRatio[0];
  let best = {ratio: 0, mrr: mean(wordsOnly.ranks)};
  for (const candidate of byRatio.slice(1)) {
    const mrr = mean(candidate.ranks);
    if (mrr <= best.mrr + 1e-9) continue;
    let wins = 0;
    let losses = 0;
    candidate.ranks.forEach((rr, i) => {
      if (rr > wordsOnly.ranks[i] + 1e-9) wins++;
      else if (rr < wordsOnly.ranks[i] - 1e-9) losses++;
    });
    if (wins - losses >= 2 * Math.sqrt(Math.max(1, wins + losses))) best = {ratio: candidate.ratio, mrr};
  }
  return {
    weights: weightsForRatio(best.ratio),
    samples: probes.length,
    mrr: {text: mrrOf((l) => l.text), vector: mrrOf((l) => l.vector), fused: best.mrr},
    chunks: options.chunks,
    model: options.model,
    measuredAt: new Date().toISOString(),
  };
}

/** Whether a stored calibration still describes the knowledge base: same model, size within ±25%. */
export function calibrationCurrent(calibration: FusionCalibration | null, chunks: number, model: string | null): boolean {
  if (!calibration || !model || calibration.model !== model) return false;
  return chunks >= calibration.chunks * 0.75 && chunks <= calibration.chunks * 1.25;
}
