/** Types of the knowledge base as seen by every client (renderer, HTTP, tests). */

export type DocumentStatus = "ready" | "failed";

/** The collection the articles that ship with the app are imported into; excluding it is one setting. */
export const STARTER_COLLECTION = "Starter articles";
export type SearchMode = "hybrid" | "vector" | "text";

export interface KnowledgeDocument {
  id: string;
  title: string;
  /** Absolute path or upload name the document came from. */
  sourcePath: string;
  sha256: string;
  mime: string;
  /** Short type label: pdf, docx, html, markdown, text, csv, json, image. */
  kind: string;
  collection: string | null;
  chunkCount: number;
  sizeBytes: number;
  importedAt: string;
  status: DocumentStatus;
  /** "import", "default-knowledge" or "conversation". */
  origin: string;
  /** Embedding model whose vectors this document has, null when stored text-only. */
  embeddingModel: string | null;
  /** Why the import failed, for documents with status "failed". */
  error?: {code: string; message: string} | null;
  /**
   * What the import noticed about the file without failing it (pages with no text layer, bytes
   * that were not valid text, attachments not read), kept so the list still says so after the
   * import's own report is gone. Empty when there was nothing to say.
   */
  notes: string[];
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  title: string;
  sourcePath: string;
  headingPath: string[];
  page: number | null;
  row: number | null;
  text: string;
  collection: string | null;
  /** True when the passage's text was recognised by OCR from a scanned page or an image, so it may hold misread words. */
  ocr?: boolean;
  /** Fused score normalized to 0..1 (higher is better). */
  score: number;
  scores: {vector?: number; text?: number; fused?: number};
  /** The section around the matching chunk, when the request asked for passages. */
  passage?: SearchPassage;
}

/** The text around a hit: neighbouring chunks of its section, overlaps removed. */
export interface SearchPassage {
  text: string;
  /** Chunk ordinals the passage spans, inclusive. */
  fromOrdinal: number;
  toOrdinal: number;
  /** Character range of the matching chunk inside `text`, for highlighting. */
  highlight: {start: number; end: number};
}

export interface SearchRequest {
  query: string;
  topK?: number;
  mode?: SearchMode;
  minScore?: number;
  collection?: string | null;
  /** Collections left out of the search (e.g. the starter articles). */
  excludeCollections?: string[];
  /** Also return each hit's surrounding section (`hit.passage`). */
  passages?: boolean;
  /** Chunks the reader has already seen (a follow-up question): ranked after unseen ones of similar relevance. */
  seenChunkIds?: string[];
}

export interface SearchResult {
  hits: SearchHit[];
  mode: SearchMode;
  /** The mode actually used (hybrid falls back to text when no embedding model is available). */
  effectiveMode: SearchMode;
  tookMs: number;
  /** Where the time went: query embedding, retrieval and fusion, re-ranking (when a re-ranker ran). */
  timings?: {embedMs: number; retrieveMs: number; rerankMs?: number};
  /** The re-ranking model that ordered the hits, when one did. */
  reranker?: string;
  notice?: string;
}

export type FileImportState = "queued" | "parsing" | "embedding" | "writing" | "done" | "skipped" | "failed" | "cancelled";

export interface FileProgress {
  path: string;
  state: FileImportState;
  /** embedding: chunks embedded so far and in all. */
  done?: number;
  total?: number;
  /** parsing: pages read by OCR so far and in all, while the file has pages without a text layer (or is an image). */
  ocr?: {done: number; total: number};
  documentId?: string;
  chunks?: number;
  error?: {code: string; message: string};
  /** For skipped: why, e.g. "already imported". */
  reason?: string;
  /**
   * For done: what the reader of the file could not keep or had to guess, e.g. pages without a text
   * layer, text read by OCR, undecodable bytes replaced, an email's attachments left out.
   */
  warnings?: string[];
}

export type JobState = "running" | "done" | "cancelled" | "failed";

export interface ImportJob {
  id: string;
  state: JobState;
  /** What started it: "import" (a drop, an upload, a path), "folder" (a watched folder's sync), "default-knowledge", "conversation". */
  origin?: string;
  createdAt: string;
  finishedAt: string | null;
  files: FileProgress[];
  /** Problems that are not a single file: unreadable folders, symlink loops. */
  warnings: {path: string; code: string; message: string}[];
  counts: {queued: number; done: number; skipped: number; failed: number; cancelled: number};
}

/** A folder kept in sync with the knowledge base: what is in it is imported, changed, renamed and removed with it. */
export interface WatchedFolder {
  id: string;
  /** Absolute path on the machine running Deskside. */
  path: string;
  /** Collection its documents go into (null: none). */
  collection: string | null;
  /**
   * scanning: comparing every file with the knowledge base (start, resume, after sleep, Rescan);
   * syncing: importing or removing changed files; watching: in sync, waiting for changes;
   * paused: not watched (documents kept); missing: the folder is gone (documents kept until it returns);
   * error: it cannot be watched or read (see `error`).
   */
  state: "scanning" | "syncing" | "watching" | "paused" | "missing" | "error";
  paused: boolean;
  /** Files in the folder that are synced (document types; temporary, lock and hidden files excluded). */
  files: number;
  /** Of those, imported and searchable. */
  documents: number;
  /** Of those, imported with an error (listed in `errors`). */
  failed: number;
  /**
   * Of those, files with nothing to import (FILE_EMPTY: an empty file, a diagram with no text, a page
   * that only points to or includes others), listed in `leftOut`. Not counted as failed: a
   * documentation tree always has some, and nothing is wrong with them.
   */
  leftOutCount: number;
  /** Changes seen but not yet in the knowledge base. */
  pending: number;
  addedAt: string;
  /** When the knowledge base last matched the folder (end of a scan or a sync). */
  lastSyncAt: string | null;
  /** The last full comparison of the folder with the knowledge base. */
  lastScanAt: string | null;
  /** Why the whole folder is not in sync (FOLDER_MISSING, FOLDER_UNREADABLE, WATCH_FAILED). */
  error: {code: string; message: string} | null;
  /** Files and sub-folders that could not be imported or read, first 100. */
  errors: {path: string; code: string; message: string}[];
  /** Files left out for having nothing to import, first 100, each with the reason. */
  leftOut: {path: string; code: string; message: string}[];
}

export interface KnowledgeStats {
  documents: number;
  chunks: number;
  collections: string[];
  embeddingModel: string | null;
  embeddingDimension: number | null;
  /** Whether the embedding model is open now; it opens on the next search or import that needs it. Null: none. */
  embeddingModelOpen?: boolean | null;
  storeUri: string;
  /** The re-ranking model search uses, null when none is present or re-ranking is off. */
  reranker: {id: string; kind: string} | null;
  /** Hybrid fusion weights measured on this knowledge base, null until measured. */
  fusion: {text: number; vector: number; measuredAt: string} | null;
  /** Set when vectors are missing or being re-built. */
  notice: string | null;
}

/** An embedding or re-ranking model found in the models folders. */
export interface RetrievalModelOption {
  /** The file or folder name: what a setting or a re-index names it by. */
  name: string;
  /** transformers: a transformers.js folder; gguf: through node-llama-cpp; cross-encoder: a transformers.js re-ranker. */
  kind: "transformers" | "gguf" | "cross-encoder";
  /** Whether search uses it now. */
  active: boolean;
}

export interface RetrievalModels {
  embedding: RetrievalModelOption[];
  rerankers: RetrievalModelOption[];
}

/** A re-index of every passage with the embedding model, from start to its end. */
export interface ReindexProgress {
  state: "running" | "done" | "failed";
  /** Passages embedded so far, and in all. */
  done: number;
  total: number;
  /** The embedding model the passages are given to. */
  model: string | null;
  error: {code: string; message: string} | null;
}

/** The file name extension of a knowledge pack (electron/core/knowledge/knowledge-pack.ts describes the format). */
export const PACK_EXTENSION = ".deskpack";

/** What a knowledge pack says about itself; read before anything in it is trusted. */
export interface PackManifest {
  format: "deskside-knowledge-pack";
  /** Pack format version; a version newer than the reader's is refused (PACK_VERSION_UNSUPPORTED). */
  formatVersion: number;
  createdAt: string;
  /** The Deskside version that wrote it. */
  appVersion: string;
  /** The collection exported; null: the whole knowledge base. */
  collection: string | null;
  /** Collections of the documents it holds. */
  collections: string[];
  counts: {documents: number; chunks: number; vectors: number};
  /** The embedding model that made its vectors; null when it carries none. */
  embedding: {model: string; dimension: number} | null;
  /** The bytes after the manifest: gzip-compressed JSON lines, their length and SHA-256. */
  payload: {encoding: "jsonl+gzip"; bytes: number; sha256: string};
}

export interface PackExportResult {
  /** Suggested file name, e.g. `deskside-vpn-2026-12-01.deskpack`. */
  fileName: string;
  sizeBytes: number;
  manifest: PackManifest;
  tookMs: number;
}

export interface PackImportResult {
  manifest: PackManifest;
  imported: {id: string; title: string; collection: string | null; chunks: number}[];
  /** Documents left out because the same content is already in the collection (or earlier in the pack). */
  skipped: {title: string; collection: string | null; reason: string; documentId: string | null}[];
  /** Earlier documents with the same source in the same collection that an imported one replaced. */
  replaced: {id: string; title: string}[];
  chunks: number;
  /** Where the vectors came from: the pack (same model), the current model (embedded on import), or none (text-only). */
  vectors: "pack" | "embedded" | "none";
  embeddingModel: string | null;
  tookMs: number;
}

/** A pack import from start to end: checked whole first, then written; `done`/`total` count passages. */
export interface PackImportProgress {
  id: string;
  state: "verifying" | "writing" | "embedding" | "done" | "failed";
  done: number;
  total: number;
  error: {code: string; message: string} | null;
}
