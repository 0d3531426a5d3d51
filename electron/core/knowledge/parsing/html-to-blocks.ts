import {HeadingPath} from "./heading-path.js";
import {collapseWhitespace, tidyCode} from "./text-cleanup.js";
import type {Block, BlockType} from "./types.js";

/**
 * Walks an HTML tree (a web page's main content, or the HTML mammoth makes from a .docx) and emits
 * the blocks a reader perceives: headings, paragraphs, list items, table rows, code.
 */

export interface HtmlBlockOptions {
  /** Word tables rarely mark their header row; treat the first row as the header when none is marked. */
  firstRowIsHeader?: boolean;
}

/** Never content: code, styling, embedded media, form controls. */
const SKIPPED = new Set([
  "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "canvas", "iframe", "object", "embed",
  "video", "audio", "picture", "img", "button", "select", "input", "textarea", "map",
]);

/** Elements that start a new block; anything else is inline and joins the surrounding text. */
const BLOCK_ELEMENTS = new Set([
  "address", "article", "aside", "blockquote", "body", "center", "details", "dialog", "dd", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main",
  "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul",
  "menu", "html",
]);

/**
 * Class names of callout boxes ("Note", "Warning"). DocBook puts an <h3 class="title">Note</h3> in
 * each, which would otherwise replace the section's own heading for everything after the box.
 */
const CALLOUT_CLASSES = new Set(["note", "tip", "warning", "caution", "important", "admonition", "admonitionblock", "callout", "sidebar"]);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
/** Stands in for <br> while whitespace is collapsed; becomes a newline afterwards. */
const LINE_BREAK = "\u0000";

export function blocksFromHtml(root: Element, options: HtmlBlockOptions = {}): Block[] {
  const walker = new HtmlBlockWalker(options);
  walker.walkChildren(root);
  walker.flushInline();
  return walker.blocks;
}

class HtmlBlockWalker {
  readonly blocks: Block[] = [];
  private readonly headings = new HeadingPath();
  private inline: string[] = [];
  private calloutDepth = 0;

  constructor(private readonly options: HtmlBlockOptions) {}

  walkChildren(parent: Element): void {
    for (const node of Array.from(parent.childNodes)) {
      if (node.nodeType === TEXT_NODE) this.inline.push(node.textContent ?? "");
      else if (node.nodeType === ELEMENT_NODE) this.walkElement(node as Element);
    }
  }

  flushInline(): void {
    const text = finishInline(this.inline.join(""));
    this.inline = [];
    if (text) this.push("paragraph", text);
  }

  private walkElement(element: Element): void {
    const tag = element.localName;
    if (SKIPPED.has(tag) || isHidden(element)) return;
    if (tag === "br") {
      this.inline.push(LINE_BREAK);
      return;
    }
    if (!BLOCK_ELEMENTS.has(tag) && !containsBlock(element)) {
      this.inline.push(inlineText(element, false));
      return;
    }
    this.flushInline();
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      const title = collapseWhitespace(finishInline(inlineText(element, false)));
      // A callout's heading sits under the section it is in, whatever level the page gave it.
      const level = this.calloutDepth > 0 ? Number.MAX_SAFE_INTEGER : Number(heading[1]);
      if (title) this.blocks.push({type: "heading", text: title, level: Number(heading[1]), headingPath: this.headings.enter(level, title)});
    } else if (tag === "p" || tag === "dt" || tag === "summary" || tag === "figcaption" || tag === "caption") {
      this.push("paragraph", finishInline(inlineText(element, false)));
    } else if (tag === "ul" || tag === "ol" || tag === "menu") {
      this.walkList(element);
    } else if (tag === "li") {
      this.walkListItem(element, "");
    } else if (tag === "table") {
      this.walkTable(element);
    } else if (tag === "pre") {
      this.push("code", tidyCode(element.textContent ?? ""));
    } else if (tag === "hr") {
      // a visual divider carries no text
    } else if (isCallout(element)) {
      // Headings inside a callout name the callout only: the section around it goes on after it.
      const outside = this.headings.save();
      this.calloutDepth++;
      this.walkChildren(element);
      this.flushInline();
      this.calloutDepth--;
      this.headings.restore(outside);
    } else {
      this.walkChildren(element);
      this.flushInline();
    }
  }

  private walkList(list: Element): void {
    const ordered = list.localName === "ol";
    let number = ordered ? Number.parseInt(list.getAttribute("start") ?? "1", 10) || 1 : 0;
    for (const child of Array.from(list.children)) {
      if (child.localName === "li") {
        this.walkListItem(child, ordered ? `${number}. ` : "");
        number++;
      } else {
        this.walkElement(child);
      }
    }
  }

  /** The item's own text first, then its nested lists and code as blocks of their own. */
  private walkListItem(item: Element, marker: string): void {
    const nested: Element[] = [];
    const parts: string[] = [];
    for (const node of Array.from(item.childNodes)) {
      if (node.nodeType === TEXT_NODE) parts.push(node.textContent ?? "");
      else if (node.nodeType === ELEMENT_NODE) {
        const element = node as Element;
        if (["ul", "ol", "menu", "pre", "table"].includes(element.localName)) nested.push(element);
        else if (BLOCK_ELEMENTS.has(element.localName)) parts.push(" ", inlineText(element, true), " ");
        else if (!SKIPPED.has(element.localName)) parts.push(element.localName === "br" ? LINE_BREAK : inlineText(element, true));
      }
    }
    const text = finishInline(parts.join(""));
    if (text) this.push("list-item", marker + text);
    for (const element of nested) this.walkElement(element);
  }

  private walkTable(table: Element): void {
    const rows = tableRows(table);
    const caption = table.querySelector(":scope > caption");
    if (caption) this.push("paragraph", finishInline(inlineText(caption, false)));
    const cellTexts = rows.map((row) => Array.from(row.children).filter((cell) => cell.localName === "td" || cell.localName === "th").map((cell) => collapseWhitespace(finishInline(inlineText(cell, true)))));
    const width = Math.max(0, ...cellTexts.map((cells) => cells.length));
    if (width === 0) return;
    // A one-column table is a box around text (a "Note" callout), not data.
    if (width === 1) {
      for (const [cell] of cellTexts) if (cell) this.push("paragraph", cell);
      return;
    }
    let headers: string[] | null = null;
    rows.forEach((row, index) => {
      const cells = cellTexts[index];
      if (cells.every((cell) => !cell)) return;
      const isHeaderRow =
        headers === null &&
        (row.parentElement?.localName === "thead" ||
          Array.from(row.children).every((cell) => cell.localName === "th") ||
          (this.options.firstRowIsHeader === true && index === 0 && rows.length > 1 && cells.every((cell) => cell.length > 0 && cell.length <= 80)));
      if (isHeaderRow) {
        headers = cells.map((cell, i) => cell || `Column ${i + 1}`);
        return;
      }
      this.push("table-row", rowText(cells, headers));
    });
  }

  private push(type: BlockType, text: string): void {
    if (text.trim()) this.blocks.push({type, text, headingPath: this.headings.current()});
  }
}

/** Rows of this table only, not of tables nested in its cells. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of Array.from(table.children)) {
    if (child.localName === "tr") rows.push(child);
    else if (["thead", "tbody", "tfoot"].includes(child.localName)) for (const row of Array.from(child.children)) if (row.localName === "tr") rows.push(row);
  }
  return rows;
}

/** "Header: value; Header: value", so a row found alone by search still says what each value means. */
export function rowText(cells: string[], headers: string[] | null): string {
  if (!headers) return cells.filter((cell) => cell).join(" | ");
  return cells
    .map((cell, i) => (cell ? `${headers[i] ?? `Column ${i + 1}`}: ${cell}` : ""))
    .filter((part) => part)
    .join("; ");
}

function isCallout(element: Element): boolean {
  if (element.getAttribute("role") === "note") return true;
  for (const name of Array.from(element.classList)) if (CALLOUT_CLASSES.has(name.toLowerCase())) return true;
  return false;
}

function isHidden(element: Element): boolean {
  if (element.hasAttribute("hidden") || element.getAttribute("aria-hidden") === "true") return true;
  return /display\s*:\s*none|visibility\s*:\s*hidden/i.test(element.getAttribute("style") ?? "");
}

function containsBlock(element: Element): boolean {
  for (const child of Array.from(element.children)) {
    if (BLOCK_ELEMENTS.has(child.localName) || containsBlock(child)) return true;
  }
  return false;
}

/**
 * Text of an element as one flow; <br> becomes a line break. With separateBlocks, nested block
 * elements (paragraphs in a table cell or list item) are kept apart by spaces.
 */
function inlineText(element: Element, separateBlocks: boolean): string {
  const parts: string[] = [];
  const visit = (node: Node): void => {
    if (node.nodeType === TEXT_NODE) {
      parts.push(node.textContent ?? "");
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const el = node as Element;
    if (SKIPPED.has(el.localName) || isHidden(el)) return;
    if (el.localName === "br") {
      parts.push(LINE_BREAK);
      return;
    }
    const separate = separateBlocks && BLOCK_ELEMENTS.has(el.localName);
    if (separate) parts.push(" ");
    for (const child of Array.from(el.childNodes)) visit(child);
    if (separate) parts.push(" ");
  };
  for (const child of Array.from(element.childNodes)) visit(child);
  return parts.join("");
}

function finishInline(raw: string): string {
  return raw
    .split(LINE_BREAK)
    .map((line) => collapseWhitespace(line))
    .filter((line) => line)
    .join("\n");
}
