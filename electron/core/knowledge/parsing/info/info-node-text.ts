import {collapseWhitespace} from "../text-cleanup.js";
import type {BlockType} from "../types.js";

/**
 * One Info node's text as a reader sees it in `info`: headings from their underlines, an option
 * table's tags and description as one list item, bullets as list items, examples as code, and
 * without the navigation (menus, the footnotes rule). Info files are formatted text, so structure
 * comes from indentation, as makeinfo lays it out: body paragraphs at the margin (the first line
 * of later ones indented 3), a table's description or a list's text 5 columns in from its tag or
 * bullet, examples 5 columns in from the text around them.
 */

export interface NodeBlock {
  type: BlockType;
  text: string;
  /** For headings: 1 chapter (or the manual's top), 2 section, 3 subsection, 4 subsubsection. */
  level?: number;
}

/** The underline characters makeinfo gives each level of heading. */
const HEADING_LEVELS: Record<string, number> = {"*": 1, "=": 2, "-": 3, ".": 4};
const UNDERLINE = /^([*=\-.])\1+$/;
const MENU_START = /^\* Menu:/;
const FOOTNOTES_RULE = /^ *-{5,} Footnotes -{5,} *$/;
/** A bullet or a number that starts a list item, and the space after it. */
const LIST_MARKER = /^(?:[•*\u2013-]|\d{1,3}[.)]|[a-zA-Z][.)]) +/;
/** An item's tag lines: few and short (`‘-a’`, `‘--all’`, ` -- Command: ls`). */
const MAX_TAG_LINES = 8;
const MAX_TAG_LENGTH = 160;
const MAX_NESTING = 12;
/** How a sentence ends, closing quotes and brackets included. */
const SENTENCE_END = /[.!?:]["')\u2019]?$/;

export function nodeBlocks(lines: readonly string[]): NodeBlock[] {
  const blocks: NodeBlock[] = [];
  // Indents of the text that items opened (a table's description, a list's text), innermost last.
  const levels = [0];
  let inMenu = false;
  for (const group of paragraphs(lines)) {
    const heading = headingOf(group);
    if (heading) {
      inMenu = false;
      levels.splice(1);
      blocks.push({type: "heading", text: heading.text, level: heading.level});
      continue;
    }
    const menuAt = group.findIndex((line) => MENU_START.test(line));
    // A menu runs to the end of its node (or the next heading): it lists the nodes below, or the
    // index entries of an index node, and says nothing the nodes do not.
    if (inMenu) continue;
    if (menuAt >= 0) inMenu = true;
    const text = menuAt >= 0 ? group.slice(0, menuAt) : group;
    if (text.length > 0) blocks.push(...groupBlocks(text, levels));
  }
  return blocks;
}

/** Runs of non-blank lines, without the footnotes rule. */
function* paragraphs(lines: readonly string[]): Generator<string[]> {
  let group: string[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line === "" || FOOTNOTES_RULE.test(line)) {
      if (group.length > 0) yield group;
      group = [];
    } else {
      group.push(line.replace(/\t/g, "        "));
    }
  }
  if (group.length > 0) yield group;
}

/** A title at the margin over a rule of one underline character about as long as the title. */
function headingOf(group: string[]): {text: string; level: number} | null {
  if (group.length !== 2 || indentOf(group[0]) > 0) return null;
  const rule = UNDERLINE.exec(group[1]);
  if (!rule) return null;
  const title = group[0].trim();
  if (Math.abs([...title].length - group[1].length) > 2) return null;
  return {text: title, level: HEADING_LEVELS[rule[1]]};
}

function groupBlocks(group: string[], levels: number[]): NodeBlock[] {
  const first = indentOf(group[0]);
  while (levels.length > 1 && levels[levels.length - 1] > first) levels.pop();
  const context = levels[levels.length - 1];
  if (first >= context + 4) return [indented(group, true)];
  // At an item's description indent, text may be its next paragraph or, once the table has ended
  // without a change of indent to tell, an example.
  return layout(group, levels, context > 0 ? "either" : "text");
}

/** What lines at a run's margin are: text, an example (set in under prose), or either (at a description's indent). */
type Margin = "text" | "example" | "either";

/**
 * A run of lines at the text's margin, then perhaps lines at least 4 columns further in, and so on
 * (makeinfo leaves no blank line between a table's tag and its description, nor always before an
 * example inside one). Lines at the margin that read as tags (`‘-n’`, `‘--quiet’`, ` -- Command:
 * ls`) make one list item with the deeper lines under them; deeper lines under prose are an example.
 */
function layout(group: string[], levels: number[], margin: Margin = "text", depth = 0): NodeBlock[] {
  const first = indentOf(group[0]);
  // Real tables nest a few deep; a staircase of indents thousands deep is read as one example.
  if (depth > MAX_NESTING) return [indented(group, true)];
  const blocks: NodeBlock[] = [];
  let index = 0;
  while (index < group.length) {
    const start = index;
    const shallowEnd = runEnd(group, index, (line) => indentOf(line) < first + 4);
    const shallow = group.slice(index, shallowEnd);
    const deepEnd = runEnd(group, shallowEnd, (line) => indentOf(line) >= first + 4);
    const deep = group.slice(shallowEnd, deepEnd);
    index = deepEnd;
    // A list set in under a paragraph's last line, with no blank line between: its items' wrapped
    // lines sit deeper than the paragraph's margin, so the list is read from its own.
    const listAt = shallow.findIndex((line, at) => at > 0 && indentOf(line) > first && LIST_MARKER.test(line.trimStart()));
    if (listAt > 0 && !LIST_MARKER.test(shallow[0].trimStart())) {
      blocks.push({type: "paragraph", text: prose(shallow.slice(0, listAt))});
      blocks.push(...layout(group.slice(start + listAt), levels, margin, depth + 1));
      break;
    }
    if (shallow.length === 0) {
      blocks.push(indented(deep, true));
      continue;
    }
    if (LIST_MARKER.test(shallow[0].trimStart())) {
      blocks.push(...listItems(shallow, first, levels));
      if (deep.length > 0) blocks.push(indented(deep, true));
      continue;
    }
    const tags = deep.length > 0 ? trailingTags(shallow) : 0;
    if (tags === 0) {
      blocks.push(margin === "text" ? {type: "paragraph", text: prose(shallow)} : indented(shallow, margin === "example"));
      if (deep.length > 0) blocks.push(...layout(deep, [indentOf(deep[0])], "example", depth + 1));
      continue;
    }
    if (tags < shallow.length) blocks.push({type: "paragraph", text: prose(shallow.slice(0, shallow.length - tags))});
    const tagText = shallow.slice(shallow.length - tags).map((line) => line.trim().replace(/^-- +/, "")).join(", ");
    // The description's first paragraph goes with its tags; examples and nested items under it follow.
    const description = layout(deep, [indentOf(deep[0])], "text", depth + 1);
    const lead = description[0]?.type === "paragraph" ? description.shift()!.text : "";
    blocks.push({type: "list-item", text: lead ? `${tagText}\n${lead}` : tagText}, ...description);
    // The next paragraphs at the description's indent belong to this item.
    if (index >= group.length) levels.push(indentOf(deep[0]));
  }
  return blocks;
}

function runEnd(lines: string[], from: number, belongs: (line: string) => boolean): number {
  let end = from;
  while (end < lines.length && belongs(lines[end])) end++;
  return end;
}

/** How many of the last lines are an item's tags: quoted, a definition (`-- `), or a short label; never prose. */
function trailingTags(lines: string[]): number {
  let count = 0;
  while (count < lines.length && count < MAX_TAG_LINES && looksLikeTag(lines[lines.length - 1 - count])) count++;
  return count;
}

function looksLikeTag(line: string): boolean {
  const text = line.trim();
  if (text.length > MAX_TAG_LENGTH) return false;
  if (/^([\u2018'"`]|-- )/.test(text)) return true;
  return text.length <= 60 && !/[.,;:!?]$/.test(text);
}

/**
 * Lines set in from the text around them (`deeper`): an example, or a quotation or display that
 * reads as prose. Lines at a description's indent are a paragraph if they read as prose or end as
 * a sentence.
 */
function indented(lines: string[], deeper: boolean): NodeBlock {
  const base = smallestIndent(lines);
  const text = lines.map((line) => line.trim()).join(" ");
  const sentence = !deeper && SENTENCE_END.test(text) && lines.every((line) => indentOf(line) <= base + 3);
  return looksLikeProse(lines) || sentence ? {type: "paragraph", text: prose(lines)} : {type: "code", text: code(lines, base)};
}

/** Bullets or numbers at the group's first indent start items; the lines under each go with it. */
function listItems(group: string[], first: number, levels: number[]): NodeBlock[] {
  const items: string[][] = [];
  for (const line of group) {
    const startsItem = indentOf(line) === first && LIST_MARKER.test(line.trimStart());
    if (startsItem || items.length === 0) items.push([]);
    items[items.length - 1].push(line);
  }
  const marker = LIST_MARKER.exec(group[0].trimStart())?.[0].length ?? 2;
  levels.push(first + marker);
  return items.map((item) => ({type: "list-item" as const, text: prose([item[0].trimStart().replace(LIST_MARKER, ""), ...item.slice(1)])}));
}

/** Lines joined into running text, with Info's cross-reference syntax read out. */
function prose(lines: string[]): string {
  return readCrossReferences(collapseWhitespace(lines.join(" ")));
}

/** An example keeps its lines and its indentation inside, less the indent it sits at. */
function code(lines: string[], base: number): string {
  return lines.map((line) => line.slice(base)).join("\n");
}

/**
 * `*note Label: Node.` and `*Note Node::` (makeinfo's rendering of @xref, @pxref and @ref, perhaps
 * naming another manual as `(coreutils)ls invocation`) read as "see Label" and "See Node". Bounded,
 * so that a file of unfinished references cannot make this quadratic.
 */
function readCrossReferences(text: string): string {
  return text
    .replace(/\*(N|n)ote +([^:*]{1,200}?)::/g, (_all, n: string, node: string) => `${n === "N" ? "See" : "see"} ${node}`)
    .replace(/\*(N|n)ote +([^:*]{1,200}?): +(\([^)\s]{1,100}\))?[^.,:*]{1,200}?([.,])/g, (_all, n: string, label: string, _manual, end: string) =>
      `${n === "N" ? "See" : "see"} ${label}${end === "," ? "," : ""}`,
    );
}

function smallestIndent(lines: readonly string[]): number {
  let smallest = Infinity;
  for (const line of lines) smallest = Math.min(smallest, indentOf(line));
  return smallest;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Prose, not an example: mostly words, sentences, ending as a sentence does. */
function looksLikeProse(lines: string[]): boolean {
  const text = lines.map((line) => line.trim()).join(" ");
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length < 8 || !SENTENCE_END.test(text)) return false;
  const plain = words.filter((word) => /^[("\u2018]?[\p{L}][\p{L}'\u2019-]*[)"\u2019]?[.,;:!?]?[)"\u2019]?$/u.test(word)).length;
  return plain / words.length >= 0.8;
}
