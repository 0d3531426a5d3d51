import {Lexer, type MarkedToken, type Token, type Tokens} from "marked";
import {decodeText} from "./decode-text.js";
import {titleFromFileName} from "./file-name.js";
import {HeadingPath} from "./heading-path.js";
import {rowText} from "./html-to-blocks.js";
import type {FileLimits} from "./file-limits.js";
import {MIME} from "./mime.js";
import {directiveContent, directiveOf, mystToMarkdown} from "./markdown/myst.js";
import {htmlFragmentText} from "./html-fragment-text.js";
import {checkMarkdownDepth, checkMarkupDepth} from "./nesting-guard.js";
import {directiveReading} from "./rst/directive-names.js";
import {collapseWhitespace, decodeEntities, tidyCode, tidyLines} from "./text-cleanup.js";
import type {Block, BlockType, ParsedDocument} from "./types.js";

/**
 * Markdown runbooks through marked's lexer (tokens, never rendered HTML): headings build the path,
 * tables become one block per row with the column names, code keeps its layout.
 */

export async function parseMarkdown(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const {body, title: frontMatterTitle} = splitFrontMatter(decoded.text.replace(/^\ufeff/, ""));
  checkMarkdownDepth(body, limits);
  checkMarkupDepth(body, limits, "Markdown file");
  const walker = new MarkdownWalker();
  walker.walk(Lexer.lex(mystToMarkdown(body), {gfm: true}));
  const firstH1 = walker.blocks.find((block) => block.type === "heading" && block.level === 1)?.text;
  return {
    title: frontMatterTitle || firstH1 || titleFromFileName(fileName),
    kind: "markdown",
    mime: MIME.markdown,
    blocks: walker.blocks,
    meta: {encoding: decoded.encoding},
    warnings: decoded.warnings,
  };
}

/** YAML front matter (static-site and wiki exports) is metadata; only its title is worth keeping. */
function splitFrontMatter(text: string): {body: string; title: string} {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(---|\.\.\.)[ \t]*(\r?\n|$)/.exec(text);
  if (!match) return {body: text, title: ""};
  const title = /^title:[ \t]*(.+)$/m.exec(match[1])?.[1]?.trim().replace(/^(["'])(.*)\1$/, "$2") ?? "";
  return {body: text.slice(match[0].length), title};
}

/** MyST directives read inside one another this deep; deeper content is kept as plain text. */
const MAX_DIRECTIVE_NESTING = 8;

class MarkdownWalker {
  readonly blocks: Block[] = [];
  private depth = 0;
  private readonly headings = new HeadingPath();

  walk(tokens: Token[]): void {
    for (const token of tokens) this.walkToken(token as MarkedToken);
  }

  private walkToken(token: MarkedToken): void {
    switch (token.type) {
      case "heading": {
        const title = collapseWhitespace(inlineText(token.tokens));
        if (title) this.blocks.push({type: "heading", text: title, level: token.depth, headingPath: this.headings.enter(token.depth, title)});
        break;
      }
      case "paragraph":
      case "text":
        this.push("paragraph", tidyLines(token.tokens ? inlineText(token.tokens) : decodeEntities(token.text)));
        break;
      case "list":
        this.walkList(token);
        break;
      case "table":
        this.walkTable(token);
        break;
      case "code": {
        const directive = directiveOf(token.lang);
        if (directive) this.walkDirective(directive.name, directive.argument, token.text);
        else this.push("code", tidyCode(token.text));
        break;
      }
      case "blockquote":
        this.walk(token.tokens);
        break;
      case "html":
        this.push("paragraph", tidyLines(htmlFragmentText(token.text)));
        break;
      default:
        // space, hr and link definitions carry no readable text
        break;
    }
  }

  /** A MyST directive, by what a reader sees of it (as reStructuredText's, see rst/directive-names.ts). */
  private walkDirective(fullName: string, argument: string, text: string): void {
    const reading = directiveReading(fullName, argument);
    if (reading.kind === "dropped") return;
    const {content} = directiveContent(text);
    if (reading.kind === "code") {
      this.push("code", tidyCode(content));
      return;
    }
    if (this.depth >= MAX_DIRECTIVE_NESTING) {
      this.push("paragraph", tidyLines(content));
      return;
    }
    const start = this.blocks.length;
    if (reading.kind === "other" && argument) this.push("paragraph", collapseWhitespace(argument));
    this.depth++;
    this.walk(Lexer.lex(reading.lead ? `${reading.lead}\n\n${content}` : content, {gfm: true}));
    this.depth--;
    if (reading.kind !== "box") return;
    let first = start;
    while (first < this.blocks.length && this.blocks[first].type !== "paragraph") first++;
    if (first < this.blocks.length) this.blocks[first] = {...this.blocks[first], text: `${reading.label}: ${this.blocks[first].text}`};
    else this.blocks.splice(start, 0, {type: "paragraph", text: `${reading.label}:`, headingPath: this.headings.current()});
  }

  private walkList(list: Tokens.List): void {
    const start = typeof list.start === "number" ? list.start : 1;
    list.items.forEach((item, index) => {
      const own: string[] = [];
      const nested: MarkedToken[] = [];
      for (const child of item.tokens as MarkedToken[]) {
        if (child.type === "text" || child.type === "paragraph") own.push(child.tokens ? inlineText(child.tokens) : decodeEntities(child.text));
        else if (child.type !== "space" && child.type !== "checkbox") nested.push(child);
      }
      const checkbox = item.task ? (item.checked ? "[x] " : "[ ] ") : "";
      const marker = list.ordered ? `${start + index}. ` : "";
      const text = tidyLines(own.join("\n"));
      if (text) this.push("list-item", marker + checkbox + text);
      for (const child of nested) this.walkToken(child);
    });
  }

  private walkTable(table: Tokens.Table): void {
    const headers = table.header.map((cell, i) => collapseWhitespace(inlineText(cell.tokens)) || `Column ${i + 1}`);
    const named = table.header.some((cell) => cell.text.trim());
    for (const row of table.rows) {
      const cells = row.map((cell) => collapseWhitespace(inlineText(cell.tokens)));
      this.push("table-row", rowText(cells, named ? headers : null));
    }
  }

  private push(type: BlockType, text: string): void {
    if (text.trim()) this.blocks.push({type, text, headingPath: this.headings.current()});
  }
}

/** Plain text of inline tokens: emphasis dropped, links as "text (address)" so URLs stay searchable. */
function inlineText(tokens: Token[] | undefined): string {
  if (!tokens) return "";
  let out = "";
  for (const token of tokens as MarkedToken[]) {
    switch (token.type) {
      case "text":
        // A soft line break in Markdown is a space; only <br> or two trailing spaces end a line.
        out += token.tokens ? inlineText(token.tokens) : decodeEntities(token.text).replace(/\n/g, " ");
        break;
      case "escape":
      case "codespan":
        out += decodeEntities(token.text);
        break;
      case "strong":
      case "em":
      case "del":
        out += inlineText(token.tokens);
        break;
      case "link": {
        const label = inlineText(token.tokens);
        const showHref = token.href && !token.href.startsWith("#") && token.href !== label && `mailto:${label}` !== token.href;
        out += showHref ? `${label} (${token.href})` : label;
        break;
      }
      case "image":
        out += token.text;
        break;
      case "br":
        out += "\n";
        break;
      default:
        // inline HTML tags and checkboxes add no words
        break;
    }
  }
  return out;
}

