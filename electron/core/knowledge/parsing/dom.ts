// @ts-expect-error -- jsdom ships no type declarations and @types/jsdom is not a dependency; the
// small surface used here is described by JsdomApi below.
import * as jsdom from "jsdom";

/** A parsed HTML document (jsdom, scripts never run, nothing fetched) and a way to free it. */
export interface HtmlDom {
  document: Document;
  close(): void;
}

interface JsdomApi {
  JSDOM: new (html: string, options: {virtualConsole: unknown; contentType?: string}) => {window: {document: Document; close(): void}};
  VirtualConsole: new () => unknown;
}

const api = jsdom as unknown as JsdomApi;

export function parseHtmlDom(html: string): HtmlDom {
  // A console that forwards nowhere: broken CSS in a saved web page is not worth a log line.
  const dom = new api.JSDOM(html, {virtualConsole: new api.VirtualConsole(), contentType: "text/html"});
  return {document: dom.window.document, close: () => dom.window.close()};
}
