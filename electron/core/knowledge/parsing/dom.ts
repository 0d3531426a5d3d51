// @ts-expect-error -- jsdom ships no type declarations and @types/jsdom is not a dependency; the
// small surface used here is described by JsdomApi below.
import * as jsdom from "jsdom";
import {parseHTML} from "linkedom";
import {parse, type DefaultTreeAdapterMap} from "parse5";

/** A parsed HTML document (scripts never run, nothing fetched) and a way to free it. */
export interface HtmlDom {
  document: Document;
  close(): void;
}

interface JsdomApi {
  JSDOM: new (html: string, options: {virtualConsole: unknown; contentType?: string}) => {window: {document: Document; close(): void}};
  VirtualConsole: new () => unknown;
}

const api = jsdom as unknown as JsdomApi;

/**
 * jsdom by default: the most faithful tree, which Readability is written against. `light` builds a
 * leaner tree for pages too large for jsdom: an 8.4 MB single-page manual (182,000 elements) took
 * 874 MB of heap and 8.7 s in jsdom, 376 MB and 2.4 s this way.
 */
export function parseHtmlDom(html: string, options: {light?: boolean} = {}): HtmlDom {
  if (options.light) return {document: lightDocument(html), close: () => undefined};
  // A console that forwards nowhere: broken CSS in a saved web page is not worth a log line.
  const dom = new api.JSDOM(html, {virtualConsole: new api.VirtualConsole(), contentType: "text/html"});
  return {document: dom.window.document, close: () => dom.window.close()};
}

type Parse5Node = DefaultTreeAdapterMap["node"];
type Parse5Parent = DefaultTreeAdapterMap["parentNode"];

/**
 * parse5 (the HTML standard's parsing rules, as jsdom uses them: implied end tags, misnested
 * markup) copied into a linkedom document (the DOM methods the readers use). linkedom's own parser
 * does not imply end tags: unclosed <li>s nested into one another, and one old page came out empty.
 */
function lightDocument(html: string): Document {
  const {document} = parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {document: Document};
  const root = parse(html);
  const page = root.childNodes.find((node): node is DefaultTreeAdapterMap["element"] => "tagName" in node && node.tagName === "html");
  const part = (name: string) => page?.childNodes.find((node): node is DefaultTreeAdapterMap["element"] => "tagName" in node && node.tagName === name);
  const head = part("head");
  const body = part("body");
  if (head) copyChildren(document, head, document.head);
  if (body) copyChildren(document, body, document.body);
  return document;
}

/** Copies element and text nodes (comments and doctypes are not text) without recursion: nesting can be deep. */
function copyChildren(document: Document, from: Parse5Parent, to: Node): void {
  const pending: [Parse5Parent, Node][] = [[from, to]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [source, target] = next;
    for (const child of source.childNodes as Parse5Node[]) {
      if (child.nodeName === "#text") {
        target.appendChild(document.createTextNode((child as DefaultTreeAdapterMap["textNode"]).value));
      } else if ("tagName" in child) {
        const element = document.createElement(child.tagName);
        for (const {name, value} of child.attrs) {
          try {
            element.setAttribute(name, value);
          } catch {
            // A name the DOM refuses ("1a", "<x"): the attribute carries no text, so it is dropped.
          }
        }
        target.appendChild(element);
        // A <template>'s children live in its content fragment.
        pending.push(["content" in child ? (child.content as Parse5Parent) : child, element]);
      }
    }
  }
}
