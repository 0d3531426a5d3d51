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
