import {chunkDocument} from "./chunker.js";
import {fileTooLarge, formatCount, resolveLimits, type FileLimits} from "./file-limits.js";
import {parseDocument} from "./parse-document.js";
import type {TokenizerSpec} from "./tokenizer-spec.js";
import type {Chunk, DocumentKind, ParseContext, ParsedDocument} from "./types.js";

/**
 * Parse and chunk in one step, inside a parser worker (or the calling thread for headless tools):
 * everything that grows with the file's content happens here, within the file's limits, and only
 * the finished chunks leave.
 */

export interface ChunkingRequest {
  chunkSize: number;
  chunkOverlap: number;
  tokenizer: TokenizerSpec;
}

/** A document ready to embed and store: what the importer needs of the parse, and its chunks. */
export interface PreparedDocument {
  title: string;
  kind: DocumentKind;
  mime: string;
  meta: ParsedDocument["meta"];
  warnings: string[];
  chunks: Chunk[];
}

export async function prepareDocument(
  bytes: Uint8Array,
  fileName: string,
  chunking: Omit<ChunkingRequest, "tokenizer">,
  countTokens: (text: string) => number,
  limits?: Partial<FileLimits>,
  context: ParseContext = {},
): Promise<PreparedDocument> {
  const resolved = resolveLimits(limits);
  const parsed = await parseDocument(bytes, fileName, resolved, context);
  checkTextSize(parsed, resolved);
  const chunks = chunkDocument(parsed, {chunkSize: chunking.chunkSize, chunkOverlap: chunking.chunkOverlap, countTokens, maxChunks: resolved.maxChunks});
  return {title: parsed.title, kind: parsed.kind, mime: parsed.mime, meta: parsed.meta, warnings: parsed.warnings, chunks};
}

function checkTextSize(parsed: ParsedDocument, limits: FileLimits): void {
  let characters = 0;
  for (const block of parsed.blocks) characters += block.text.length;
  if (characters > limits.maxTextChars)
    throw fileTooLarge(`This file holds ${formatCount(characters)} characters of text, more than the ${formatCount(limits.maxTextChars)} one file may hold; split it and import the parts.`, {
      characters,
      maxTextChars: limits.maxTextChars,
    });
}
