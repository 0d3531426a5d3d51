import {fileTooComplex, formatCount, type FileLimits} from "./file-limits.js";

/**
 * Cheap depth checks that run before a library builds a tree: jsdom, marked and the walkers over
 * their output spend time (and recursion) in proportion to depth, and 100,000 nested elements take
 * them tens of seconds. Real pages and runbooks nest a few dozen levels at most.
 */

/** Elements that never hold others, and those whose end tag may be left out (a new one closes the last). */
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
const OPTIONAL_END = new Set(["p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "html", "head", "body"]);
const TAG_NAME = /^<(\/?)([a-zA-Z][\w:-]*)/;

/**
 * How deep the elements of an HTML or XML text nest, from its tags alone; stops counting past
 * `limit`. One pass: comments and script or style bodies are skipped with indexOf, so text full of
 * unclosed ones cannot make it quadratic.
 */
export function markupDepth(markup: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let at = markup.indexOf("<"); at >= 0; at = markup.indexOf("<", at + 1)) {
    if (markup.startsWith("<!--", at)) {
      const end = markup.indexOf("-->", at + 4);
      if (end < 0) break;
      at = end + 2;
      continue;
    }
    const tag = TAG_NAME.exec(markup.slice(at, at + 64));
    if (!tag) continue;
    const name = tag[2].toLowerCase();
    const close = markup.indexOf(">", at);
    if (close < 0) break;
    if (!tag[1] && (name === "script" || name === "style")) {
      const end = indexOfIgnoreCase(markup, `</${name}`, close);
      if (end < 0) break;
      at = end;
      continue;
    }
    // Anything up to this tag's ">" is its attributes (a "<" there opens nothing), so the scan
    // resumes after it: every character is looked at once.
    at = close;
    if (VOID.has(name) || OPTIONAL_END.has(name) || markup[close - 1] === "/") continue;
    if (tag[1]) depth = Math.max(0, depth - 1);
    else if (++depth > deepest) {
      deepest = depth;
      if (deepest > limit) break;
    }
  }
  return deepest;
}

function indexOfIgnoreCase(text: string, needle: string, from: number): number {
  const lower = text.indexOf(needle, from);
  const upper = text.indexOf(needle.toUpperCase(), from);
  return lower < 0 ? upper : upper < 0 ? lower : Math.min(lower, upper);
}

export function checkMarkupDepth(markup: string, limits: FileLimits, what: string): void {
  const depth = markupDepth(markup, limits.maxNestingDepth);
  if (depth > limits.maxNestingDepth) throw tooDeep(what, limits);
}

/** Block quotes (`> > >`) and list items, measured by their markers and indentation. */
export function checkMarkdownDepth(markdown: string, limits: FileLimits): void {
  const limit = limits.maxNestingDepth;
  for (const line of markdown.split("\n")) {
    // Cheap first: only a line that starts with a long run of markers or spaces can be that deep.
    if (line.length <= limit) continue;
    const quotes = /^(?:[ \t]*>)*/.exec(line)![0].replace(/[^>]/g, "").length;
    const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, "    ").length;
    if (quotes > limit || indent / 2 > limit) throw tooDeep("Markdown file", limits);
  }
}

function tooDeep(what: string, limits: FileLimits) {
  return fileTooComplex(`This ${what} nests more than ${formatCount(limits.maxNestingDepth)} levels deep, which no real document does; save it in a simpler form and import that.`, {
    maxNestingDepth: limits.maxNestingDepth,
  });
}
