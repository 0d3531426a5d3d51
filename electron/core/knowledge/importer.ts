import {randomUUID} from "node:crypto";
import {readFile, realpath, stat} from "node:fs/promises";
import path from "node:path";
import {DesksideError, ERROR_CODES, type ErrorCode} from "../../../shared/errors.js";
import type {FileProgress} from "../../../shared/knowledge.js";
import type {Embedder} from "./embedder.js";
import {embedInSlices} from "./embed-in-slices.js";
import {sha256InSlices} from "./hash-bytes.js";
import type {ImportJobs} from "./import-jobs.js";
import type {OcrProgress} from "./parsing/ocr/ocr-reader.js";
import type {ChunkingRequest, PreparedDocument} from "./parsing/prepare-document.js";
import {tokenizerSpecFor} from "./parsing/tokenizer-spec.js";
import {vectorsUsable} from "./search.js";
import {boundedNotes, type ChunkRecord, type DocumentRecord} from "./store-schema.js";
import type {KnowledgeStore} from "./store.js";
import {isInside} from "./folders/sync-filter.js";

/** One thing to import: a file on disk or bytes that arrived over HTTP or from a conversation. */
export type ImportSource =
  | {kind: "path"; path: string; error?: {code: ErrorCode; message: string}}
  | {kind: "buffer"; name: string; bytes: Uint8Array; title?: string; sourcePath?: string};

export interface ImportOptions {
  collection?: string | null;
  /** "import", "default-knowledge", "conversation" or "folder". */
  origin?: string;
  /**
   * "content" (default): a file whose content is already in the knowledge base is skipped, wherever
   * it came from. "path": skipped only when its own path already holds that content from the same
   * origin; a synced folder keeps one document per file, even for two files alike.
   */
  dedupe?: "content" | "path";
  /**
   * Files must really lie inside this folder: a link to a file elsewhere (a watched share where
   * anyone may write, linking to the server's own settings) fails with FILE_UNREADABLE.
   */
  confineTo?: string;
}

export interface ImporterLimits {
  chunkSize: number;
  chunkOverlap: number;
  maxFileSizeMb: number;
}

export interface ImporterDeps {
  store: KnowledgeStore;
  jobs: ImportJobs;
  /**
   * Parses and chunks off the main thread, within the file's limits; the signal stops it. Chunk
   * sizes are measured with the tokenizer the request names (the embedder's, else an estimate).
   * Pages read by OCR are reported as they are done.
   */
  prepare: (bytes: Uint8Array, fileName: string, chunking: ChunkingRequest, signal: AbortSignal, onOcrProgress?: (progress: OcrProgress) => void) => Promise<PreparedDocument>;
  embedder: () => Embedder | null;
  limits: () => ImporterLimits;
  /** Files worked on at once; parsing of one overlaps embedding of another. */
  concurrency?: number;
  /**
   * A long job folds what it has written into the indexes after this many passages (0: only at the
   * end). Passages not yet indexed are searched by brute force: importing 78,000 passages, search
   * took 0.7 s (p50) and 3.6 s (p95) folding only at the end, 0.2 s and 0.5 s folding every 5,000,
   * and the import itself 0.92× as long (`npm run bench import-search`).
   */
  foldEveryPassages?: number;
}

export const DEFAULT_FOLD_EVERY_PASSAGES = 5_000;

class FileFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sourceLabel(source: ImportSource): string {
  return source.kind === "path" ? source.path : source.name;
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new DesksideError("CANCELLED", "The import was cancelled.");
}

/** Keeps a known code (also from errors that crossed a worker boundary as plain objects), else `fallback`. */
function asFailure(error: unknown, fallback: ErrorCode, message: string): FileFailure | DesksideError {
  if (error instanceof FileFailure) return error;
  if (error instanceof DesksideError) return error.code === "INTERNAL" ? new FileFailure(fallback, message) : error;
  if (error && typeof error === "object" && "code" in error && "message" in error) {
    const code = String((error as {code: unknown}).code);
    if (code in ERROR_CODES && code !== "INTERNAL") return new FileFailure(code, String((error as {message: unknown}).message));
  }
  return new FileFailure(fallback, message);
}

async function readSource(source: ImportSource, maxBytes: number, maxFileSizeMb: number, confineTo?: string): Promise<Uint8Array> {
  const tooLarge = () => new FileFailure("FILE_TOO_LARGE", `This file is larger than the ${maxFileSizeMb} MB limit; split it or raise the limit in Settings.`);
  if (source.kind === "buffer") {
    if (source.bytes.byteLength > maxBytes) throw tooLarge();
    return source.bytes;
  }
  if (source.error) throw new FileFailure(source.error.code, source.error.message);
  const unreadable = () => new FileFailure("FILE_UNREADABLE", "This file could not be read; it may have been moved, deleted or locked.");
  try {
    // Read through the resolved path, so the file checked is the file read.
    const file = confineTo === undefined ? source.path : await realpath(source.path);
    if (confineTo !== undefined && !isInside(confineTo, file))
      throw new FileFailure("FILE_UNREADABLE", "This file is a link to a file outside the watched folder; such links are not imported.");
    const info = await stat(file);
    if (info.size > maxBytes) throw tooLarge();
    const bytes = await readFile(file);
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes;
  } catch (error) {
    throw error instanceof FileFailure ? error : unreadable();
  }
}

/**
 * Runs one import job: each file goes queued → parsing (parse and chunk, in a worker) → embedding
 * n/m → writing → done (or skipped, failed, cancelled) and fails alone. A cancelled job rolls back
 * the file in flight (its chunks are removed before its document becomes visible) and marks the
 * rest cancelled.
 */
export async function runImportJob(deps: ImporterDeps, jobId: string, sources: ImportSource[], options: ImportOptions, signal: AbortSignal): Promise<void> {
  let next = 0;
  let wrote = false;
  const firstCopies: FirstCopies = new Map();
  const foldEvery = deps.foldEveryPassages ?? DEFAULT_FOLD_EVERY_PASSAGES;
  let unfolded = 0;
  let folding: Promise<void> | null = null;
  const worker = async () => {
    while (next < sources.length && !signal.aborted) {
      const index = next++;
      const claim: CopyClaim = {settle: null};
      const result = await importOne(deps, jobId, index, sources[index], options, signal, firstCopies, claim);
      claim.settle?.(result);
      if (result.state !== "done") continue;
      wrote = true;
      unfolded += result.chunks ?? 0;
      // Not awaited: files go on being parsed and embedded; writes queue behind the fold in the store.
      if (foldEvery > 0 && unfolded >= foldEvery && !folding) {
        unfolded = 0;
        folding = deps.store
          .optimize()
          .catch(() => undefined)
          .finally(() => (folding = null));
      }
    }
  };
  try {
    const workers = Math.max(1, Math.min(deps.concurrency ?? 2, sources.length));
    await Promise.all(Array.from({length: workers}, worker));
    await folding;
    // Compaction and full-text indexing at the end of a job (and every foldEvery passages), not per document.
    if (wrote) await deps.store.optimize().catch(() => undefined);
  } finally {
    deps.jobs.finish(jobId, signal.aborted ? "cancelled" : "done");
  }
}

/**
 * The outcome of the first file of a job with each content hash. Files are imported two at a time,
 * so a second copy in the same job can arrive before the first is stored: it waits for the first
 * and points at its document instead of storing the same text twice.
 */
type FirstCopies = Map<string, Promise<FileProgress>>;
/** Filled in when a file is the first of its content in the job; called with its outcome. */
interface CopyClaim {
  settle: ((result: FileProgress) => void) | null;
}

async function importOne(
  deps: ImporterDeps,
  jobId: string,
  index: number,
  source: ImportSource,
  options: ImportOptions,
  signal: AbortSignal,
  firstCopies: FirstCopies,
  claim: CopyClaim,
): Promise<FileProgress> {
  const report = (progress: Omit<FileProgress, "path">): FileProgress => {
    deps.jobs.update(jobId, index, progress);
    return {path: sourceLabel(source), ...progress};
  };
  const fileName = source.kind === "path" ? path.basename(source.path) : source.name;
  const sourcePath = source.kind === "path" ? source.path : (source.sourcePath ?? source.name);
  const limits = deps.limits();
  let sha256 = "";
  let sizeBytes = 0;
  let parsed: PreparedDocument | null = null;

  try {
    throwIfCancelled(signal);
    const bytes = await readSource(source, limits.maxFileSizeMb * 1024 * 1024, limits.maxFileSizeMb, options.confineTo);
    sizeBytes = bytes.byteLength;
    // Hashed before the emptiness check, so a failed empty file records what it held (a sync compares it).
    sha256 = await sha256InSlices(bytes);
    if (sizeBytes === 0) throw new FileFailure("FILE_EMPTY", "This file is empty.");
    if (options.dedupe === "path") {
      const same = deps.store.findBySourcePath(sourcePath).find((doc) => doc.status === "ready" && doc.sha256 === sha256 && doc.origin === (options.origin ?? "import"));
      if (same) return report({state: "skipped", reason: "unchanged", documentId: same.id});
    } else {
      const firstCopy = firstCopies.get(sha256);
      if (firstCopy) {
        const first = await firstCopy;
        if ((first.state === "done" || first.state === "skipped") && first.documentId)
          return report({state: "skipped", reason: `duplicate of ${path.basename(first.path)} in this import`, documentId: first.documentId});
        // The first copy did not get in (failed or cancelled): this one is tried on its own.
      } else firstCopies.set(sha256, new Promise((resolve) => (claim.settle = resolve)));
      const existing = deps.store.findReadyBySha256(sha256);
      if (existing) return report({state: "skipped", reason: "already imported", documentId: existing.id});
    }

    throwIfCancelled(signal);
    report({state: "parsing"});
    const embedder = deps.embedder();
    const chunking: ChunkingRequest = {chunkSize: limits.chunkSize, chunkOverlap: limits.chunkOverlap, tokenizer: tokenizerSpecFor(embedder?.modelPath)};
    try {
      parsed = await deps.prepare(bytes, fileName, chunking, signal, ({done, total}) => report({state: "parsing", ocr: {done, total}}));
    } catch (error) {
      throw asFailure(error, "PARSE_FAILED", "This file could not be read as a document.");
    }
    throwIfCancelled(signal);

    const chunks = parsed.chunks;
    if (chunks.length === 0) throw new FileFailure("FILE_EMPTY", "No text was found in this file.");

    // Vectors only when they match the stored ones; otherwise the document goes in text-only and a re-index fills it.
    const withVectors = embedder !== null && vectorsUsable(deps.store, embedder);
    let vectors: Float32Array[] | null = null;
    if (withVectors) {
      report({state: "embedding", done: 0, total: chunks.length});
      // In time-boxed slices: a forward pass blocks the thread it runs on (see embed-in-slices.ts).
      vectors = await embedInSlices(
        embedder,
        chunks.map((chunk) => chunk.text),
        {signal, onProgress: (done, total) => report({state: "embedding", done, total})},
      );
    }
    throwIfCancelled(signal);

    report({state: "writing"});
    const records: ChunkRecord[] = chunks.map((chunk, i) => ({
      ordinal: chunk.ordinal,
      text: chunk.text,
      headingPath: chunk.headingPath,
      page: chunk.page,
      row: chunk.row,
      vector: vectors ? vectors[i] : null,
      ...(chunk.ocr ? {ocr: true} : {}),
    }));
    const doc = await deps.store.writeDocument(
      newDocument({id: randomUUID(), sourcePath, sha256, sizeBytes, options, parsed, source, fileName}),
      records,
      {vectorModel: withVectors ? {id: embedder.modelId, dimension: embedder.dimension} : null, signal},
    );
    return report({state: "done", documentId: doc.id, chunks: doc.chunkCount, ...(parsed.warnings.length > 0 ? {warnings: parsed.warnings} : {})});
  } catch (error) {
    if (signal.aborted || (error instanceof DesksideError && error.code === "CANCELLED")) return report({state: "cancelled"});
    const failure = asFailure(error, "INTERNAL", "Something went wrong while importing this file; details are in the log.");
    const info = {code: failure.code, message: failure.message};
    await deps.store
      .recordFailure({
        ...newDocument({id: randomUUID(), sourcePath, sha256, sizeBytes, options, parsed, source, fileName}),
        error: {code: (info.code in ERROR_CODES ? info.code : "INTERNAL") as ErrorCode, message: info.message},
      })
      .catch(() => undefined);
    return report({state: "failed", error: info});
  }
}

function newDocument(input: {
  id: string;
  sourcePath: string;
  sha256: string;
  sizeBytes: number;
  options: ImportOptions;
  parsed: Pick<PreparedDocument, "title" | "mime" | "kind" | "warnings"> | null;
  source: ImportSource;
  fileName: string;
}): DocumentRecord {
  const title = (input.source.kind === "buffer" && input.source.title) || input.parsed?.title?.trim() || input.fileName;
  return {
    id: input.id,
    title,
    sourcePath: input.sourcePath,
    sha256: input.sha256,
    mime: input.parsed?.mime ?? "application/octet-stream",
    kind: input.parsed?.kind ?? "unknown",
    collection: input.options.collection ?? null,
    chunkCount: 0,
    sizeBytes: input.sizeBytes,
    importedAt: new Date().toISOString(),
    status: "ready",
    origin: input.options.origin ?? "import",
    embeddingModel: null,
    error: null,
    notes: boundedNotes(input.parsed?.warnings ?? []),
  };
}
