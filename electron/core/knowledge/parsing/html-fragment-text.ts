import {decodeEntities} from "./text-cleanup.js";

/**
 * The text of an HTML fragment without a DOM: HTML inside Markdown, HTML inside a JSON string. Scripts,
 * styles and comments go, the end of a paragraph, list item, row, heading or a line break becomes
 * `blockBreak`, any other tag a space, and entities are decoded. Each step is one pass over the text
 * (regular expressions with a lazy or open-ended part rescan the rest of the text at every `<` that
 * never closes, which a hostile file can make quadratic).
 */
export function htmlFragmentText(html: string, options: {blockBreak?: string; blockEnd?: RegExp} = {}): string {
  const {blockBreak = "\n", blockEnd = BLOCK_END} = options;
  return decodeEntities(withoutTags(withoutComments(withoutScripts(html)).replace(blockEnd, blockBreak)));
}

/** Line breaks and the ends of paragraphs, divisions, list items, table rows and headings. */
const BLOCK_END = /<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi;

/** `<script …</script>` and `<style …</style>` (matching case-insensitively) become a space. */
function withoutScripts(html: string): string {
  const lower = html.toLowerCase();
  let out = "";
  let from = 0;
  // Where the next opening of each element is, or -1 once none can close any more.
  const next = {script: lower.indexOf("<script"), style: lower.indexOf("<style")};
  for (;;) {
    const name = next.script !== -1 && (next.style === -1 || next.script <= next.style) ? "script" : next.style !== -1 ? "style" : null;
    if (!name) return out + html.slice(from);
    const open = next[name];
    const close = lower.indexOf(`</${name}>`, open + name.length + 1);
    if (close === -1) {
      next[name] = -1;
      continue;
    }
    out += html.slice(from, open) + " ";
    from = close + name.length + 3;
    for (const other of ["script", "style"] as const) if (next[other] !== -1 && next[other] < from) next[other] = lower.indexOf(`<${other}`, from);
  }
}

/** `<!-- … -->` becomes a space; one that never closes is left for the tag step, as no later one can close either. */
function withoutComments(html: string): string {
  return spansToSpace(html, "<!--", "-->", 0);
}

/** `<` followed by at least one character and then `>` becomes a space ("<>" is not a tag). */
function withoutTags(html: string): string {
  return spansToSpace(html, "<", ">", 1);
}

/**
 * Each span from `open` to the next `close` with at least `minInside` characters between them becomes
 * a space, in one pass. A span too short to count is left and the search goes on from the character
 * after its `open`; at the first `open` with no `close` after it, no later one can close either.
 */
function spansToSpace(text: string, open: string, close: string, minInside: number): string {
  let out = "";
  let from = 0;
  for (let start = text.indexOf(open, from); start !== -1; start = text.indexOf(open, from)) {
    const inside = start + open.length;
    const end = text.indexOf(close, inside);
    if (end === -1) break;
    if (end - inside < minInside) {
      out += text.slice(from, start + 1);
      from = start + 1;
      continue;
    }
    out += text.slice(from, start) + " ";
    from = end + close.length;
  }
  return out + text.slice(from);
}
