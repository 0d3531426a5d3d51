import type {TokenCounter} from "./token-count.js";

/**
 * Cuts text that is too long for one chunk at the most natural boundary that makes it fit:
 * sentences (and lines) first, then words, and only for a single enormous "word" (a base64 blob,
 * a minified line) characters. Every piece is checked with the real counter.
 */

// Fixed locale: segmentation must not depend on the machine's language, or chunks would differ.
const sentenceSegmenter = new Intl.Segmenter("en", {granularity: "sentence"});
const wordSegmenter = new Intl.Segmenter("en", {granularity: "word"});
const graphemeSegmenter = new Intl.Segmenter("en", {granularity: "grapheme"});

type Level = "sentence" | "word";

export function splitSentences(text: string): string[] {
  return Array.from(sentenceSegmenter.segment(text), (segment) => segment.segment);
}

export function splitWords(text: string): string[] {
  return Array.from(wordSegmenter.segment(text), (segment) => segment.segment);
}

/** Pieces of `text`, in order, each within `budget` tokens; whitespace at the cuts is dropped. */
export function splitToFit(text: string, budget: number, counter: TokenCounter): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (counter.count(trimmed) <= budget) return [trimmed];
  return splitUnits(splitSentences(trimmed), "sentence", Math.max(1, budget), counter);
}

function splitUnits(units: string[], level: Level, budget: number, counter: TokenCounter): string[] {
  const pieces: string[] = [];
  let group: string[] = [];
  let estimate = counter.base;
  const flush = (): void => {
    if (group.length > 0) pieces.push(...verified(group, level, budget, counter));
    group = [];
    estimate = counter.base;
  };
  for (const unit of units) {
    const cost = counter.cost(unit);
    if (group.length > 0 && estimate + cost > budget) flush();
    group.push(unit);
    estimate += cost;
  }
  flush();
  return pieces;
}

/** Estimates from parts can be off for tokenizers that merge across boundaries; halve until it fits. */
function verified(group: string[], level: Level, budget: number, counter: TokenCounter): string[] {
  const piece = group.join("").trim();
  if (!piece) return [];
  if (counter.count(piece) <= budget) return [piece];
  if (group.length > 1) {
    const middle = Math.ceil(group.length / 2);
    return [...verified(group.slice(0, middle), level, budget, counter), ...verified(group.slice(middle), level, budget, counter)];
  }
  if (level === "sentence") return splitUnits(splitWords(piece), "word", budget, counter);
  return splitCharacters(piece, budget, counter);
}

/** Last resort: the longest run of characters that fits, found by binary search. */
function splitCharacters(text: string, budget: number, counter: TokenCounter): string[] {
  const pieces: string[] = [];
  const graphemes = Array.from(graphemeSegmenter.segment(text), (segment) => segment.segment);
  let start = 0;
  while (start < graphemes.length) {
    // No tokenizer packs more than a few dozen characters into a token; bounding the window keeps
    // each probe cheap on megabyte-long lines.
    let high = Math.min(graphemes.length - start, budget * 32);
    let low = 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (counter.count(graphemes.slice(start, start + mid).join("")) <= budget) low = mid;
      else high = mid - 1;
    }
    const piece = graphemes.slice(start, start + low).join("").trim();
    if (piece) pieces.push(piece);
    start += low;
  }
  return pieces;
}
