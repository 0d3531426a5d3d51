import {DesksideError} from "../../../../shared/errors.js";
import {fileTooLarge, formatCount} from "./file-limits.js";
import {mayFit, splitSentences, splitToFit, splitWords} from "./split-text.js";
import {approximateTokenCount, createTokenCounter, type TokenCounter} from "./token-count.js";
import type {Block, Chunk, ChunkOptions, ParsedDocument} from "./types.js";

export {approximateTokenCount};

/**
 * Cuts a parsed document into retrieval chunks that follow its structure. A chunk stays inside one
 * top-level section (search hits then belong to one topic), small neighbouring blocks are packed
 * up to the token budget, oversized blocks are cut at sentence and then word boundaries, and
 * consecutive chunks of one section share a little overlap so a fact cut in half is still found.
 * Records (CSV rows, JSON entries) are their own chunks; only tiny ones are packed together.
 * The result depends on nothing but the input: same document, same chunks.
 */

interface Piece {
  text: string;
  block: Block;
  /** Source block position; pieces cut from one block share it. */
  blockIndex: number;
  /** Headings the piece sits under; a heading's own section includes itself. */
  section: string[];
  /** Tokens the piece adds to a chunk (see TokenCounter.cost). */
  tokens: number;
  /** A later piece of a block that had to be cut. */
  continuation: boolean;
}

interface Budget {
  chunkSize: number;
  overlap: number;
  counter: TokenCounter;
  /** Cost of the blank line between blocks. */
  separator: number;
}

/** Records at most this share of the budget are "tiny" and may share a chunk. */
const TINY_RECORD_SHARE = 1 / 8;
/** Packed records stop at this share: a chunk about many tickets matches none of them well. */
const RECORD_PACK_SHARE = 1 / 2;

export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions): Chunk[] {
  const budget = checkedBudget(options);
  const chunks: Chunk[] = [];
  const maxChunks = options.maxChunks ?? Number.POSITIVE_INFINITY;
  const emit = (pieces: Piece[], text: string, tokenCount: number): void => {
    if (chunks.length >= maxChunks)
      throw fileTooLarge(`This file would become more than ${formatCount(maxChunks)} passages; split it into smaller files and import those.`, {maxChunks});
    const first = pieces[0].block;
    const chunk: Chunk = {
      ordinal: chunks.length,
      text,
      headingPath: chunkHeadingPath(pieces),
      page: first.page ?? null,
      row: first.row ?? null,
      tokenCount,
    };
    // One recognised line is enough to warn the reader that the passage may hold misread words.
    if (pieces.some((piece) => piece.block.ocr)) chunk.ocr = true;
    chunks.push(chunk);
  };

  const blocks = parsed.blocks.map((block, index) => ({block, index})).filter(({block}) => block.text.trim().length > 0);
  // An estimate is enough to decide where sections split; the pieces are counted exactly below.
  const fitsOneChunk = (entries: Entry[]): boolean => {
    let tokens = 0;
    for (const {block} of entries) if ((tokens += approximateTokenCount(block.text) + 1) > budget.chunkSize) return false;
    return true;
  };
  for (const group of groupBlocks(blocks, fitsOneChunk)) {
    if (group.records) chunkRecords(group.entries, budget, emit);
    else packPieces(toPieces(group.entries, budget), budget, emit);
  }
  return chunks;
}

type Emit = (pieces: Piece[], text: string, tokenCount: number) => void;
type Entry = {block: Block; index: number};

function checkedBudget(options: ChunkOptions): Budget {
  const chunkSize = Math.floor(options.chunkSize);
  const overlap = Math.floor(options.chunkOverlap);
  if (!Number.isFinite(chunkSize) || chunkSize < 1) throw new DesksideError("INVALID_INPUT", "Chunk size must be at least 1 token.");
  if (!Number.isFinite(overlap) || overlap < 0) throw new DesksideError("INVALID_INPUT", "Chunk overlap cannot be negative.");
  if (typeof options.countTokens !== "function") throw new DesksideError("INVALID_INPUT", "A token counter is required to chunk documents.");
  const counter = createTokenCounter(options.countTokens);
  // Overlap above half the chunk would make chunks mostly repetition and could stall progress.
  return {chunkSize, overlap: Math.min(overlap, Math.floor(chunkSize / 2)), counter, separator: counter.cost("\n\n")};
}

function sectionOf(block: Block): string[] {
  return block.type === "heading" ? [...block.headingPath, block.text] : block.headingPath;
}

type Group = {records: boolean; entries: Entry[]};

/**
 * Top-level sections are counted from where the outline first branches: a document under a single
 * H1 title is split at its H2s, not kept as one section. A section too long for one chunk is split
 * the same way at its own subsections, and so on down, so a chunk never mixes the end of one
 * subsection with the start of the next: in a manual kept as one file, a hit is one numbered
 * question, as it is when each chapter is its own page. A section that fits one chunk stays whole.
 */
function groupBlocks(entries: Entry[], fitsOneChunk: (entries: Entry[]) => boolean): Group[] {
  const sections = (inside: Entry[]): Group[] => atDepth(inside, branchDepth(inside));
  const refine = (groups: Group[]): Group[] =>
    groups.flatMap((group) => {
      if (group.records || group.entries.length < 2 || fitsOneChunk(group.entries)) return [group];
      const parts = sections(group.entries);
      return parts.length > 1 ? refine(parts) : [group];
    });
  return withHeadingOnlySectionsJoined(refine(sections(entries)));
}

/** How many headings every block shares: the outline branches below them. */
function branchDepth(entries: Entry[]): number {
  return commonPrefix(entries.filter(({block}) => block.type !== "record").map(({block}) => sectionOf(block)).filter((path) => path.length > 0)).length;
}

function atDepth(entries: Entry[], depth: number): Group[] {
  const groups: Group[] = [];
  for (const entry of entries) {
    const records = entry.block.type === "record";
    const last = groups[groups.length - 1];
    const opensSection = entry.block.type === "heading" && entry.block.headingPath.length <= depth;
    if (!last || last.records !== records || opensSection) groups.push({records, entries: [entry]});
    else last.entries.push(entry);
  }
  return groups;
}

/**
 * A section holding nothing but headings (a title straight above the first subsection) joins the
 * section after it instead of becoming a chunk of its own.
 */
function withHeadingOnlySectionsJoined(groups: Group[]): Group[] {
  const merged: Group[] = [];
  let carry: Entry[] = [];
  for (const group of groups) {
    if (!group.records && group.entries.every(({block}) => block.type === "heading")) {
      carry.push(...group.entries);
      continue;
    }
    if (carry.length > 0 && !group.records) group.entries.unshift(...carry);
    else if (carry.length > 0) merged.push({records: false, entries: carry});
    carry = [];
    merged.push(group);
  }
  if (carry.length > 0) merged.push({records: false, entries: carry});
  return merged;
}

function toPieces(entries: Entry[], budget: Budget): Piece[] {
  // Cut pieces leave room for the overlap carried in front of them (or a heading line).
  const reserve = Math.max(budget.overlap, Math.floor(budget.chunkSize / 16));
  const pieceBudget = Math.max(1, budget.chunkSize - reserve);
  const pieces: Piece[] = [];
  for (const {block, index} of entries) {
    const text = block.text.trim();
    const section = sectionOf(block);
    const fits = mayFit(text, budget.chunkSize) && budget.counter.count(text) <= budget.chunkSize;
    const parts = fits ? [text] : splitToFit(text, pieceBudget, budget.counter);
    parts.forEach((part, i) => pieces.push({text: part, block, blockIndex: index, section, tokens: budget.counter.cost(part), continuation: i > 0}));
  }
  return pieces;
}

/** Greedy packing with keep-with-next headings and overlap between chunks of one section. */
function packPieces(pieces: Piece[], budget: Budget, emit: Emit): void {
  const {chunkSize, counter, separator} = budget;
  let previous: {text: string; last: Piece} | null = null;
  let i = 0;
  while (i < pieces.length) {
    const first = pieces[i];
    let lead = "";
    if (previous && budget.overlap > 0 && sameSection(previous.last, first) && sameSource(previous.last, first)) {
      const room = Math.min(budget.overlap, chunkSize - counter.base - first.tokens - separator);
      lead = room > 0 ? overlapTail(previous.text, room, counter) : "";
    }
    const chunkPieces = [first];
    let estimate = counter.base + (lead ? counter.cost(lead) + separator : 0) + first.tokens;
    i++;
    while (i < pieces.length) {
      const next = pieces[i];
      if (!sameSource(chunkPieces[chunkPieces.length - 1], next)) break;
      if (next.block.type === "heading") {
        const run = headingRun(pieces, i, separator, chunkSize);
        // A subsection that fits a chunk of its own is not split across two; a heading never
        // goes in without the first lines under it.
        const fitsWhole = estimate + separator + run.whole <= chunkSize;
        const fitsStart = estimate + separator + run.start <= chunkSize;
        if (!fitsWhole && (run.whole <= chunkSize - counter.base || !fitsStart)) break;
      } else if (estimate + separator + next.tokens > chunkSize) {
        break;
      }
      chunkPieces.push(next);
      estimate += separator + next.tokens;
      i++;
    }
    // The estimate adds parts; the real count of the joined text has the last word.
    let text = render(lead, previous?.last ?? null, chunkPieces);
    let tokens = counter.count(text);
    while (tokens > chunkSize && (lead || chunkPieces.length > 1)) {
      if (lead) lead = "";
      else {
        chunkPieces.pop();
        i--;
      }
      text = render(lead, previous?.last ?? null, chunkPieces);
      tokens = counter.count(text);
    }
    emit(chunkPieces, text, tokens);
    previous = {text, last: chunkPieces[chunkPieces.length - 1]};
  }
}

/**
 * Cost of a heading with any headings right below it, up to its first content piece (`start`),
 * and up to the next heading after its content (`whole`).
 */
function headingRun(pieces: Piece[], index: number, separator: number, cap: number): {start: number; whole: number} {
  // Only comparisons with the chunk size use the result, so counting stops past `cap`: a file of
  // nothing but headings would otherwise be rescanned from every heading (quadratic).
  let k = index;
  let cost = pieces[k].tokens;
  while (k + 1 < pieces.length && pieces[k + 1].block.type === "heading" && cost <= cap) cost += separator + pieces[++k].tokens;
  if (k + 1 < pieces.length && cost <= cap) cost += separator + pieces[++k].tokens;
  const start = cost;
  while (k + 1 < pieces.length && pieces[k + 1].block.type !== "heading" && cost <= cap) cost += separator + pieces[++k].tokens;
  return {start, whole: cost};
}

/**
 * Recognised text never shares a passage with a text layer, and each scanned page gets passages
 * of its own: the OCR mark is then exact, and the page it cites is the image to check a misread
 * word against.
 */
function sameSource(a: Piece, b: Piece): boolean {
  if (Boolean(a.block.ocr) !== Boolean(b.block.ocr)) return false;
  return !a.block.ocr || a.block.page === b.block.page;
}

function sameSection(a: Piece, b: Piece): boolean {
  return a.section.length === b.section.length && a.section.every((title, i) => title === b.section[i]);
}

function render(lead: string, before: Piece | null, pieces: Piece[]): string {
  let text = lead && before ? lead + joiner(before, pieces[0]) : "";
  pieces.forEach((piece, k) => {
    text += (k > 0 ? joiner(pieces[k - 1], piece) : "") + piece.text;
  });
  return text;
}

/** Pieces of one cut block continue on the same line; list items and table rows one per line. */
function joiner(previous: Piece, next: Piece): string {
  if (next.continuation && next.blockIndex === previous.blockIndex) return next.block.type === "code" ? "\n" : " ";
  if (previous.block.type === "heading") return "\n";
  const lineTypes = ["list-item", "table-row"];
  if (lineTypes.includes(previous.block.type) && lineTypes.includes(next.block.type)) return "\n";
  return "\n\n";
}

/**
 * The end of the previous chunk, about `budget` tokens: whole sentences when they fill at least
 * half of it, otherwise whole words.
 */
function overlapTail(text: string, budget: number, counter: TokenCounter): string {
  // Only the end matters; no token spans more than a few dozen characters.
  const window = text.length > budget * 32 ? text.slice(-budget * 32) : text;
  const sentences = splitSentences(window);
  let sentenceTail = "";
  for (let k = sentences.length - 1; k >= 0; k--) {
    const candidate = sentences[k] + sentenceTail;
    if (counter.count(candidate.trim()) > budget) break;
    sentenceTail = candidate;
  }
  sentenceTail = sentenceTail.trim();
  if (sentenceTail && counter.count(sentenceTail) * 2 >= budget) return sentenceTail;

  const words = splitWords(window);
  let low = 0;
  let high = words.length;
  // Smallest start whose tail fits: the longest word-aligned tail.
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (counter.count(words.slice(mid).join("").trim()) <= budget) high = mid;
    else low = mid + 1;
  }
  const wordTail = words.slice(low).join("").trim();
  return wordTail.length > sentenceTail.length ? wordTail : sentenceTail;
}

/** Deepest headings shared by the chunk's content; headings alone count only when there is no content. */
function chunkHeadingPath(pieces: Piece[]): string[] {
  const content = pieces.filter((piece) => piece.block.type !== "heading");
  return commonPrefix((content.length > 0 ? content : pieces).map((piece) => piece.section));
}

function commonPrefix(paths: string[][]): string[] {
  if (paths.length === 0) return [];
  const prefix = [...paths[0]];
  for (const path of paths.slice(1)) {
    let k = 0;
    while (k < prefix.length && k < path.length && prefix[k] === path[k]) k++;
    prefix.length = k;
  }
  return prefix;
}

/** One chunk per record; tiny records under the same headings are packed; a huge one is cut with overlap. */
function chunkRecords(entries: Entry[], budget: Budget, emit: Emit): void {
  const {chunkSize, counter, separator} = budget;
  const tinyLimit = Math.max(1, Math.floor(chunkSize * TINY_RECORD_SHARE));
  const packLimit = Math.max(tinyLimit, Math.floor(chunkSize * RECORD_PACK_SHARE));
  let pack: Piece[] = [];
  let packEstimate = 0;
  const flushPack = (): void => {
    if (pack.length > 0) packPieces(pack, {...budget, chunkSize: packLimit, overlap: 0}, emit);
    pack = [];
    packEstimate = 0;
  };
  for (const entry of entries) {
    const text = entry.block.text.trim();
    // A record too long to fit is not measured whole: it is cut below anyway.
    const tokens = mayFit(text, chunkSize) ? counter.cost(text) : chunkSize + 1;
    const piece: Piece = {text, block: entry.block, blockIndex: entry.index, section: sectionOf(entry.block), tokens, continuation: false};
    const count = counter.base + piece.tokens;
    if (count <= tinyLimit) {
      const fits = pack.length > 0 && sameSection(pack[0], piece) && packEstimate + separator + piece.tokens <= packLimit;
      if (pack.length > 0 && !fits) flushPack();
      packEstimate = pack.length === 0 ? count : packEstimate + separator + piece.tokens;
      pack.push(piece);
      continue;
    }
    flushPack();
    packPieces(toPieces([entry], budget), budget, emit);
  }
  flushPack();
}
