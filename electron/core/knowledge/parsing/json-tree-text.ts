import {HeadingPath} from "./heading-path.js";
import {htmlFragmentText} from "./html-fragment-text.js";
import {collapseWhitespace} from "./text-cleanup.js";
import type {Block} from "./types.js";

/**
 * A JSON file that is one nested document rather than a list of records: an API reference such as
 * Node.js's `all.json` (modules, classes and methods, each with a `textRaw` name and an HTML `desc`),
 * or a schema with descriptions. Read as records it has no text of its own; read as a tree, each
 * object with a name is a section and its prose is the text under it.
 */

/** Keys that name the object they are in, in order of preference. */
const NAME_KEYS = ["title", "textRaw", "name", "heading", "label", "summary"];
/** A name longer than this is prose, not a name. */
const MAX_NAME_CHARS = 200;
/** Strings with fewer words are values ("misc", "v0.10.0", a URL), not text to search. */
const MIN_PROSE_WORDS = 3;
/** Where a reference's HTML prose breaks into paragraphs: also after code, tables, quotes and definitions. */
const PROSE_BLOCK_END = /<\/(p|li|pre|h[1-6]|div|tr|table|blockquote|dd|dt)>|<br\s*\/?>/gi;

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

export function treeBlocks(root: unknown): Block[] {
  const blocks: Block[] = [];
  const headings = new HeadingPath();
  // Depth-first in document order, without recursion (nesting can be deep): [value, named ancestors].
  const pending: [Json, number][] = [[root as Json, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, level] = next;
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([value[i], level]);
      continue;
    }
    const name = nameOf(value);
    const inner = name ? level + 1 : level;
    if (name) blocks.push({type: "heading", text: name, level: Math.min(inner, 6), headingPath: headings.enter(Math.min(inner, 6), name)});
    // The object's own text first, then what is nested in it, so its text stays under its name.
    const children: Json[] = [];
    for (const field of Object.values(value)) {
      if (typeof field === "string") {
        if (name && field.trim() === name) continue;
        for (const paragraph of proseOf(field) ?? []) blocks.push({type: "paragraph", text: paragraph, headingPath: headings.current()});
      } else if (field !== null && typeof field === "object") {
        children.push(field);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push([children[i], inner]);
  }
  return blocks;
}

function nameOf(object: {[key: string]: Json}): string | null {
  for (const key of NAME_KEYS) {
    const value = object[key];
    if (typeof value === "string") {
      const name = collapseWhitespace(value);
      if (name && name.length <= MAX_NAME_CHARS) return name;
    }
  }
  return null;
}

/** A string's paragraphs, HTML read as text; null for a value too short to be prose. */
function proseOf(value: string): string[] | null {
  const html = /<(?:[a-z][^<>]*>|!--)/i.test(value);
  const text = html ? htmlFragmentText(value, {blockBreak: "\n\n", blockEnd: PROSE_BLOCK_END}) : value;
  const paragraphs = text
    .split(/\n\s*\n|\n(?=\s*[-*•] )/)
    .map((paragraph) => collapseWhitespace(paragraph))
    .filter(Boolean);
  const words = paragraphs.reduce((sum, paragraph) => sum + paragraph.split(" ").length, 0);
  return words >= MIN_PROSE_WORDS ? paragraphs : null;
}
