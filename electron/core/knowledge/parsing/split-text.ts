import {MAX_CHARS_PER_TOKEN, type TokenCounter} from "./token-count.js";

/**
 * Cuts text that is too long for one chunk at the most natural boundary that makes it fit:
 * sentences (and lines) first, then words, and only for a single enormous "word" (a base64 blob,
 * a minified line) characters. Every piece is checked with the real counter.
 *
 * Intl.Segmenter is only ever given short windows: every segment it yields carries a fresh copy of
 * its whole input (V8 materialises `segment.input`), so one pass over a long text costs segments ×
 * length — 96 KB without a full stop took seconds, 400 KB of words minutes and gigabytes.
 */

// Fixed locale: segmentation must not depend on the machine's language, or chunks would differ.
const sentenceSegmenter = new Intl.Segmenter("en", {granularity: "sentence"});
const wordSegmenter = new Intl.Segmenter("en", {granularity: "word"});
const graphemeSegmenter = new Intl.Segmenter("en", {granularity: "grapheme"});

/** Characters handed to the segmenter at once; cost per character grows with it (see above). */
const SEGMENT_WINDOW = 1024;
/** Graphemes are tiny, so their window is smaller still. */
const GRAPHEME_WINDOW = 32;

type Level = "sentence" | "word";

export function splitSentences(text: string): string[] {
  return segmentBounded(text, sentenceSegmenter, SEGMENT_WINDOW);
}

export function splitWords(text: string): string[] {
  return segmentBounded(text, wordSegmenter, SEGMENT_WINDOW);
}

function splitGraphemes(text: string): string[] {
  return segmentBounded(text, graphemeSegmenter, GRAPHEME_WINDOW);
}

/**
 * Segments of `text`, joined they give `text` back, in time linear in its length. The text is fed
 * in windows; the last segment of a window may be cut by the window's end, so it is read again at
 * the start of the next one. A segment longer than a window (a sentence without an end) is cut at
 * the window's last space, else at its end, never inside a surrogate pair.
 */
export function segmentBounded(text: string, segmenter: Intl.Segmenter, window: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    if (text.length - start <= window) {
      for (const {segment} of segmenter.segment(text.slice(start))) out.push(segment);
      break;
    }
    let end = start + window;
    if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
    const segments = Array.from(segmenter.segment(text.slice(start, end)), ({segment}) => segment);
    if (segments.length > 1) {
      const carried = segments.pop()!;
      out.push(...segments);
      start = end - carried.length;
      continue;
    }
    const space = text.lastIndexOf(" ", end - 1);
    const cut = space > start + window / 2 ? space + 1 : end;
    out.push(text.slice(start, cut));
    start = cut;
  }
  return out;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Pieces of `text`, in order, each within `budget` tokens; whitespace at the cuts is dropped. */
export function splitToFit(text: string, budget: number, counter: TokenCounter): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (mayFit(trimmed, budget) && counter.count(trimmed) <= budget) return [trimmed];
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

/** Tokenizing a text cannot give at most `budget` tokens when it is this long; counting it would be wasted work. */
export function mayFit(text: string, budget: number): boolean {
  return text.length <= budget * MAX_CHARS_PER_TOKEN;
}

/**
 * Last resort: the longest run of whole characters (graphemes) that fits. Only the stretch a piece
 * can reach is segmented; the first guess scales that window by how much it overshoots, and a
 * binary search in the bracket it leaves settles it, so each piece costs a handful of counts.
 */
function splitCharacters(text: string, budget: number, counter: TokenCounter): string[] {
  const pieces: string[] = [];
  const reach = budget * 32;
  let position = 0;
  while (position < text.length) {
    const graphemes = splitGraphemes(text.slice(position, position + reach));
    const prefix = (length: number) => graphemes.slice(0, length).join("");
    const fits = (length: number) => counter.count(prefix(length)) <= budget;
    let low = 1;
    let high = graphemes.length;
    if (fits(high)) low = high;
    else {
      high -= 1;
      // Proportional first guess: the share of the stretch that the budget covers.
      const total = counter.count(prefix(graphemes.length));
      const guess = Math.max(1, Math.min(high, Math.floor((graphemes.length * budget) / Math.max(total, 1))));
      if (fits(guess)) low = guess;
      else high = guess - 1;
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (fits(mid)) low = mid;
        else high = mid - 1;
      }
    }
    const taken = prefix(low);
    if (taken.trim()) pieces.push(taken.trim());
    position += taken.length;
  }
  return pieces;
}
