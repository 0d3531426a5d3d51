import {DesksideError, isDesksideError} from "../../../../shared/errors.js";
import {detectType} from "./detect-type.js";
import {isAllocationFailure, outOfMemory, resolveLimits, type FileLimits} from "./file-limits.js";
import {titleFromFileName} from "./file-name.js";
import {gzipHead, unwrapGzip} from "./gzip-file.js";
import type {DocumentKind, ParseContext, ParsedDocument} from "./types.js";

/**
 * File bytes in, document structure out, in the calling thread. Whatever goes wrong leaves as a
 * DesksideError with a stable code and a sentence for the technician; library errors are kept
 * only as the cause, for the log.
 */

/** Parsers that can meet a bomb or an absurd structure check `limits` themselves; those that read images use `context.ocr`. */
export type Parser = (bytes: Uint8Array, fileName: string, limits: FileLimits, context: ParseContext) => Promise<ParsedDocument>;

/** Loaded on first use: PDF.js, jsdom and mammoth take seconds to load and most imports need one of them at most. */
const PARSERS: Record<DocumentKind, () => Promise<Parser>> = {
  pdf: async () => (await import("./parse-pdf.js")).parsePdf,
  docx: async () => (await import("./parse-docx.js")).parseDocx,
  html: async () => (await import("./parse-html.js")).parseHtml,
  markdown: async () => (await import("./parse-markdown.js")).parseMarkdown,
  text: async () => (await import("./parse-text.js")).parseText,
  csv: async () => (await import("./parse-csv.js")).parseCsv,
  json: async () => (await import("./parse-json.js")).parseJson,
  image: async () => (await import("./parse-image.js")).parseImage,
  email: async () => (await import("./parse-email.js")).parseEmail,
  manpage: async () => (await import("./parse-manpage.js")).parseManpage,
  info: async () => (await import("./parse-info.js")).parseInfo,
  rst: async () => (await import("./parse-rst.js")).parseRst,
};

const KIND_NAMES: Record<DocumentKind, string> = {
  pdf: "PDF",
  docx: "Word document",
  html: "web page",
  markdown: "Markdown file",
  text: "text file",
  csv: "CSV file",
  json: "JSON file",
  image: "image",
  email: "email",
  manpage: "manual page",
  info: "Info manual",
  rst: "reStructuredText file",
};

/**
 * Loads the reader this file needs, so that a worker can start the file's clock once its code is
 * in memory: loading PDF.js or jsdom costs seconds on a busy machine whatever the file. Errors
 * are left for parseDocument to report.
 */
export async function loadReaderFor(bytes: Uint8Array, fileName: string): Promise<void> {
  try {
    const inner = gzipHead(bytes, fileName);
    await PARSERS[(await detectType(inner.bytes, inner.fileName)).kind]();
  } catch {
    // parseDocument meets the same problem and reports it with its code.
  }
}

export async function parseDocument(packed: Uint8Array, packedName: string, limits?: Partial<FileLimits>, context: ParseContext = {}): Promise<ParsedDocument> {
  const resolved = resolveLimits(limits);
  const {bytes, fileName, gzipped} = unwrapGzip(packed, packedName, resolved);
  const type = await detectType(bytes, fileName).catch((error: unknown) => {
    if (isDesksideError(error)) throw error;
    throw new DesksideError("PARSE_FAILED", "The type of this file could not be determined.", {cause: error});
  });
  let parsed: ParsedDocument;
  try {
    const parser = await PARSERS[type.kind]();
    parsed = await parser(bytes, fileName, resolved, context);
  } catch (error) {
    if (isDesksideError(error)) throw error;
    // Near the reader's heap limit V8 may throw instead of ending the process: the same verdict either way.
    if (isAllocationFailure(error)) throw outOfMemory(resolved, error);
    // Recursive library code meets deep nesting as a stack overflow: the structure is the problem.
    if (error instanceof RangeError && /call stack/i.test(error.message))
      throw new DesksideError("FILE_TOO_COMPLEX", `This ${KIND_NAMES[type.kind]} is nested too deeply to read; save it in a simpler form and import that.`, {cause: error});
    throw new DesksideError("PARSE_FAILED", `This ${KIND_NAMES[type.kind]} could not be read; it may be damaged.`, {cause: error});
  }

  const blocks = parsed.blocks.filter((block) => block.text.trim().length > 0);
  if (blocks.length === 0) throw new DesksideError("FILE_EMPTY", `This ${KIND_NAMES[type.kind]} contains no text to import.`);
  const meta = gzipped ? {...parsed.meta, compression: "gzip"} : parsed.meta;
  return {...parsed, title: parsed.title.trim() || titleFromFileName(fileName), blocks, meta};
}
