import "./pdfjs-compat.js";
import {extractTextItems, getDocumentProxy, getMeta} from "unpdf";
import {DesksideError} from "../../../../shared/errors.js";
import {fileTooComplex, formatCount, type FileLimits} from "./file-limits.js";
import {headingAsTitle, titleFromFileName} from "./file-name.js";
import {HeadingPath} from "./heading-path.js";
import {MIME} from "./mime.js";
import {encodePgm} from "./ocr/gray-image.js";
import {ocrBlocks} from "./ocr/ocr-blocks.js";
import type {OcrReader} from "./ocr/ocr-reader.js";
import {rasterizePageImages, showsContent} from "./ocr/pdf-page-raster.js";
import {checkPdfStreams} from "./pdf-guard.js";
import {CONTENTS_HEADING, isChapterLabel, isContentsList} from "./section-numbers.js";
import {collapseWhitespace} from "./text-cleanup.js";
import type {Block, ParseContext, ParsedDocument} from "./types.js";

/**
 * PDFs through PDF.js (via unpdf), from positioned text runs back to structure: runs become lines,
 * lines become paragraphs where the vertical gap grows, and lines set larger than the body text
 * become headings. Every block keeps its page so answers can cite "page 4". Pages with no text
 * layer (scanned) are read from their images by OCR when the context offers it; the other pages of
 * a mixed PDF keep their text layer.
 */

type TextItem = Awaited<ReturnType<typeof extractTextItems>>["items"][number][number];
type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

interface Line {
  text: string;
  /** Baseline, PDF units, growing upwards. */
  y: number;
  size: number;
}

interface Paragraph {
  lines: Line[];
  page: number;
}

const BULLET = /^([•◦▪▫●○■□‣⁃∙·*–-])\s+/;
/** A page with less text than this in its text layer (a stamped page number at most) is read by OCR. */
const MIN_TEXT_LAYER_CHARS = 16;
/** At most this many text-less pages are checked for being blank. */
const MAX_BLANK_CHECKS = 100;
const NUMBERED = /^(\(?\d{1,3}[.)]|[a-z][.)])\s+/;

export async function parsePdf(bytes: Uint8Array, fileName: string, limits: FileLimits, context: ParseContext = {}): Promise<ParsedDocument> {
  await checkPdfStreams(bytes, limits);
  const pdf = await openPdf(bytes, limits);
  try {
    // The page count comes from the catalog, which can claim anything; PDF.js would visit each.
    if (pdf.numPages > limits.maxPdfPages)
      throw fileTooComplex(`This PDF claims ${formatCount(pdf.numPages)} pages, more than the ${formatCount(limits.maxPdfPages)} Deskside reads from one file; split it and import the parts.`, {
        pages: pdf.numPages,
        maxPdfPages: limits.maxPdfPages,
      });
    let pages: TextItem[][];
    let info: Record<string, unknown> = {};
    try {
      pages = (await extractTextItems(pdf)).items;
      info = (await getMeta(pdf).catch(() => ({info: {}}))).info ?? {};
    } catch (error) {
      throw new DesksideError("PARSE_FAILED", "The text of this PDF could not be read; it may be damaged.", {cause: error});
    }

    const rawLines = pages.map(pageLines);
    const withoutText = rawLines.flatMap((lines, index) => (textLength(lines) < MIN_TEXT_LAYER_CHARS ? [index + 1] : []));
    const blank = await blankPages(pdf, withoutText);
    const toRead = withoutText.filter((page) => !blank.has(page));
    const recognised = context.ocr && toRead.length > 0 ? ocrBlocks(await readScannedPages(pdf, toRead, limits, context.ocr)) : [];
    const ocrPages = new Set(recognised.map((block) => block.page));
    // A page read by OCR drops what little its text layer had (a stamped number): the image holds the page.
    const linesPerPage = removeRunningHeaders(rawLines.map((lines, index) => (ocrPages.has(index + 1) ? [] : lines)));
    const textPages = linesPerPage.filter((lines) => lines.length > 0).length;
    if (textPages === 0 && ocrPages.size === 0) {
      if (blank.size === pages.length) throw new DesksideError("FILE_EMPTY", "This PDF's pages are blank: there is no text to import.", {details: {pages: pages.length}});
      if (!context.ocr)
        throw new DesksideError(
          "PARSE_FAILED",
          "This PDF has no text layer, only images of pages (it looks scanned), and reading text from images is turned off; turn OCR on or import a copy with a text layer.",
          {details: {pages: pages.length}},
        );
      throw new DesksideError("FILE_EMPTY", "No text was found in this PDF: it has no text layer, and none could be recognised in its page images.", {details: {pages: pages.length}});
    }
    const warnings: string[] = [];
    if (ocrPages.size > 0) warnings.push(`${ocrPages.size} of ${pages.length} pages have no text layer; their text was recognised by OCR and may contain misread words.`);
    // Pages whose text layer is at most a stamp, that OCR did not read, and that show something:
    // a scan with a printed page number is unread too. Blank pages hold nothing to miss.
    const unread = withoutText.filter((page) => !ocrPages.has(page) && !blank.has(page)).length;
    if (unread > 0) warnings.push(`${unread} of ${pages.length} pages have no text layer${context.ocr ? " and no readable image" : " (scanned?)"} and were not indexed.`);

    const {blocks: textBlocks, coverTitle} = toBlocks(linesPerPage);
    const blocks = mergeByPage(textBlocks, recognised);
    return {
      title: pickTitle(info, blocks, fileName, coverTitle),
      kind: "pdf",
      mime: MIME.pdf,
      blocks,
      meta: {pageCount: pages.length, ocrPages: ocrPages.size},
      warnings,
    };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

async function openPdf(bytes: Uint8Array, limits: FileLimits): Promise<PdfProxy> {
  try {
    // PDF.js may take ownership of the buffer, so it gets a copy; eval stays off for untrusted fonts.
    // Images come back as pixels (no OffscreenCanvas), and one past the pixel limit is dropped undecoded.
    return await getDocumentProxy(new Uint8Array(bytes), {
      verbosity: 0,
      isEvalSupported: false,
      useSystemFonts: false,
      isOffscreenCanvasSupported: false,
      isImageDecoderSupported: false,
      maxImageSize: limits.maxImagePixels,
    });
  } catch (error) {
    if (error instanceof Error && error.name === "PasswordException") {
      throw new DesksideError("PDF_ENCRYPTED", "This PDF is password-protected; save a copy without the password and import that.", {cause: error});
    }
    throw new DesksideError("PARSE_FAILED", "This PDF could not be opened; it is damaged or incomplete.", {cause: error});
  }
}

/** Each page's images laid out as the page shows them, read by OCR a page at a time. */
function readScannedPages(pdf: PdfProxy, pageNumbers: number[], limits: FileLimits, ocr: OcrReader) {
  return ocr.readPages(
    pageNumbers.map((pageNumber) => ({
      page: pageNumber,
      image: async () => {
        const page = await pdf.getPage(pageNumber);
        try {
          const raster = await rasterizePageImages(page, limits.maxImagePixels);
          return raster ? {bytes: encodePgm(raster.image), dpi: raster.dpi} : null;
        } catch (error) {
          if (error instanceof DesksideError) throw error;
          throw new DesksideError("PARSE_FAILED", `The image of page ${pageNumber} of this PDF could not be read; the file may be damaged.`, {cause: error});
        } finally {
          page.cleanup();
        }
      },
    })),
  );
}

/**
 * Pages without a text layer that show nothing either. Only looked for when such pages are a few
 * (at most a fifth of the file, and 100): in a scanned file every page is an image, and finding
 * that out would decode each image once more before OCR does.
 */
async function blankPages(pdf: PdfProxy, withoutText: number[]): Promise<Set<number>> {
  const blank = new Set<number>();
  if (withoutText.length === 0 || withoutText.length > Math.min(MAX_BLANK_CHECKS, Math.max(3, pdf.numPages * 0.2))) return blank;
  for (const pageNumber of withoutText) {
    const page = await pdf.getPage(pageNumber);
    try {
      if (!(await showsContent(page))) blank.add(pageNumber);
    } catch {
      // A page whose drawing cannot be read is left to OCR and the unread-pages warning.
    } finally {
      page.cleanup();
    }
  }
  return blank;
}

function textLength(lines: Line[]): number {
  return lines.reduce((sum, line) => sum + line.text.replace(/\s+/g, "").length, 0);
}

/** Text-layer and recognised blocks in page order; both lists are in page order already. */
function mergeByPage(text: Block[], recognised: Block[]): Block[] {
  if (recognised.length === 0) return text;
  const merged: Block[] = [];
  let i = 0;
  for (const block of recognised) {
    while (i < text.length && (text[i].page ?? 0) <= (block.page ?? 0)) merged.push(text[i++]);
    merged.push(block);
  }
  return merged.concat(text.slice(i));
}

/** Joins text runs into visual lines: a new line starts where the baseline moves or PDF.js marks an end of line. */
function pageLines(items: TextItem[]): Line[] {
  const lines: Line[] = [];
  let parts: string[] = [];
  let y = 0;
  let lastEnd = 0;
  let sizeChars = new Map<number, number>();
  const close = (): void => {
    // Control characters stand for glyphs the font maps to nothing (a printed "¶" permalink became NUL).
    const text = collapseWhitespace(parts.join("").replace(/(?![\t\n\v\f\r])\p{Cc}/gu, ""));
    if (text) lines.push({text, y, size: dominant(sizeChars)});
    parts = [];
    sizeChars = new Map();
  };
  for (const item of items) {
    const size = Math.round(Math.max(item.fontSize || 0, 1) * 2) / 2;
    if (item.str.length > 0) {
      if (parts.length > 0 && Math.abs(item.y - y) > Math.max(1, size * 0.5)) close();
      if (parts.length === 0) {
        y = item.y;
      } else if (item.x - lastEnd > size * 0.2 && !/\s$/.test(parts[parts.length - 1]) && !/^\s/.test(item.str)) {
        parts.push(" ");
      }
      parts.push(item.str);
      sizeChars.set(size, (sizeChars.get(size) ?? 0) + item.str.trim().length);
      lastEnd = item.x + item.width;
    }
    if (item.hasEOL) close();
  }
  close();
  return lines;
}

function dominant(counts: Map<number, number>): number {
  let best = 0;
  let bestCount = -1;
  for (const [value, count] of counts) if (count > bestCount || (count === bestCount && value > best)) [best, bestCount] = [value, count];
  return best;
}

/** "Page 3 of 10", "- 3 -", "3 / 10", "Seite 3": lines that differ between pages only by the number. */
const PAGE_LABEL = /(^|\s)(page|p\.|seite|página|pagina|страница)\s*#(\s*(of|von|de|di|из|\/)\s*#)?$|^[-–—\s]*#(\s*(of|\/)\s*#)?[-–—\s]*$/i;

/**
 * Page numbers and running headers repeat on most pages and would otherwise be glued into
 * paragraphs and match every search for the manual's name. Two kinds are removed:
 * - identical lines, or lines that differ by a page label, at the top or bottom of most pages;
 * - lines that name the current chapter or section ("CHAPTER 3. CHOOSING … 3.2. BUT WHAT ABOUT …"),
 *   so they differ from page to page, but sit at the same height on most pages, no larger than the
 *   body text, set apart from the text by a gap wider than two lines.
 */
function removeRunningHeaders(pages: Line[][]): Line[][] {
  if (pages.length < 3) return pages;
  const key = (line: Line): string => {
    // Front matter is numbered in roman numerals ("iv"), the rest in digits: both are page numbers.
    const numbered = line.text.toLowerCase().replace(/^[ivxlc]{1,7}$/, "#").replace(/\d+/g, "#");
    return PAGE_LABEL.test(numbered) ? numbered : line.text;
  };
  const edges = (lines: Line[]): Line[] => [...new Set([...lines.slice(0, 2), ...lines.slice(-2)])];
  const pagesWithKey = new Map<string, number>();
  for (const lines of pages) for (const k of new Set(edges(lines).map(key))) pagesWithKey.set(k, (pagesWithKey.get(k) ?? 0) + 1);
  const threshold = Math.max(3, Math.ceil(pages.length * 0.5));
  const repeated = pages.map((lines) => {
    const edgeLines = new Set(edges(lines));
    return lines.filter((line) => !(edgeLines.has(line) && line.text.length <= 120 && (pagesWithKey.get(key(line)) ?? 0) >= threshold));
  });
  return removePositionalHeaders(repeated, threshold);
}

function removePositionalHeaders(pages: Line[][], threshold: number): Line[][] {
  const bodySize = mostCommonSize(pages);
  const apart = (line: Line | undefined, neighbour: Line | undefined): boolean =>
    line !== undefined && neighbour !== undefined && line.size <= bodySize && line.text.length <= 200 && Math.abs(line.y - neighbour.y) > 2 * Math.max(line.size, neighbour.size);
  const height = (line: Line): number => Math.round(line.y);
  // Heights where the page's first (or last) line is set apart on most pages, and on nearly every
  // page that has a line there: body text that starts every page at the top margin is only
  // sometimes followed by a paragraph gap, a running header always is.
  const headerHeights = (edge: (lines: Line[]) => [Line | undefined, Line | undefined]): Set<number> => {
    const lines = new Map<number, number>();
    const setApart = new Map<number, number>();
    for (const page of pages) {
      const [line, neighbour] = edge(page);
      if (!line) continue;
      for (const h of [height(line) - 1, height(line), height(line) + 1]) {
        lines.set(h, (lines.get(h) ?? 0) + 1);
        if (apart(line, neighbour)) setApart.set(h, (setApart.get(h) ?? 0) + 1);
      }
    }
    return new Set([...setApart].filter(([h, count]) => count >= threshold && count >= 0.9 * (lines.get(h) ?? 0)).map(([h]) => h));
  };
  const top = (lines: Line[]): [Line | undefined, Line | undefined] => [lines[0], lines[1]];
  const bottom = (lines: Line[]): [Line | undefined, Line | undefined] => [lines[lines.length - 1], lines[lines.length - 2]];
  const edges = [{edge: top, heights: headerHeights(top)}, {edge: bottom, heights: headerHeights(bottom)}].filter(({heights}) => heights.size > 0);
  if (edges.length === 0) return pages;
  return pages.map((lines) => {
    const headers = new Set(
      edges.flatMap(({edge, heights}) => {
        const [line, neighbour] = edge(lines);
        return line && heights.has(height(line)) && apart(line, neighbour) ? [line] : [];
      }),
    );
    return headers.size > 0 ? lines.filter((line) => !headers.has(line)) : lines;
  });
}

function toBlocks(pages: Line[][]): {blocks: Block[]; coverTitle?: string} {
  const words = documentWords(pages);
  const bodySize = mostCommonSize(pages);
  const isLarge = (size: number): boolean => size >= bodySize * 1.15 && size - bodySize >= 1;
  // Joined once: the heading test and the block both read a paragraph's text.
  const paragraphs = pages.flatMap((lines, index) => splitParagraphs(lines, index + 1, isLarge)).map((p) => ({...p, text: joinLines(p.lines, words)}));
  const looksLikeHeading = (p: Paragraph & {text: string}): boolean => p.lines.length <= 3 && p.lines.every((line) => isLarge(line.size)) && p.text.length <= 200;
  const coverLines = coverPageLines(paragraphs, looksLikeHeading);
  const isHeading = (p: Paragraph & {text: string}): boolean => looksLikeHeading(p) && !coverLines.has(p);
  // Bigger type, higher level: the largest heading size found becomes level 1.
  const headingSizes = [...new Set(paragraphs.filter(isHeading).map((p) => p.lines[0].size))].sort((a, b) => b - a);

  const headings = new HeadingPath();
  const blocks: Block[] = [];
  const contents: typeof paragraphs = [];
  for (const [index, paragraph] of paragraphs.entries()) {
    const {text, page} = paragraph;
    if (isChapterLabel(text) && paragraphs[index + 1] && isHeading(paragraphs[index + 1])) {
      // "CHAPTER" in body type above a chapter's number and title (as Sphinx prints them): a label,
      // which would otherwise end the previous section's last passage.
      continue;
    } else if (isContentsList(paragraph.lines.map((line) => line.text), CONTENTS_HEADING.test(headings.current().at(-1) ?? ""))) {
      // A contents page names every section, so it would match any question about the manual;
      // dropped unless it is all the file has.
      contents.push(paragraph);
    } else if (isHeading(paragraph)) {
      const level = Math.min(headingSizes.indexOf(paragraph.lines[0].size) + 1, 6);
      blocks.push({type: "heading", text, level, page, headingPath: headings.enter(level, text)});
    } else if (BULLET.test(text) || NUMBERED.test(text)) {
      blocks.push({type: "list-item", text: text.replace(BULLET, ""), page, headingPath: headings.current()});
    } else {
      blocks.push({type: "paragraph", text, page, headingPath: headings.current()});
    }
  }
  if (blocks.every((block) => block.type === "heading")) for (const {text, page} of contents) blocks.push({type: "paragraph", text, page, headingPath: []});
  // The cover's largest line names the document when its metadata does not.
  const coverTitle = [...coverLines].sort((a, b) => b.lines[0].size - a.lines[0].size)[0]?.text;
  return {blocks, coverTitle};
}

/**
 * A cover page (the first page with text, holding large lines and nothing else but a contents
 * list) sets the title, release, authors or date in type sizes the body never uses for headings.
 * Taken as headings they became the outermost levels of every section's path ("Guide › Release
 * 1.20.1 › MIT › 4.3 Principals"), so lines in a size found as a heading only on the cover are
 * plain text. A size the later pages use for headings keeps its lines headings there.
 */
function coverPageLines<P extends Paragraph & {text: string}>(paragraphs: P[], looksLikeHeading: (p: P) => boolean): Set<P> {
  const firstPage = paragraphs[0]?.page;
  const cover = paragraphs.filter((p) => p.page === firstPage);
  const laterHeadings = paragraphs.filter((p) => p.page !== firstPage && looksLikeHeading(p));
  if (laterHeadings.length === 0 || !cover.every((p) => looksLikeHeading(p) || isContentsList(p.lines.map((line) => line.text)))) return new Set();
  const laterSizes = new Set(laterHeadings.map((p) => p.lines[0].size));
  return new Set(cover.filter((p) => looksLikeHeading(p) && !laterSizes.has(p.lines[0].size)));
}

function mostCommonSize(pages: Line[][]): number {
  const chars = new Map<number, number>();
  for (const lines of pages) for (const line of lines) chars.set(line.size, (chars.get(line.size) ?? 0) + line.text.length);
  return dominant(chars);
}

/** A paragraph ends where the gap to the next line is clearly wider than the page's usual line pitch. */
function splitParagraphs(lines: Line[], page: number, isLarge: (size: number) => boolean): Paragraph[] {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1].y - lines[i].y;
    if (gap > 0 && lines[i].size === lines[i - 1].size && gap < lines[i].size * 3) gaps.push(gap);
  }
  // Lines inside a paragraph sit closest together, so the lower quartile of the gaps is the pitch.
  const pitch = lowerQuartile(gaps);

  const paragraphs: Paragraph[] = [];
  let current: Line[] = [];
  for (const line of lines) {
    const prev = current[current.length - 1];
    if (prev) {
      const gap = prev.y - line.y;
      // Large type sits further apart: a heading wrapped over two lines stays one heading.
      const limit = pitch > 0 ? Math.max(pitch * 1.35, prev.size * (isLarge(prev.size) ? 1.45 : 1.05)) : Math.max(prev.size, line.size) * 1.6;
      // When every paragraph is one line the pitch is the paragraph gap; a finished sentence
      // followed by a wide gap still ends the paragraph.
      const sentenceBreak = gap > prev.size * 1.5 && /[.:!?;]$/.test(prev.text);
      const startsItem = BULLET.test(line.text) || NUMBERED.test(line.text);
      if (gap <= 0 || gap > limit || sentenceBreak || isLarge(line.size) !== isLarge(prev.size) || line.size !== prev.size || startsItem) {
        paragraphs.push({lines: current, page});
        current = [];
      }
    }
    current.push(line);
  }
  if (current.length > 0) paragraphs.push({lines: current, page});
  return paragraphs;
}

function lowerQuartile(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 4)];
}

/**
 * Lines join with a space. A line ending in a hyphen joins without one; the hyphen goes when the
 * joined word is written elsewhere in the document ("pack-" + "ages": "packages" occurs, so the
 * typesetter split the word), and stays otherwise ("Debian-" + "based"), so a search for the word
 * finds it either way.
 */
function joinLines(lines: Line[], words: Set<string>): string {
  let text = "";
  for (const line of lines) {
    if (text === "") {
      text = line.text;
      continue;
    }
    // Only the end of the text so far is looked at, so a long paragraph costs no more per line.
    const split = text.endsWith("-") ? /(\p{L}{1,64})-$/u.exec(text.slice(-66)) : null;
    if (!split) {
      text += ` ${line.text}`;
      continue;
    }
    const rest = /^\p{Ll}{1,64}/u.exec(line.text)?.[0];
    text = rest && words.has(`${split[1]}${rest}`.toLowerCase()) ? text.slice(0, -1) + line.text : text + line.text;
  }
  return text;
}

/** The document's words as its lines have them (lower case), to tell a split word from a compound. */
function documentWords(pages: Line[][]): Set<string> {
  const words = new Set<string>();
  for (const lines of pages) for (const line of lines) for (const word of line.text.toLowerCase().match(/\p{L}+/gu) ?? []) words.add(word);
  return words;
}

function pickTitle(info: Record<string, unknown>, blocks: Block[], fileName: string, coverTitle?: string): string {
  const metaTitle = typeof info.Title === "string" ? collapseWhitespace(info.Title).replace(/^Microsoft (Word|PowerPoint) - /i, "") : "";
  if (metaTitle && !/^(untitled|document\d*|slide \d+)$/i.test(metaTitle) && !/\.(docx?|pptx?|pdf|tmp)$/i.test(metaTitle)) return metaTitle;
  if (coverTitle) return coverTitle;
  const firstHeading = blocks.find((block) => block.type === "heading");
  if (firstHeading) return headingAsTitle(firstHeading.text) ?? titleFromFileName(fileName);
  const firstLine = blocks[0]?.text.split("\n")[0] ?? "";
  if (firstLine && firstLine.length <= 100) return firstLine;
  return titleFromFileName(fileName);
}
