import {Bool, Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Utf8, type DataType} from "apache-arrow";
import type {ErrorInfo} from "../../../shared/errors.js";
import type {DocumentStatus, KnowledgeDocument} from "../../../shared/knowledge.js";

/** A document as the store keeps it: the public shape plus why it failed, when it did. */
export interface DocumentRecord extends KnowledgeDocument {
  error: ErrorInfo | null;
}

/** A chunk as the importer hands it to the store; title, path and collection come from its document. */
export interface ChunkRecord {
  ordinal: number;
  text: string;
  headingPath: string[];
  page: number | null;
  row: number | null;
  /** Null when the document is stored text-only. */
  vector: Float32Array | null;
  /** Its text was recognised by OCR (see parsing/types.ts). */
  ocr?: boolean;
}

/** A stored chunk as search and the API read it back. */
export interface StoredChunk {
  id: string;
  documentId: string;
  ordinal: number;
  text: string;
  headingPath: string[];
  page: number | null;
  row: number | null;
  collection: string | null;
  title: string;
  sourcePath: string;
  /** Its text was recognised by OCR; false for tables written before the column existed. */
  ocr?: boolean;
}

/** Which model made the vectors of the active chunks table. */
export interface VectorModel {
  id: string;
  dimension: number;
}

export const DOCUMENTS_TABLE = "documents";
export const META_TABLE = "meta";
export const CHUNKS_TABLE_PREFIX = "chunks";

/** Keys of the `meta` table: which chunks table is active and what made its vectors. */
export const META_KEYS = {
  chunksTable: "chunks_table",
  model: "embedding_model",
  dimension: "embedding_dimension",
  indexRows: "vector_index_rows",
  fusion: "fusion_calibration",
} as const;

/** Columns a table must have to be taken for a chunks table when `meta` no longer says which one is. */
export const CHUNK_IDENTITY_COLUMNS = ["id", "document_id", "ordinal", "text"];

/** Why a document that was ready became failed when its passages were found lost. */
export const LOST_PASSAGES_ERROR = {
  code: "STORE_DAMAGED",
  message: "The passages of this document were lost when part of the knowledge base was damaged; import the file again (npm run doctor re-imports files that still exist).",
} as const;

export const CHUNK_COLUMNS = ["id", "document_id", "ordinal", "text", "heading_path", "page", "row", "collection", "title", "source_path", "ocr"];

/**
 * What a chunk is about, as its own full-text field: the document title and the headings above the
 * chunk (a heading that repeats the title is left out). Scored apart from the body, because a word in
 * "Kerberos troubleshooting › Clock skew" says more about a passage than the same word in passing.
 */
export function chunkContext(title: string, headingPath: string[]): string {
  const parts = [title.trim()];
  for (const heading of headingPath) {
    const text = heading.trim();
    if (text && text.toLowerCase() !== parts[0].toLowerCase()) parts.push(text);
  }
  return parts.filter(Boolean).join(" \u203a ");
}

/** A passage as a reader (or a model) sees it: its title and headings, then its text. */
export function passageWithContext(chunk: {title: string; headingPath: string[]; text: string}): string {
  return `${chunkContext(chunk.title, chunk.headingPath)}\n${chunk.text}`;
}

/** SQL that fills the context column of a table written before it existed (same rule, minus the dedupe). */
export const CONTEXT_COLUMN_SQL = "concat_ws(' \u203a ', title, array_to_string(heading_path, ' \u203a '))";

export function documentsSchema(): Schema {
  return new Schema([
    new Field("id", new Utf8(), false),
    new Field("source_path", new Utf8(), false),
    new Field("sha256", new Utf8(), false),
    new Field("title", new Utf8(), false),
    new Field("mime", new Utf8(), false),
    new Field("kind", new Utf8(), false),
    new Field("collection", new Utf8(), true),
    new Field("chunk_count", new Int32(), false),
    new Field("size_bytes", new Float64(), false),
    new Field("imported_at", new Utf8(), false),
    new Field("status", new Utf8(), false),
    new Field("origin", new Utf8(), false),
    new Field("embedding_model", new Utf8(), true),
    // JSON of {code, message} for failed imports, so the failure survives a restart.
    new Field("error", new Utf8(), true),
    // JSON list of the import's notes on the file (see KnowledgeDocument.notes).
    new Field("notes", new Utf8(), true),
  ]);
}

/**
 * Text-only stores (no embedding model yet) have no vector column at all: a fixed-size list needs a
 * dimension, and guessing one would force a rebuild anyway. A model switch or the first model
 * always builds a fresh chunks table, so one table never mixes dimensions.
 */
export function chunksSchema(dimension: number | null): Schema {
  const fields: Field<DataType>[] = [
    new Field("id", new Utf8(), false),
    new Field("document_id", new Utf8(), false),
    new Field("ordinal", new Int32(), false),
    new Field("text", new Utf8(), false),
    new Field("heading_path", new List(new Field("item", new Utf8(), true)), true),
    new Field("page", new Int32(), true),
    new Field("row", new Int32(), true),
    new Field("collection", new Utf8(), true),
    new Field("title", new Utf8(), false),
    new Field("source_path", new Utf8(), false),
    new Field("context", new Utf8(), true),
    new Field("ocr", new Bool(), true),
  ];
  if (dimension !== null) fields.push(new Field("vector", new FixedSizeList(dimension, new Field("item", new Float32(), true)), true));
  return new Schema(fields);
}

export function metaSchema(): Schema {
  return new Schema([new Field("key", new Utf8(), false), new Field("value", new Utf8(), false)]);
}

export function documentToRow(doc: DocumentRecord): Record<string, unknown> {
  return {
    id: doc.id,
    source_path: doc.sourcePath,
    sha256: doc.sha256,
    title: doc.title,
    mime: doc.mime,
    kind: doc.kind,
    collection: doc.collection,
    chunk_count: doc.chunkCount,
    size_bytes: doc.sizeBytes,
    imported_at: doc.importedAt,
    status: doc.status,
    origin: doc.origin,
    embedding_model: doc.embeddingModel,
    error: doc.error ? JSON.stringify(doc.error) : null,
    notes: doc.notes.length > 0 ? JSON.stringify(doc.notes) : null,
  };
}

export function rowToDocument(row: Record<string, unknown>): DocumentRecord {
  return {
    id: String(row.id),
    sourcePath: String(row.source_path),
    sha256: String(row.sha256),
    title: String(row.title),
    mime: String(row.mime),
    kind: String(row.kind),
    collection: (row.collection as string | null) ?? null,
    chunkCount: Number(row.chunk_count),
    sizeBytes: Number(row.size_bytes),
    importedAt: String(row.imported_at),
    status: String(row.status) as DocumentStatus,
    origin: String(row.origin),
    embeddingModel: (row.embedding_model as string | null) ?? null,
    error: row.error ? (JSON.parse(String(row.error)) as ErrorInfo) : null,
    notes: parseNotes(row.notes),
  };
}

/** Most notes kept per document, and characters per note: a parser's report, not a log. */
export const DOCUMENT_NOTES = {count: 20, chars: 500};

/** A document's notes bounded as stored: at most DOCUMENT_NOTES.count, each cut to DOCUMENT_NOTES.chars. */
export function boundedNotes(notes: readonly string[]): string[] {
  const kept = notes.slice(0, DOCUMENT_NOTES.count).map((note) => (note.length > DOCUMENT_NOTES.chars ? `${note.slice(0, DOCUMENT_NOTES.chars - 1)}\u2026` : note));
  if (notes.length > DOCUMENT_NOTES.count) kept[kept.length - 1] = `${notes.length - DOCUMENT_NOTES.count + 1} more notes were left out.`;
  return kept;
}

/** The notes column as read: tables written before it existed, and unreadable values, have none. */
function parseNotes(value: unknown): string[] {
  if (typeof value !== "string" || value === "") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((note): note is string => typeof note === "string") : [];
  } catch {
    return [];
  }
}

/** A chunk's id: its document's id and its ordinal. */
export function chunkIdOf(documentId: string, ordinal: number): string {
  return `${documentId}:${ordinal}`;
}

/** The ordinal in a chunk id (see chunkIdOf). */
export function ordinalOfChunkId(chunkId: string): number {
  return Number(chunkId.slice(chunkId.lastIndexOf(":") + 1));
}

export function chunkToRow(doc: DocumentRecord, chunk: ChunkRecord, withVector: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: chunkIdOf(doc.id, chunk.ordinal),
    document_id: doc.id,
    ordinal: chunk.ordinal,
    text: chunk.text,
    heading_path: chunk.headingPath,
    page: chunk.page,
    row: chunk.row,
    collection: doc.collection,
    title: doc.title,
    source_path: doc.sourcePath,
    context: chunkContext(doc.title, chunk.headingPath),
    ocr: chunk.ocr === true,
  };
  if (withVector) row.vector = chunk.vector;
  return row;
}

export function toStringArray(value: unknown): string[] {
  if (!value) return [];
  if (Array.isArray(value)) return value.map(String);
  const maybe = value as {toArray?: () => unknown[]};
  return typeof maybe.toArray === "function" ? Array.from(maybe.toArray(), String) : [];
}

export function rowToChunk(row: Record<string, unknown>): StoredChunk {
  return {
    id: String(row.id),
    documentId: String(row.document_id),
    ordinal: Number(row.ordinal),
    text: String(row.text),
    headingPath: toStringArray(row.heading_path),
    page: row.page === null || row.page === undefined ? null : Number(row.page),
    row: row.row === null || row.row === undefined ? null : Number(row.row),
    collection: (row.collection as string | null) ?? null,
    title: String(row.title),
    sourcePath: String(row.source_path),
    ocr: row.ocr === true,
  };
}

/** Single quotes doubled: the only escaping a LanceDB SQL string literal needs. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIn(column: string, values: string[]): string {
  return `${column} IN (${values.map(sqlString).join(", ")})`;
}

/** A stored chunk as a table row again (copying between tables); `vector` undefined leaves the column out. */
export function chunkRowFromStored(chunk: StoredChunk, vector: Float32Array | null | undefined): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: chunk.id,
    document_id: chunk.documentId,
    ordinal: chunk.ordinal,
    text: chunk.text,
    heading_path: chunk.headingPath,
    page: chunk.page,
    row: chunk.row,
    collection: chunk.collection,
    title: chunk.title,
    source_path: chunk.sourcePath,
    context: chunkContext(chunk.title, chunk.headingPath),
    ocr: chunk.ocr === true,
  };
  if (vector !== undefined) row.vector = vector;
  return row;
}
