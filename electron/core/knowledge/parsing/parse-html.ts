import {Readability} from "@mozilla/readability";
import {decodeText} from "./decode-text.js";
import {parseHtmlDom} from "./dom.js";
import type {FileLimits} from "./file-limits.js";
import {titleFromFileName} from "./file-name.js";
import {blocksFromHtml} from "./html-to-blocks.js";
import {MIME} from "./mime.js";
import {checkMarkupDepth} from "./nesting-guard.js";
import {collapseWhitespace} from "./text-cleanup.js";
import type {ParsedDocument} from "./types.js";

/**
 * Saved web pages and exported wiki pages: only the article goes into the knowledge base. Menus,
 * cookie banners and footers would otherwise match every search about "login" or "password".
 */

/** Page chrome removed before Readability looks, and before the fallback uses the body. */
const CHROME = [
  "script", "style", "noscript", "template", "nav", "aside", "iframe", "form", "dialog",
  "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=complementary]", "[role=search]",
  "[hidden]", "[aria-hidden=true]",
  // The previous / up / next links above and below each page of a DocBook or Publican book.
  ".navheader", ".navfooter", ".docnav",
  // Footers as generators write them without <footer>: copyright, licence, "last updated",
  // "found a bug?" (Sphinx, AsciiDoc).
  "div.footer", "div#footer",
  // Permalink anchors that documentation generators put after each heading ("Trace logging¶").
  "a.headerlink", "a.header-anchor", "a.hash-link", "a.anchorjs-link", "a.heading-anchor",
  // "Skip to content" links for keyboard users.
  "a.skip-to-content", "a.skip-link", "a.skip-nav",
].join(",");

/**
 * Generated tables of contents and lists of tables or figures (DocBook, Asciidoctor, docutils): a
 * chapter page that opens with one would otherwise have a passage naming every section, which matches
 * any question about the chapter and answers none.
 */
const CONTENTS_LISTS = [
  ".toc", "#toc", ".table-of-contents", "#table-of-contents", "div.contents.topic",
  ".list-of-tables", ".list-of-figures", ".list-of-examples",
].join(",");

/**
 * Readability keeps one best-scoring subtree; on pages made of many short sections it can keep a
 * sliver. When its article holds less than this share of the cleaned body text, the body is used.
 */
const MIN_ARTICLE_SHARE = 0.3;

/**
 * On a documentation page made of sibling sections (a man page's NAME, DESCRIPTION, OPTIONS and
 * EXAMPLES; a reference page's synopsis, parameters and notes) Readability can keep the longest
 * section alone. What it left out tells the two cases apart: page chrome it drops (a sidebar's
 * contents, "next topic", a site menu) is mostly links, a section is prose. When the text left out is
 * at least this share of the page, and less than MAX_CHROME_LINK_SHARE of it is link text, the body
 * is used.
 */
const MIN_LEFT_OUT_PROSE_SHARE = 0.1;
/** ...and at least this many characters: a left-out byline or date line is not a section. */
const MIN_LEFT_OUT_PROSE_CHARS = 200;
const MAX_CHROME_LINK_SHARE = 0.3;

/**
 * A page with more tags than this is a whole manual on one page (Node.js's `all.html`: 182,000),
 * not an article in page chrome: it is read whole, into a lighter tree, without Readability. With
 * jsdom and Readability (which works on a copy) that page needed 2.6 GB and 73 s, and failed at the
 * parser's memory limit. The largest other page among 6,500 in /usr/share/doc has 29,646.
 */
const LARGE_PAGE_TAGS = 40_000;

export async function parseHtml(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  const decoded = decodeText(bytes, {declaredEncoding: declaredCharset(bytes)});
  checkMarkupDepth(decoded.text, limits, "web page");
  const large = countTags(decoded.text) > LARGE_PAGE_TAGS;
  const dom = parseHtmlDom(decoded.text, {light: large});
  try {
    const document = dom.document;
    removeChrome(document);
    const pageTitle = collapseWhitespace(document.title ?? "");

    let root: Element | null = document.body;
    let usedReadability = false;
    const article = large ? null : readArticle(document);
    if (article?.content) {
      // Measured only against an article: a large page (no Readability) would walk its whole body for nothing.
      const body = document.body ? textAndLinkLength(document.body) : {text: 0, links: 0};
      const container = document.createElement("div");
      container.innerHTML = article.content;
      const kept = textAndLinkLength(container);
      const leftOut = {text: body.text - kept.text, links: body.links - kept.links};
      const leftOutProse =
        leftOut.text >= MIN_LEFT_OUT_PROSE_CHARS && leftOut.text >= body.text * MIN_LEFT_OUT_PROSE_SHARE && leftOut.links < leftOut.text * MAX_CHROME_LINK_SHARE;
      if (kept.text > 0 && kept.text >= body.text * MIN_ARTICLE_SHARE && !leftOutProse) {
        root = container;
        usedReadability = true;
      }
    }
    const blocks = root ? blocksFromHtml(root) : [];
    const firstHeading = blocks.find((block) => block.type === "heading")?.text;
    return {
      title: pageTitle || collapseWhitespace(article?.title ?? "") || firstHeading || titleFromFileName(fileName),
      kind: "html",
      mime: MIME.html,
      blocks,
      meta: {encoding: decoded.encoding, mainContent: usedReadability ? "readability" : large ? "body (large page)" : "body"},
      warnings: decoded.warnings,
    };
  } finally {
    dom.close();
  }
}

/** Opening tags, counted without parsing: `<` followed by a letter. */
function countTags(html: string): number {
  let count = 0;
  for (let at = html.indexOf("<"); at !== -1; at = html.indexOf("<", at + 1)) {
    const next = html.charCodeAt(at + 1);
    if ((next >= 65 && next <= 90) || (next >= 97 && next <= 122)) count++;
  }
  return count;
}

/** Characters of text under an element, and how many of them are link text (whitespace collapsed). */
function textAndLinkLength(element: Element): {text: number; links: number} {
  let links = 0;
  for (const link of Array.from(element.querySelectorAll("a"))) links += collapseWhitespace(link.textContent ?? "").length;
  return {text: collapseWhitespace(element.textContent ?? "").length, links};
}

/** Readability on a copy (it rewrites the tree); a page that trips it simply has no article. */
function readArticle(document: Document): ReturnType<Readability["parse"]> {
  try {
    return new Readability(document.cloneNode(true) as Document, {charThreshold: 100, keepClasses: true}).parse();
  } catch {
    return null;
  }
}

/** What a permalink shows instead of words: "Log Rotation ¶" (Apache, Sphinx), "§", "#", a link symbol. */
const PERMALINK_MARK = /^(\u00b6|\u00a7|#|\u{1f517}|\u2693\ufe0e?)$/u;

function removeChrome(document: Document): void {
  for (const element of Array.from(document.querySelectorAll(CHROME))) element.remove();
  // Permalinks whose generator is not named above: a link to a place on the page that shows only a mark.
  for (const anchor of Array.from(document.querySelectorAll('a[href^="#"]'))) {
    if (PERMALINK_MARK.test(anchor.textContent?.trim() ?? "")) anchor.remove();
  }
  // A site's header and footer go; an article's own <header> (often holding its title) stays.
  for (const element of Array.from(document.querySelectorAll("header, footer"))) {
    if (!element.parentElement?.closest("main, article")) element.remove();
  }
  removeContentsLists(document);
}

/** Drops the contents lists, unless they are all the page has (a book's front page): then they are its text. */
function removeContentsLists(document: Document): void {
  const lists = Array.from(document.querySelectorAll(CONTENTS_LISTS)).filter((element) => !element.parentElement?.closest(CONTENTS_LISTS));
  if (lists.length === 0 || !document.body) return;
  const listed = lists.reduce((sum, element) => sum + collapseWhitespace(element.textContent ?? "").length, 0);
  const total = collapseWhitespace(document.body.textContent ?? "").length;
  // Text lengths overlap by the spaces collapsed at the joins; a little slack keeps that from mattering.
  if (total - listed > 20) for (const element of lists) element.remove();
}

/** <meta charset> or http-equiv content type, read from the ASCII-compatible first kilobytes. */
function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  const match = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  return match ? match[1] : null;
}
