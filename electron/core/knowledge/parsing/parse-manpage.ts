import {DesksideError} from "../../../../shared/errors.js";
import {decodeText} from "./decode-text.js";
import {titleFromFileName} from "./file-name.js";
import {HeadingPath} from "./heading-path.js";
import {isMdocMacro, mdocText, type MdocContext} from "./manpage/mdoc-macros.js";
import {readRoff, type RoffLine} from "./manpage/roff-lines.js";
import {joinsNext, roffText, type RoffStrings} from "./manpage/roff-text.js";
import {tableRows} from "./manpage/roff-table.js";
import {MIME} from "./mime.js";
import type {Block, BlockType, ParsedDocument} from "./types.js";

/**
 * Manual pages in their source form, as Linux and the BSDs install them (`ssh_config.5`, or
 * `ssh_config.5.gz` once unpacked): the man macros most pages use, the mdoc macros of OpenSSH and
 * the BSDs, and the tables of tbl. Read as `man` shows the page on a terminal: its sections
 * (NAME, SYNOPSIS, OPTIONS…) become headings, each option's tag and description one list item,
 * example blocks code, and table rows rows, with roff's markup left out of the text.
 */

/** Requests that end a paragraph and start the next (spacing, indentation, page breaks). */
const BREAKS = new Set(["PP", "LP", "P", "Pp", "Lp", "sp", "HP", "ne", "bp", "ti", "in", "PD", "Bk", "Ek"]);
/** man's font macros: `.B`, `.I` print their words; `.BR` and friends run them together. */
const FONT_SPACED = new Set(["B", "I", "SM", "SB"]);
const FONT_ALTERNATING = new Set(["BR", "BI", "IB", "IR", "RB", "RI"]);

export async function parseManpage(bytes: Uint8Array, fileName: string): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const source = readRoff(decoded.text.replace(/^\ufeff/, ""));
  const page = new PageBuilder(source.strings, source.defined);
  for (const line of source.lines) page.take(line);
  page.finish();
  if (page.blocks.length === 0 && source.includes.length > 0) {
    throw new DesksideError("FILE_EMPTY", `This manual page only points to another one (${source.includes[0]}); import that page instead.`, {
      details: {includes: source.includes[0]},
    });
  }
  return {
    title: page.title() ?? titleFromFileName(fileName),
    kind: "manpage",
    mime: MIME.troff,
    blocks: page.blocks,
    meta: {encoding: decoded.encoding, ...(page.section ? {section: page.section} : {}), macros: page.mdoc ? "mdoc" : "man"},
    warnings: decoded.warnings,
  };
}

type Mode = "fill" | "nofill";

class PageBuilder {
  readonly blocks: Block[] = [];
  section = "";
  mdoc = false;
  private name = "";
  /** The first paragraph of the NAME section ("systemctl - Control the systemd system…"). */
  private nameLine = "";
  private readonly headings = new HeadingPath();
  private readonly context: MdocContext;
  private mode: Mode = "fill";
  private type: BlockType = "paragraph";
  private readonly text = new BlockText();
  private joinNext = false;
  /** After `.SH` or `.SS` without words, the next line of text is the heading (level). */
  private headingNext = 0;
  /** After `.TP`, the next line of text is the item's tag. */
  private tagNext = false;
  /** mdoc's `.Sm off`: this line closes up to the one before, which was unspaced too. */
  private glueLine = false;
  private lastUnspaced = false;
  /** Inside an mdoc item head continued with `Xo` until `Xc`. */
  private tagOpen = false;
  /** Lists opened by mdoc's `.Bl`, innermost last: whether each is a table of columns. */
  private readonly lists: {columns: boolean}[] = [];

  constructor(
    private readonly strings: RoffStrings,
    /** The page's own macros (a link or mail macro, say): not run, but their arguments are text. */
    private readonly pageMacros: ReadonlySet<string>,
  ) {
    this.context = {strings, pageName: "", spacing: true};
  }

  title(): string | undefined {
    let name = this.context.pageName || this.name;
    if (!name) return undefined;
    // Titles are often capitalised ("SYSTEMCTL"); the NAME section spells the command as typed.
    if (this.nameLine.toLowerCase().startsWith(name.toLowerCase())) name = this.nameLine.slice(0, name.length);
    return this.section ? `${name}(${this.section})` : name;
  }

  take(line: RoffLine): void {
    if (this.inTable) {
      if (line.kind === "text") this.table.push(line.text);
      else if (line.name === "TE") this.endTable();
      else if (line.name === "T&") this.table.push(".T&");
      return;
    }
    if (line.kind === "text") {
      this.textLine(line.text);
      return;
    }
    const {name, args} = line;
    if (this.mdoc || name === "Dd" || name === "Dt") {
      if (this.mdocRequest(name, args)) return;
    }
    this.manRequest(name, args);
  }

  finish(): void {
    this.endTable();
    this.flush();
  }

  private manRequest(name: string, args: string[]): void {
    const words = (): string => args.map((arg) => this.roff(arg)).join(" ");
    switch (name) {
      case "TH":
        this.name = this.roff(args[0] ?? "").trim();
        this.section = this.roff(args[1] ?? "").trim();
        return;
      case "SH":
      case "SS": {
        const level = name === "SH" ? 1 : 2;
        if (args.length) this.heading(level, words());
        else {
          this.flush();
          this.headingNext = level;
        }
        return;
      }
      case "TP":
      case "TQ":
        if (name === "TP") this.flush();
        this.tagNext = true;
        return;
      case "IP": {
        this.flush();
        const tag = this.roff(args[0] ?? "").trim();
        this.type = "list-item";
        // a bullet says only that this is a list item; a number or a word is part of it
        if (tag && !/^[\u2022*\-o\u2014\u2013]$/.test(tag)) this.append(tag);
        return;
      }
      case "RS":
        // DocBook's pages write an option as a paragraph of its own, then its description indented
        // under it: the two read as one item.
        if (this.type === "paragraph" && !this.text.empty && this.text.length <= 200 && this.text.singleLine) {
          this.type = "list-item";
          this.text.add("\n");
          this.joinNext = true;
        } else this.flush();
        return;
      case "RE":
        this.flush();
        return;
      case "br":
        if (!this.text.empty && !this.text.endsWithNewline) this.text.add("\n");
        this.joinNext = true;
        return;
      case "nf":
      case "EX":
        this.flush();
        this.mode = "nofill";
        return;
      case "fi":
      case "EE":
        this.flush();
        this.mode = "fill";
        return;
      case "TS":
        this.flush();
        this.inTable = true;
        return;
      case "SY":
        this.flush();
        this.append(words());
        return;
      case "OP":
        this.append(`[${words()}]`);
        return;
      case "YS":
        this.flush();
        return;
      case "MR":
        this.append(`${this.roff(args[0] ?? "")}(${this.roff(args[1] ?? "")})${this.roff(args[2] ?? "")}`);
        return;
      case "UE":
      case "ME":
        if (args[0]) this.appendGlued(this.roff(args[0]));
        return;
      case "UR":
      case "MT":
        return;
    }
    if (FONT_SPACED.has(name)) {
      if (args.length) this.textLine(words(), true);
      return;
    }
    if (FONT_ALTERNATING.has(name)) {
      if (args.length) this.textLine(args.map((arg) => this.roff(arg)).join(""), true);
      return;
    }
    if (BREAKS.has(name)) {
      this.flush();
      return;
    }
    if (this.pageMacros.has(name) && args.length) this.textLine(words(), true);
    // Everything else (fonts, sizes, registers, hyphenation, page layout) prints nothing.
  }

  /** mdoc's structure; in-line macros fall through to a line of text. Returns whether it was handled. */
  private mdocRequest(name: string, args: string[]): boolean {
    switch (name) {
      case "Dd":
        this.mdoc = true;
        return true;
      case "Dt":
        this.mdoc = true;
        this.name = this.roff(args[0] ?? "").toLowerCase();
        this.section = this.roff(args[1] ?? "");
        return true;
      case "Os":
        return true;
      case "Sh":
      case "Ss":
        this.heading(name === "Sh" ? 1 : 2, mdocText(args, this.context));
        return true;
      case "Nd":
        this.append(`\u2014 ${mdocText(args, this.context)}`);
        return true;
      case "Bl":
        this.flush();
        this.lists.push({columns: args.includes("-column")});
        return true;
      case "El":
        this.flush();
        this.lists.pop();
        return true;
      case "It": {
        this.flush();
        const list = this.lists[this.lists.length - 1];
        if (list?.columns) {
          this.type = "table-row";
          this.append(splitCells(args).map((cell) => mdocText(cell, this.context)).join(" | "));
          return true;
        }
        this.type = "list-item";
        // `.It … Xo` goes on over the next lines up to `.Xc`: all of it is the tag
        const extended = args[args.length - 1] === "Xo";
        const tag = mdocText(extended ? args.slice(0, -1) : args, this.context);
        this.tagOpen = extended;
        if (tag) this.append(extended ? tag : `${tag}\n`);
        this.joinNext = !extended;
        return true;
      }
      case "Xc": {
        if (this.tagOpen) {
          this.tagOpen = false;
          this.text.add("\n");
          this.joinNext = true;
        }
        return true;
      }
      case "Bd":
        this.flush();
        if (args.includes("-literal") || args.includes("-unfilled")) this.mode = "nofill";
        return true;
      case "Ed":
        this.flush();
        this.mode = "fill";
        return true;
      case "D1":
        this.flush();
        this.append(mdocText(args, this.context));
        this.flush();
        return true;
      case "Dl":
        this.flush();
        this.type = "code";
        this.append(mdocText(args, this.context));
        this.flush();
        return true;
      case "Rs":
      case "Re":
        this.flush();
        return true;
    }
    if (isMdocMacro(name)) {
      // Under `.Sm off` a line still starts with a space, unless the line before was unspaced too.
      const unspaced = !this.context.spacing;
      const text = mdocText([name, ...args], this.context);
      if (text) {
        this.glueLine = unspaced && this.lastUnspaced;
        this.textLine(text, true);
        this.glueLine = false;
      }
      this.lastUnspaced = unspaced && text !== "";
      return true;
    }
    return false;
  }

  /** A tbl table's lines, collected whole until `.TE`, then read as rows. */
  private inTable = false;
  private table: string[] = [];

  private textLine(raw: string, rendered = false): void {
    if (!rendered) this.lastUnspaced = false;
    const text = rendered ? raw : this.roff(raw);
    if (this.headingNext) {
      const level = this.headingNext;
      this.headingNext = 0;
      this.heading(level, text);
      return;
    }
    if (this.tagNext) {
      this.tagNext = false;
      if (this.type !== "list-item") this.flush();
      this.type = "list-item";
      this.append(text);
      this.text.add("\n");
      this.joinNext = true;
      return;
    }
    if (!rendered && raw.trim() === "") {
      // a blank line in fill mode ends the paragraph; in a code block it is kept
      if (this.mode === "fill") this.flush();
      else this.text.add("\n");
      return;
    }
    if (this.mode === "nofill") {
      this.type = "code";
      this.text.add((!this.text.empty && !this.joinNext ? "\n" : "") + text);
      this.joinNext = !rendered && joinsNext(raw);
      return;
    }
    // a line starting with a space starts a new line on the page
    if (!rendered && /^[ \t]/.test(raw) && !this.text.empty && !this.text.endsWithNewline) this.text.add("\n");
    const glued = this.joinNext || this.glueLine;
    if (glued || this.text.empty || this.text.endsWithNewline) this.text.add(rendered ? text : text.replace(/^[ \t]+/, ""));
    else this.text.add(` ${text.trim()}`);
    this.joinNext = !rendered && joinsNext(raw);
  }

  private endTable(): void {
    if (!this.inTable) return;
    this.inTable = false;
    for (const row of tableRows(this.table, (cell) => this.roff(cell))) this.blocks.push({type: "table-row", text: row, headingPath: this.headings.current()});
    this.table = [];
  }

  private heading(level: number, title: string): void {
    this.flush();
    const text = title.replace(/\s+/g, " ").trim();
    if (!text) return;
    this.blocks.push({type: "heading", text, level, headingPath: this.headings.enter(level, text)});
  }

  private append(text: string): void {
    if (!text) return;
    if (this.joinNext || this.text.empty || this.text.endsWithNewline) this.text.add(text);
    else this.text.add(` ${text}`);
    this.joinNext = false;
  }

  private appendGlued(text: string): void {
    this.text.add(text);
  }

  private flush(): void {
    const text = this.text.take().replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
    if (text) {
      if (!this.nameLine && /^name$/i.test(this.headings.current()[0] ?? "")) this.nameLine = text;
      const type = this.type === "code" || this.mode === "nofill" ? "code" : this.type;
      this.blocks.push({type, text: type === "code" ? text : text.replace(/[ \t]{2,}/g, " "), headingPath: this.headings.current()});
    }
    this.type = "paragraph";
    this.joinNext = false;
    this.tagNext = false;
  }

  private roff(text: string): string {
    return roffText(text, this.strings);
  }
}

/** The block being written, added to piece by piece and joined once: a page may run one paragraph to megabytes. */
class BlockText {
  private pieces: string[] = [];
  private last = "";
  private newlines = 0;
  length = 0;

  get empty(): boolean {
    return this.length === 0;
  }

  get endsWithNewline(): boolean {
    return this.last === "\n";
  }

  get singleLine(): boolean {
    return this.newlines === 0;
  }

  add(text: string): void {
    if (!text) return;
    this.pieces.push(text);
    this.length += text.length;
    if (text.includes("\n")) this.newlines++;
    this.last = text[text.length - 1];
  }

  /** The text so far; the buffer starts again empty. */
  take(): string {
    const text = this.pieces.join("");
    this.pieces = [];
    this.last = "";
    this.newlines = 0;
    this.length = 0;
    return text;
  }
}

/** mdoc column lists separate cells with `Ta` (or a tab inside an argument). */
function splitCells(args: string[]): string[][] {
  const cells: string[][] = [[]];
  for (const arg of args) {
    const parts = arg.split("\t");
    parts.forEach((part, index) => {
      if (index > 0) cells.push([]);
      if (part === "Ta") cells.push([]);
      else if (part) cells[cells.length - 1].push(part);
    });
  }
  return cells.filter((cell) => cell.length > 0);
}
