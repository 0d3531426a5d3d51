import {decodeText} from "./decode-text.js";
import {titleFromFileName} from "./file-name.js";
import {HeadingPath} from "./heading-path.js";
import {MIME} from "./mime.js";
import {isContentsList, sectionNumbering} from "./section-numbers.js";
import type {Block, BlockType, ParsedDocument} from "./types.js";

/**
 * Plain-text notes in whatever encoding the author's machine used. Structure comes from the habits
 * of plain-text writers: blank lines between paragraphs, underlined or ALL CAPS headings, bullets,
 * and the numbered section titles of manuals rendered to text ("Chapter 8. Tools", "8.1.2. APT").
 */

const UNDERLINE = /^[ \t]*(={3,}|-{3,})[ \t]*$/;
const BULLET = /^[ \t]*([-*+•·▪◦]|\d{1,3}[.)])[ \t]+\S/;

export async function parseText(bytes: Uint8Array, fileName: string): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const text = decoded.text.replace(/^\ufeff/, "").replace(/\r\n?/g, "\n");
  const blocks = textBlocks(text);
  return {
    title: blocks[0]?.type === "heading" ? blocks[0].text : (centeredTitle(text) ?? titleFromFileName(fileName)),
    kind: "text",
    mime: MIME.text,
    blocks,
    meta: {encoding: decoded.encoding},
    warnings: decoded.warnings,
  };
}

/** A plain text's blocks; also the body of an email. */
export function textBlocks(text: string): Block[] {
  // With "====" underlines in use those are the top level, so ALL CAPS headings sit one below.
  const capsLevel = /(^|\n)[ \t]*={3,}[ \t]*(\n|$)/.test(text) ? 2 : 1;
  const headings = new HeadingPath();
  const blocks: Block[] = [];
  const push = (type: BlockType, value: string): void => {
    const trimmed = value.trim();
    if (trimmed) blocks.push({type, text: trimmed, headingPath: headings.current()});
  };
  const heading = (level: number, title: string): void => {
    blocks.push({type: "heading", text: title, level, headingPath: headings.enter(level, title)});
  };

  const chunks = text.split(/\n[ \t]*\n/).map((chunk) => chunk.split("\n").map((line) => line.replace(/[ \t]+$/, "")).filter((line) => line.trim()));
  // "1. Introduction" is a list item in a note but a chapter in a manual whose sections are numbered.
  const numberedSections = chunks.filter((lines) => numberedHeading(lines, false)?.multiLevel).length >= 2;
  const contents: string[][] = [];
  for (const lines of chunks) {
    if (isContentsList(lines)) {
      // It names every section, so it would match any question about the manual; dropped below
      // unless it is all the file has.
      contents.push(lines);
      continue;
    }
    const numbered = numberedHeading(lines, numberedSections);
    if (numbered) {
      heading(numbered.level, numbered.text);
      continue;
    }
    let pending: string[] = [];
    const flush = (): void => {
      for (const group of groupBullets(pending)) push(group.bullet ? "list-item" : "paragraph", group.lines.join("\n"));
      pending = [];
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const next = lines[i + 1];
      if (next !== undefined && UNDERLINE.test(next) && !UNDERLINE.test(line) && line.trim().length <= 120) {
        flush();
        heading(next.trim().startsWith("=") ? 1 : 2, line.trim());
        i++;
      } else if (UNDERLINE.test(line)) {
        // a divider line with nothing above it to underline
      } else if (i === 0 && isCapsHeading(line)) {
        heading(capsLevel, line.trim());
      } else {
        pending.push(line);
      }
    }
    flush();
  }
  if (blocks.length === 0) for (const lines of contents) push("paragraph", lines.join("\n"));
  return blocks;
}

/**
 * A first line set in the middle of the page, as manuals rendered to text put their title
 * ("                    The Debian GNU/Linux FAQ"); short, and not a sentence.
 */
function centeredTitle(text: string): string | null {
  const first = /^[ \t]*\S[^\n]*/m.exec(text)?.[0];
  if (!first) return null;
  const indent = first.length - first.trimStart().length;
  const title = first.trim();
  return indent >= 8 && title.length <= 100 && !/[.,;:]$/.test(title) && title.split(/\s+/).length <= 12 ? title : null;
}

/** Longest numbered heading, wrapped over lines: "14.3. I am making a special Linux distribution for…". */
const MAX_NUMBERED_HEADING = 250;

/**
 * A paragraph that is a numbered section title: it starts at the margin with a section number, spans
 * at most three lines and does not end like a sentence. Single numbers ("2. Setup") count only in a
 * document that also numbers sub-sections, where they are chapters rather than steps.
 */
function numberedHeading(lines: string[], singleLevel: boolean): {level: number; text: string; multiLevel: boolean} | null {
  if (lines.length === 0 || lines.length > 3 || lines.some((line) => /^[ \t]{4,}/.test(line))) return null;
  const text = lines.map((line) => line.trim()).join(" ").replace(/\s+/g, " ");
  if (text.length > MAX_NUMBERED_HEADING || /[.,;:]$/.test(text)) return null;
  const numbering = sectionNumbering(lines[0]);
  if (!numbering) return null;
  // "Chapter 1" with its title on the next line.
  if (!numbering.title && lines.length === 1) return null;
  if (!numbering.keyword && !numbering.multiLevel && (!singleLevel || lines.length > 1)) return null;
  return {level: Math.min(numbering.level, 6), text, multiLevel: numbering.multiLevel};
}

/** Short, shouted, not a sentence: "VPN TROUBLESHOOTING", "2. NETWORK SETUP". */
function isCapsHeading(line: string): boolean {
  const text = line.trim();
  if (text.length < 3 || text.length > 80 || /[.,;!?:。！？]$/.test(text)) return false;
  if (text.split(/\s+/).length > 10) return false;
  // Only scripts with letter case can shout; a Japanese line with "VPN" in it is not a heading.
  const letters = text.match(/\p{L}/gu) ?? [];
  const upper = text.match(/\p{Lu}/gu) ?? [];
  return letters.length >= 2 && !/\p{Ll}/u.test(text) && upper.length >= letters.length * 0.8;
}

/** Bulleted lines become items (indented lines continue the item); other lines stay one paragraph. */
function groupBullets(lines: string[]): {bullet: boolean; lines: string[]}[] {
  const groups: {bullet: boolean; lines: string[]}[] = [];
  for (const line of lines) {
    const last = groups[groups.length - 1];
    if (BULLET.test(line)) groups.push({bullet: true, lines: [line.trim().replace(/^[-*+•·▪◦][ \t]+/, "")]});
    else if (last?.bullet && /^[ \t]+\S/.test(line)) last.lines.push(line.trim());
    else if (last && !last.bullet) last.lines.push(line.trim());
    else groups.push({bullet: false, lines: [line.trim()]});
  }
  return groups;
}
