/** Types of the knowledge base as seen by every client (renderer, HTTP, tests). */

export type DocumentStatus = "ready" | "failed";
export type SearchMode = "hybrid" | "vector" | "text";

export interface KnowledgeDocument {
  id: string;
  title: string;
  /** Absolute path or upload name the document came from. */
  sourcePath: string;
  sha256: string;
  mime: string;
  /** Short type label: pdf, docx, html, markdown, text, csv, json. */
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
  /** Fused score normalized to 0..1 (higher is better). */
  score: number;
  scores: {vector?: number; text?: number; fused?: number};
}

export interface SearchRequest {
  query: string;
  topK?: number;
  mode?: SearchMode;
  minScore?: number;
  collection?: string | null;
}

export interface SearchResult {
  hits: SearchHit[];
  mode: SearchMode;
  /** The mode actually used (hybrid falls back to text when no embedding model is available). */
  effectiveMode: SearchMode;
  tookMs: number;
  notice?: string;
}

export type FileImportState = "queued" | "parsing" | "embedding" | "writing" | "done" | "skipped" | "failed" | "cancelled";

export interface FileProgress {
  path: string;
  state: FileImportState;
  /** embedding: chunks embedded so far and in all. */
  done?: number;
  total?: number;
  documentId?: string;
  chunks?: number;
  error?: {code: string; message: string};
  /** For skipped: why, e.g. "already imported". */
  reason?: string;
}

export type JobState = "running" | "done" | "cancelled" | "failed";

export interface ImportJob {
  id: string;
  state: JobState;
  createdAt: string;
  finishedAt: string | null;
  files: FileProgress[];
  /** Problems that are not a single file: unreadable folders, symlink loops. */
  warnings: {path: string; code: string; message: string}[];
  counts: {queued: number; done: number; skipped: number; failed: number; cancelled: number};
}

export interface KnowledgeStats {
  documents: number;
  chunks: number;
  collections: string[];
  embeddingModel: string | null;
  embeddingDimension: number | null;
  storeUri: string;
  /** Set when vectors are missing or being re-built. */
  notice: string | null;
}
