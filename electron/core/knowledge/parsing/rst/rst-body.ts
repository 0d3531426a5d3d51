/**
 * The block structure of a reStructuredText document, read as docutils reads it (by indentation and
 * adornment, never rendered): section titles at the level their adornment style was first used at,
 * paragraphs, bullet, numbered, definition, field and option lists, literal blocks, tables, and the
 * directives technical manuals use (Sphinx's included). What never reaches a reader is left out:
 * comments, link targets, tables of contents, index entries, includes and images.
 */
import {collapseWhitespace, tidyCode} from "../text-cleanup.js";
import type {BlockType} from "../types.js";
import {inlineText, type InlineContext} from "./rst-inline.js";
import {csvTableRows, GRID_BORDER, gridTableRows, listTableRows, SIMPLE_RULE, simpleTableRows, type TableRows} from "./rst-tables.js";
import {rowText} from "../html-to-blocks.js";
import {directiveReading} from "./directive-names.js";

export interface RstBlock {
  type: BlockType;
  text: string;
  level?: number;
}

/** Indented structures read as structure this deep; deeper text is kept as plain paragraphs. */
const MAX_NESTING = 12;

const ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}\s*$/;
const BULLET = /^([-*+\u2022\u2023\u2043])(?: +(.*))?$/;
const ENUMERATED = /^(?:(?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,8}|#)[.)]|\((?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,8}|#)\))(?: +(.*))?$/;
const FIELD = /^:((?:[^:\\\s`]|\\.)(?:[^:\\`]|\\.){0,200}):(?:\s+(.*))?$/;
const OPTION = /^((?:--?|\/)[A-Za-z0-9][\w-]{0,60}(?:[ =](?:<[^<>]{1,60}>|[A-Za-z_][\w.-]{0,60}))?(?:, (?:--?|\/)[A-Za-z0-9][\w-]{0,60}(?:[ =](?:<[^<>]{1,60}>|[A-Za-z_][\w.-]{0,60}))?){0,10})(?: {2,}(.*)|$)/;
const DIRECTIVE = /^\.\.\s+([A-Za-z][\w:+.-]{0,60})::(?:\s+(.*))?$/;
export const SUBSTITUTION_DEFINITION = /^\.\.\s+\|([^|]{1,200})\|\s+([\w:-]{1,60})::(?:\s+(.*))?$/;
const FOOTNOTE = /^\.\.\s+\[([^\]]{1,60})\](?:\s+(.*))?$/;
const OPTION_LINE = /^:([\w-]{1,60}):(?:\s+(.*))?$/;

/**
 * Descriptions of a thing the manual documents (an option, a setting, a variable, a function): its
 * signature and the first paragraph of its description are one list item, as with a manual page's options.
 */
const OBJECT_DESCRIPTIONS = new Set([
  "option", "cmdoption", "envvar", "confval", "describe", "object", "function", "method", "attribute", "data", "exception",
  "staticmethod", "classmethod", "decorator", "property", "setting", "directive", "role", "macro", "type", "member", "var", "struct",
]);

export function expandTabs(line: string): string {
  if (!line.includes("\t")) return line;
  let out = "";
  for (const ch of line) out += ch === "\t" ? " ".repeat(8 - (out.length % 8)) : ch;
  return out;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

const blank = (line: string | undefined) => line === undefined || line.trim() === "";

/**
 * The indented block from `start` (lines indented at least `minIndent`, blank lines between them),
 * dedented; `next` is the first line after it.
 */
function indentedBlock(lines: string[], start: number, minIndent = 1): {lines: string[]; next: number} {
  let end = start;
  let last = start;
  while (end < lines.length && (blank(lines[end]) || indentOf(lines[end]) >= minIndent)) {
    if (!blank(lines[end])) last = end + 1;
    end++;
  }
  const block = lines.slice(start, last);
  let cut = Infinity;
  for (const line of block) if (!blank(line)) cut = Math.min(cut, indentOf(line));
  return {lines: block.map((line) => (blank(line) ? "" : line.slice(cut === Infinity ? 0 : cut))), next: last};
}

/** A section title at `i`, with or without an overline; null when the lines there are not one. */
export function titleAt(lines: string[], i: number): {title: string; style: string; next: number} | null {
  const line = lines[i];
  const over = ADORNMENT.exec(line);
  if (over && i + 2 < lines.length && !blank(lines[i + 1])) {
    const under = ADORNMENT.exec(lines[i + 2]);
    if (under && under[1] === over[1] && !ADORNMENT.test(lines[i + 1])) return {title: lines[i + 1].trim(), style: `${over[1]}o`, next: i + 3};
  }
  if (over || indentOf(line) > 0 || i + 1 >= lines.length) return null;
  const under = ADORNMENT.exec(lines[i + 1]);
  if (!under) return null;
  const width = lines[i + 1].trimEnd().length;
  const title = line.trim();
  // docutils reads a short underline as a title from 4 characters on (with a warning).
  if (width < title.length && width < 4) return null;
  return {title, style: `${under[1]}u`, next: i + 2};
}

export class RstReader {
  readonly blocks: RstBlock[] = [];
  /** Files the document includes (`.. include::`), which are not read. */
  readonly includes: string[] = [];
  private readonly styles: string[] = [];

  constructor(private readonly context: InlineContext) {}

  read(lines: string[]): void {
    this.parse(lines, 0, this.blocks);
  }

  private inline(text: string): string {
    return collapseWhitespace(inlineText(text, this.context));
  }

  private parse(lines: string[], depth: number, out: RstBlock[]): void {
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (blank(line)) {
        i++;
        continue;
      }
      if (indentOf(line) > 0) {
        // A block quote: its text is the document's like any other.
        const quote = indentedBlock(lines, i);
        this.nested(quote.lines, depth, out);
        i = quote.next;
        continue;
      }
      i = this.parseConstruct(lines, i, depth, out);
    }
  }

  /** Text nested one level deeper, read as structure while MAX_NESTING allows. */
  private nested(lines: string[], depth: number, out: RstBlock[]): void {
    if (depth + 1 > MAX_NESTING) {
      const text = this.inline(lines.join("\n"));
      if (text) out.push({type: "paragraph", text});
      return;
    }
    this.parse(lines, depth + 1, out);
  }

  /** Reads the construct starting at `i` (not blank, not indented); returns the line after it. */
  private parseConstruct(lines: string[], i: number, depth: number, out: RstBlock[]): number {
    const line = lines[i];
    const title = depth === 0 ? titleAt(lines, i) : null;
    if (title) {
      if (!this.styles.includes(title.style)) this.styles.push(title.style);
      const text = this.inline(title.title);
      if (text) out.push({type: "heading", text, level: Math.min(6, this.styles.indexOf(title.style) + 1)});
      return title.next;
    }
    // A transition (a line of punctuation alone) separates text; it says nothing.
    if (ADORNMENT.test(line) && line.trim().length >= 4 && blank(lines[i + 1])) return i + 1;
    if (GRID_BORDER.test(line)) {
      let end = i + 1;
      while (end < lines.length && /^[+|]/.test(lines[end])) end++;
      this.table(gridTableRows(lines.slice(i, end)), out);
      return end;
    }
    if (SIMPLE_RULE.test(line) && /=\s+=/.test(line)) {
      let end = i + 1;
      while (end < lines.length) {
        const closes = SIMPLE_RULE.test(lines[end]) && blank(lines[end + 1]);
        end++;
        if (closes) break;
      }
      this.table(simpleTableRows(lines.slice(i, end)), out);
      return end;
    }
    if (line.startsWith("..") && (line.length === 2 || /^\.\.\s/.test(line))) return this.explicit(lines, i, depth, out);
    if (/^__ /.test(line) || line === "__") return indentedBlock(lines, i + 1).next;
    const bullet = BULLET.exec(line);
    if (bullet) return this.item(lines, i, bullet[2] ?? "", "", depth, out);
    const enumerated = ENUMERATED.exec(line);
    if (enumerated && (blank(lines[i + 1]) || indentOf(lines[i + 1]) > 0 || ENUMERATED.test(lines[i + 1]))) return this.item(lines, i, enumerated[1] ?? "", "", depth, out);
    const field = FIELD.exec(line);
    if (field) {
      const name = this.inline(field[1]);
      // Sphinx's page options (`:orphan:`, `:tocdepth: 2`) say nothing to a reader.
      if (/^(orphan|tocdepth|nocomments|nosearch|hide-toc|og:.*)$/i.test(name)) return indentedBlock(lines, i + 1).next;
      return this.item(lines, i, field[2] ?? "", `${name}:`, depth, out, " ");
    }
    const option = OPTION.exec(line);
    if (option && (option[2] !== undefined || indentOf(lines[i + 1] ?? "") > 0)) return this.item(lines, i, option[2] ?? "", option[1], depth, out);
    if (line.startsWith(">>>")) {
      let end = i;
      while (end < lines.length && !blank(lines[end])) end++;
      out.push({type: "code", text: tidyCode(lines.slice(i, end).join("\n"))});
      return end;
    }
    if (/^\|(?: |$)/.test(line)) {
      // A line block (addresses, verse): each line as written.
      let end = i;
      const kept: string[] = [];
      while (end < lines.length && (/^\|(?: |$)/.test(lines[end]) || (!blank(lines[end]) && indentOf(lines[end]) > 0))) kept.push(lines[end++].replace(/^\| ?/, ""));
      const text = kept.map((l) => this.inline(l)).filter(Boolean).join("\n");
      if (text) out.push({type: "paragraph", text});
      return end;
    }
    return this.paragraph(lines, i, depth, out);
  }

  private paragraph(lines: string[], i: number, depth: number, out: RstBlock[]): number {
    let end = i;
    while (end < lines.length && !blank(lines[end]) && indentOf(lines[end]) === 0) end++;
    // One line followed directly by indented text: a definition list's term and its definition.
    // ("Example::" right above its indented code is a literal block written without the blank line.)
    if (end === i + 1 && end < lines.length && !blank(lines[end]) && !/::\s*$/.test(lines[i])) {
      const term = this.inline(lines[i].replace(/ : .*$/, ""));
      return this.itemBody(indentedBlock(lines, end), term, "\n", depth, out);
    }
    let text = lines.slice(i, end).join("\n");
    const literal = /::\s*$/.test(text);
    if (literal) text = text.replace(/(^|\s)::\s*$/, "").replace(/::\s*$/, ":");
    const paragraph = this.inline(text);
    if (paragraph) out.push({type: "paragraph", text: paragraph});
    if (!literal) return end;
    let next = end;
    while (next < lines.length && blank(lines[next])) next++;
    if (next >= lines.length || indentOf(lines[next]) === 0) return end;
    const block = indentedBlock(lines, next);
    const code = tidyCode(block.lines.join("\n"));
    if (code) out.push({type: "code", text: code});
    return block.next;
  }

  /** A list item: the first line's text after its marker, and the indented lines under it. */
  private item(lines: string[], i: number, firstText: string, label: string, depth: number, out: RstBlock[], joiner = "\n"): number {
    const body = indentedBlock(lines, i + 1);
    return this.itemBody({lines: firstText ? [firstText, ...body.lines] : body.lines, next: body.next}, label, joiner, depth, out);
  }

  /** An item's body as blocks, its first paragraph (with `label` before it) as the list item. */
  private itemBody(body: {lines: string[]; next: number}, label: string, joiner: string, depth: number, out: RstBlock[]): number {
    const inner: RstBlock[] = [];
    this.nested(body.lines, depth, inner);
    if (inner[0]?.type === "paragraph") {
      const first = inner.shift()!;
      out.push({type: "list-item", text: label ? `${label}${joiner}${first.text}` : first.text});
    } else if (label) {
      out.push({type: "list-item", text: label});
    }
    for (const block of inner) out.push(block);
    return body.next;
  }

  private table(table: TableRows, out: RstBlock[]): void {
    for (const cells of table.rows) {
      const text = rowText(
        cells.map((cell) => this.inline(cell)),
        table.headers?.map((cell) => this.inline(cell)) ?? null,
      );
      if (text) out.push({type: "table-row", text});
    }
  }

  /** `..` constructs: directives, footnotes, and what a reader never sees (comments, targets, substitutions). */
  private explicit(lines: string[], i: number, depth: number, out: RstBlock[]): number {
    const line = lines[i];
    const body = indentedBlock(lines, i + 1);
    if (SUBSTITUTION_DEFINITION.test(line) || /^\.\.\s+_/.test(line)) return body.next;
    const footnote = FOOTNOTE.exec(line);
    if (footnote) return this.itemBody({lines: [footnote[2] ?? "", ...body.lines], next: body.next}, `[${footnote[1]}]`, " ", depth, out);
    const directive = DIRECTIVE.exec(line);
    if (!directive) return body.next; // a comment
    this.directive(directive[1].toLowerCase(), directive[2]?.trim() ?? "", body.lines, depth, out);
    return body.next;
  }

  private directive(fullName: string, argument: string, block: string[], depth: number, out: RstBlock[]): void {
    const reading = directiveReading(fullName, argument);
    const name = reading.name;
    if (name === "include" || name === "literalinclude") this.includes.push(argument);
    if (reading.kind === "dropped") return;
    if (reading.kind === "box") {
      this.labelled(`${this.inline(reading.label ?? "")}:`, [reading.lead ?? "", ...block], depth, out);
      return;
    }
    const {argLines, options, content} = splitDirective(argument, block);
    const arg = argLines.join(" ").trim();
    if (reading.kind === "code") {
      const code = tidyCode(content.join("\n"));
      if (code) out.push({type: "code", text: code});
      return;
    }
    if (name === "csv-table") {
      if (arg) out.push({type: "paragraph", text: this.inline(arg)});
      this.table(csvTableRows(content, options), out);
      return;
    }
    if (name === "list-table") {
      if (arg) out.push({type: "paragraph", text: this.inline(arg)});
      this.table(listTableRows(bulletItems(content).map((row) => bulletItems(row).map((cell) => cell.join(" "))), options), out);
      return;
    }
    if (name === "figure") {
      // The image goes; its caption and legend stay.
      this.nested(content, depth, out);
      return;
    }
    if (OBJECT_DESCRIPTIONS.has(name) && arg) {
      this.itemBody({lines: content, next: 0}, this.inline(arg), "\n", depth, out);
      return;
    }
    // Anything else (rubric, topic, sidebar, tab, container, only, glossary…): its title, then its text.
    if (arg) out.push({type: "paragraph", text: this.inline(arg)});
    if (content.some((l) => !blank(l))) this.nested(content, depth, out);
  }

  /** A box's text with its label before the first paragraph ("Note: Back up the key first."). */
  private labelled(label: string, content: string[], depth: number, out: RstBlock[]): void {
    const inner: RstBlock[] = [];
    this.nested(content, depth, inner);
    if (inner[0]?.type === "paragraph") inner[0] = {type: "paragraph", text: `${label} ${inner[0].text}`};
    else inner.unshift({type: "paragraph", text: label});
    for (const block of inner) out.push(block);
  }
}

/** A directive's argument lines, `:option: value` lines, and content (after them). */
function splitDirective(argument: string, block: string[]): {argLines: string[]; options: Map<string, string>; content: string[]} {
  const argLines = argument ? [argument] : [];
  let k = 0;
  while (k < block.length && !blank(block[k]) && !OPTION_LINE.test(block[k])) argLines.push(block[k++].trim());
  const options = new Map<string, string>();
  while (k < block.length && OPTION_LINE.test(block[k])) {
    const [, key, value] = OPTION_LINE.exec(block[k])!;
    options.set(key.toLowerCase(), (value ?? "").trim());
    k++;
  }
  return {argLines, options, content: block.slice(k)};
}

/** The items of a bullet list as their lines (dedented), for list-table rows and cells. */
function bulletItems(lines: string[]): string[][] {
  const items: string[][] = [];
  let i = 0;
  while (i < lines.length) {
    const bullet = BULLET.exec(lines[i]);
    if (!bullet || indentOf(lines[i]) > 0) {
      i++;
      continue;
    }
    const body = indentedBlock(lines, i + 1);
    items.push([bullet[2] ?? "", ...body.lines].filter((l) => !blank(l)));
    i = Math.max(body.next, i + 1);
  }
  return items;
}
