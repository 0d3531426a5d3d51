/**
 * Small-to-big retrieval: search matches small chunks (precise), the reader and the model get the
 * passage around the match (complete). A troubleshooting article's introduction matches "error 809",
 * but the fix steps sit two chunks further on; handing over only the matching chunk leaves the
 * technician with symptoms and no fix.
 *
 * The passage grows from the matching chunk through its neighbours in the same parent section
 * (siblings included: "Symptoms" and "Fix" are siblings), forward first because steps follow the
 * description, until the size budget is spent. Overlap between consecutive chunks is removed.
 */
import type {SearchHit, SearchPassage} from "../../../shared/knowledge.js";
import {ordinalOfChunkId, type StoredChunk} from "./store-schema.js";

/** Neighbours looked at on each side of the match. */
export const PASSAGE_WINDOW = 8;
/** Default passage size in characters (about 900 tokens of English): room for a runbook's steps. */
export const PASSAGE_MAX_CHARS = 3600;
const MAX_OVERLAP_CHARS = 600;

/** How many characters at the start of `b` repeat the end of `a` (chunks overlap by a few sentences). */
function overlapLength(a: string, b: string): number {
  const longest = Math.min(a.length, b.length, MAX_OVERLAP_CHARS);
  for (let size = longest; size >= 12; size--) if (a.endsWith(b.slice(0, size))) return size;
  return 0;
}

/** `b` with the start it repeats from the end of `a` removed. */
export function withoutOverlap(a: string, b: string): string {
  const size = overlapLength(a, b);
  return size ? b.slice(size).replace(/^\s+/, "") : b;
}

/**
 * Whether a hit's chunk already sits inside the passage of one of `earlier` (same document): the
 * reader and the model have its section already.
 */
export function insideEarlierPassage(hit: Pick<SearchHit, "chunkId" | "documentId">, earlier: Pick<SearchHit, "documentId" | "passage">[]): boolean {
  const ordinal = ordinalOfChunkId(hit.chunkId);
  return earlier.some((e) => e.documentId === hit.documentId && e.passage !== undefined && ordinal >= e.passage.fromOrdinal && ordinal <= e.passage.toOrdinal);
}

/** The passage ranges of `earlier` hits in one document: chunks a later passage leaves to them. */
export function earlierRanges(documentId: string, earlier: Pick<SearchHit, "documentId" | "passage">[]): OrdinalRange[] {
  return earlier.flatMap((e) => (e.documentId === documentId && e.passage ? [{fromOrdinal: e.passage.fromOrdinal, toOrdinal: e.passage.toOrdinal}] : []));
}

export interface OrdinalRange {
  fromOrdinal: number;
  toOrdinal: number;
}

function sameParent(a: string[], b: string[], depth: number): boolean {
  for (let i = 0; i < depth; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The passage around `hit` from the chunks of its document near it (any order; others ignored).
 * `highlight` marks where the hit's own text sits in `text`. Chunks inside `taken` (passages an
 * earlier hit already hands over) end the passage on that side, so no chunk is read twice and the
 * budget goes to the other side.
 */
export function buildPassage(hit: StoredChunk, neighbours: StoredChunk[], maxChars = PASSAGE_MAX_CHARS, taken: OrdinalRange[] = []): SearchPassage {
  const byOrdinal = new Map(neighbours.filter((c) => c.documentId === hit.documentId).map((c) => [c.ordinal, c]));
  byOrdinal.set(hit.ordinal, hit);
  // The parent of the hit's own section: a top-level section is its own parent.
  const depth = Math.max(1, hit.headingPath.length - 1);
  const isTaken = (ordinal: number) => taken.some((r) => ordinal >= r.fromOrdinal && ordinal <= r.toOrdinal);
  const belongs = (c: StoredChunk | undefined) =>
    c !== undefined && !isTaken(c.ordinal) && sameParent(c.headingPath, hit.headingPath, Math.min(depth, hit.headingPath.length));

  let from = hit.ordinal;
  let to = hit.ordinal;
  let size = hit.text.length;
  let forwardOpen = true;
  let backwardOpen = true;
  // Two steps forward for each step back, while the budget lasts.
  for (let step = 0; forwardOpen || backwardOpen; step++) {
    const goBack = !forwardOpen || (backwardOpen && step % 3 === 2);
    const ordinal = goBack ? from - 1 : to + 1;
    const next = byOrdinal.get(ordinal);
    if (!belongs(next) || size + next!.text.length > maxChars) {
      if (goBack) backwardOpen = false;
      else forwardOpen = false;
      continue;
    }
    size += next!.text.length;
    if (goBack) from = ordinal;
    else to = ordinal;
  }

  const ordered: StoredChunk[] = [];
  for (let ordinal = from; ordinal <= to; ordinal++) ordered.push(byOrdinal.get(ordinal)!);
  const merged = mergeChunks(ordered);
  const range = merged.ranges.find((r) => r.ordinal === hit.ordinal)!;
  const text = merged.text;
  const highlight = {start: range.start, end: range.end};
  return {text, fromOrdinal: from, toOrdinal: to, highlight};
}

export interface MergedText {
  text: string;
  /** Where each chunk's full text sits in `text` (ranges of neighbours overlap where the chunks did). */
  ranges: {ordinal: number; start: number; end: number}[];
}

/** Consecutive chunks as one text, the overlap between neighbours written once. */
export function mergeChunks(chunks: Pick<StoredChunk, "ordinal" | "text">[]): MergedText {
  let text = "";
  const ranges: MergedText["ranges"] = [];
  let previousOrdinal: number | null = null;
  for (const chunk of chunks) {
    // Only true neighbours overlap; a gap (a chunk missing) starts fresh.
    const overlap = text && previousOrdinal === chunk.ordinal - 1 ? overlapLength(text, chunk.text) : 0;
    const piece = overlap ? chunk.text.slice(overlap).replace(/^\s+/, "") : chunk.text;
    const separator = text && piece ? "\n\n" : "";
    // A chunk that starts inside the previous one is highlighted from where its text begins there.
    const start = overlap ? text.length - overlap : text.length + separator.length;
    text += separator + piece;
    ranges.push({ordinal: chunk.ordinal, start, end: text.length});
    previousOrdinal = chunk.ordinal;
  }
  return {text, ranges};
}
