import {HeadingPath} from "../heading-path.js";
import {collapseWhitespace} from "../text-cleanup.js";
import type {Block} from "../types.js";
import type {OcrParagraph, OcrRecognition} from "./ocr-engine.js";

/**
 * Recognised pages become blocks like any parser's: tesseract's paragraphs, with the ones set in
 * clearly larger type than the body taken for headings (larger, higher level), numbered and
 * bulleted ones for list items. Every block is marked `ocr` and keeps its page.
 */

export interface RecognisedPage {
  /** 1-based page, or null for a single image. */
  page: number | null;
  recognition: OcrRecognition;
}

/** Below this tesseract read noise, stains or a photo, not text. */
const MIN_CONFIDENCE = 40;
/** A heading's lines are this much taller than the body's. */
const HEADING_RATIO = 1.3;
const MAX_HEADING_CHARS = 150;
const BULLET = /^([•◦▪▫●○■□‣⁃∙·*–-])\s+/;
const NUMBERED = /^(\(?\d{1,3}[.)]|[a-z][.)])\s+/;

export function ocrBlocks(pages: RecognisedPage[]): Block[] {
  const kept = pages.map(({page, recognition}) => ({page, paragraphs: recognition.paragraphs.filter((p) => p.confidence >= MIN_CONFIDENCE)}));
  const body = bodyHeight(kept.flatMap((page) => page.paragraphs));
  const isHeading = (paragraph: OcrParagraph, text: string): boolean =>
    body > 0 && paragraph.lines.length <= 2 && paragraph.lines.every((line) => line.height >= body * HEADING_RATIO) && text.length <= MAX_HEADING_CHARS && !/[.,;]$/.test(text);
  // Heights of one heading style vary by a pixel or two: sizes are compared in fifths of the body height.
  const sizeOf = (paragraph: OcrParagraph): number => Math.round((Math.min(...paragraph.lines.map((line) => line.height)) / body) * 5);

  const entries = kept.flatMap(({page, paragraphs}) => paragraphs.map((paragraph) => ({page, paragraph, text: joinLines(paragraph.lines.map((line) => line.text))})));
  const headingSizes = [...new Set(entries.filter((e) => isHeading(e.paragraph, e.text)).map((e) => sizeOf(e.paragraph)))].sort((a, b) => b - a);

  const headings = new HeadingPath();
  const blocks: Block[] = [];
  for (const {page, paragraph, text} of entries) {
    if (!text) continue;
    const place = page === null ? {} : {page};
    if (isHeading(paragraph, text)) {
      const level = Math.min(headingSizes.indexOf(sizeOf(paragraph)) + 1, 6);
      blocks.push({type: "heading", text, level, headingPath: headings.enter(level, text), ...place, ocr: true});
    } else if (BULLET.test(text) || NUMBERED.test(text)) {
      blocks.push({type: "list-item", text: text.replace(BULLET, ""), headingPath: headings.current(), ...place, ocr: true});
    } else {
      blocks.push({type: "paragraph", text, headingPath: headings.current(), ...place, ocr: true});
    }
  }
  return blocks;
}

/** The line height most of the text is set in (weighted by characters). */
function bodyHeight(paragraphs: OcrParagraph[]): number {
  const lines = paragraphs.flatMap((p) => p.lines).filter((line) => line.height > 0);
  if (lines.length === 0) return 0;
  lines.sort((a, b) => a.height - b.height);
  const total = lines.reduce((sum, line) => sum + line.text.length, 0);
  let seen = 0;
  for (const line of lines) {
    seen += line.text.length;
    if (seen * 2 >= total) return line.height;
  }
  return lines[lines.length - 1].height;
}

/** Hyphenated line ends are joined without a space; the hyphen stays (it is as often a real compound). */
function joinLines(lines: string[]): string {
  let text = "";
  for (const raw of lines) {
    const line = collapseWhitespace(raw);
    if (!line) continue;
    text += text === "" ? line : /\p{L}-$/u.test(text) ? line : ` ${line}`;
  }
  return text;
}
