import type {OcrReader} from "./ocr/ocr-reader.js";

/** What every parser produces: the document's structure, not yet cut into chunks. */

export type DocumentKind = "pdf" | "docx" | "html" | "markdown" | "text" | "csv" | "json" | "image" | "email" | "manpage" | "info" | "rst";

export type BlockType = "heading" | "paragraph" | "list-item" | "table-row" | "code" | "record";

export interface Block {
  type: BlockType;
  text: string;
  /** Titles of the enclosing headings, outermost first (a heading block's own path excludes itself). */
  headingPath: string[];
  /** 1-based page for PDFs. */
  page?: number;
  /** 1-based data row for CSV and record index for JSON/JSONL. */
  row?: number;
  /** Heading level 1–6 for heading blocks. */
  level?: number;
  /** Recognised from an image (a scanned page or an image file) by OCR, so it may hold misread words. */
  ocr?: boolean;
}

export interface ParsedDocument {
  title: string;
  kind: DocumentKind;
  mime: string;
  blocks: Block[];
  /** e.g. page count for PDFs, row count for CSV, detected encoding for text. */
  meta: Record<string, string | number | boolean>;
  /** Non-fatal problems: replaced undecodable bytes, skipped malformed rows. */
  warnings: string[];
}

export interface Chunk {
  ordinal: number;
  text: string;
  headingPath: string[];
  page: number | null;
  row: number | null;
  tokenCount: number;
  /** Some of its text was recognised by OCR. */
  ocr?: boolean;
}

export interface ChunkOptions {
  /** Target size and overlap in tokens of the embedding model's tokenizer. */
  chunkSize: number;
  chunkOverlap: number;
  countTokens: (text: string) => number;
  /** Past this many chunks the file fails with FILE_TOO_LARGE instead of growing without bound. */
  maxChunks?: number;
}

/** What a parser may use besides the bytes. */
export interface ParseContext {
  /** Reads text from page images; null or absent when OCR is off. */
  ocr?: OcrReader | null;
}
