import {randomUUID} from "node:crypto";
import {readdirSync} from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import {
  PACK_EXTENSION,
  STARTER_COLLECTION,
  type ImportJob,
  type KnowledgeDocument,
  type KnowledgeStats,
  type PackExportResult,
  type PackImportProgress,
  type PackImportResult,
  type ReindexProgress,
  type RetrievalModels,
  type SearchRequest,
  type SearchResult,
} from "../../../shared/knowledge.js";
import type {Settings} from "../../../shared/settings.js";
import {embeddingModelCandidates, type Embedder} from "./embedder.js";
import {embedInSlices} from "./embed-in-slices.js";
import {createAnyEmbedder, findEmbeddingModels, resolveAnyEmbeddingModel} from "./embedder-factory.js";
import {createLazyEmbedder, type LazyEmbedder} from "./lazy-embedder.js";
import {collectFiles} from "./file-walker.js";
import {ImportJobs, type ImportEvent} from "./import-jobs.js";
import {announceImportProgress, NO_KNOWLEDGE_EVENTS, type KnowledgeEvents} from "./knowledge-events.js";
import {runImportJob, type ImportOptions, type ImportSource} from "./importer.js";
import {approximateTokenCount} from "./parsing/token-count.js";
import type {FileLimits} from "./parsing/file-limits.js";
import {createParserPool, type PrepareRequest} from "./parsing/parser-pool.js";
import {ocrOptionsFrom} from "./parsing/ocr/ocr-options.js";
import type {OcrProgress} from "./parsing/ocr/ocr-reader.js";
import type {Llama} from "node-llama-cpp";
import {exportPack, importPack, packFileName, receivePack, type PackExchangeDeps} from "./pack-exchange.js";
import {mergeChunks} from "./passage.js";
import {DocumentLanguages} from "./language-guess.js";
import {createReranker, findRerankers, resolveReranker, type Reranker} from "./reranker.js";
import {calibrateFusion, calibrationCurrent, type FusionCalibration} from "./fusion-calibration.js";
import {LatentIndexKeeper} from "./latent/latent-index-keeper.js";
import {DEFAULT_TUNING, normalizeSearchRequest, search, STARTER_ORIGIN, vectorsUsable, type SearchTuning} from "./search.js";
import type {StoreHealth} from "./store-open.js";
import type {DocumentRecord, StoredChunk} from "./store-schema.js";
import {KnowledgeStore, type DocumentMove} from "./store.js";
import {asStoreError, isUnreachable} from "./store-reachability.js";
import {SerialQueue} from "./serial-queue.js";
import {planUploadNames} from "./upload-names.js";

/** Progress events of the knowledge base: import files and jobs, and re-index progress. */
export type KnowledgeEvent = ImportEvent | {type: "reindex"; done: number; total: number};
export type KnowledgeEventListener = (event: KnowledgeEvent) => void;

export interface KnowledgeServiceOptions {
  /** The app's data folder; the store defaults to `<dataDir>/lancedb`. */
  dataDir: string;
  /** Overrides settings.storeUri: a local folder or s3:// gs:// az:// URI. */
  storeUri?: string | null;
  /** Credentials and endpoint for object storage, passed to LanceDB as they are. */
  storageOptions?: Record<string, string>;
  /** Folders searched for embedding models, in priority order (e.g. `<data>/models`, DESKSIDE_MODELS_DIR, bundled). */
  embeddingModelDirs: string[];
  /** A model folder path or a folder name inside embeddingModelDirs; overrides settings.embeddingModel. */
  embeddingModel?: string | null;
  settings: Settings["knowledge"];
  /** Search defaults when a request leaves them out; `rerank: false` turns re-ranking off. */
  retrieval?: Partial<Pick<Settings["retrieval"], "mode" | "topK" | "minScore" | "rerank">>;
  /** The app's node-llama-cpp runtime, shared by GGUF re-rankers; one of their own otherwise. */
  llama?: () => Promise<Llama>;
  /** Where the knowledge base announces its changes (the app's event bus); tools leave it out. */
  events?: KnowledgeEvents;
  /** How long the embedding model stays open with nothing to embed (default 10 minutes; 0: while the service is open). */
  embedderIdleMs?: number;
  /**
   * Runs a transformers.js embedding model in a child process (default true): its runtime (about
   * 170 MB) then leaves with the process when the model closes; in this process it would stay.
   * false keeps it here. GGUF embedders always run here.
   */
  embedderProcess?: boolean;
  /** CPU threads for a GGUF embedding model (the chat engine's setting; 0 or unset: one per core). */
  threads?: () => number;
  /** Parser worker threads (default 1); 0 parses on the calling thread, for headless tools. */
  parserPoolSize?: number;
  /** Per-file limits on time, memory and output (defaults in parsing/file-limits.ts). */
  fileLimits?: Partial<FileLimits>;
  /** Files imported at once per job. */
  importConcurrency?: number;
  /** A long import job folds its passages into the indexes this often (see importer.ts; 0: at the end only). */
  foldEveryPassages?: number;
  /** Recognisers reading one file's pages by OCR (default: half the CPU cores, at most 2). */
  ocrWorkers?: number;
  embeddingBatchSize?: number;
  /** The app's version, written into knowledge packs. */
  appVersion?: string;
  /** A shared (object-storage) store: how often documents written by other processes are taken in (default 5 s). */
  sharedRefreshMs?: number;
}

export interface ImportRequestOptions {
  collection?: string | null;
  origin?: string;
  /** How duplicates are recognised (importer.ts); watched folders use "path". */
  dedupe?: ImportOptions["dedupe"];
  /** Only files really inside this folder are read (links elsewhere fail); watched folders set their own. */
  confineTo?: string;
  /** Aborting it cancels the job, like cancelJob. */
  signal?: AbortSignal;
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ReindexOptions {
  /** Switch to this model (path or folder name); left out: the configured one, found anew. */
  embeddingModel?: string | null;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PackOptions {
  /** Export: the collection to export (null: everything). Import: put every document here instead of its own collection. */
  collection?: string | null;
  signal?: AbortSignal;
}

/** A pack exported to a temporary file for a download; `release` deletes it. */
export type PackDownload = PackExportResult & {path: string; release(): Promise<void>};

export interface MarkdownDocumentInput {
  title: string;
  markdown: string;
  collection?: string | null;
  origin?: string;
}

export interface DocumentText {
  document: KnowledgeDocumentInfo;
  text: string;
  /** Where the requested chunk sits in `text`. */
  highlight: {start: number; end: number} | null;
  /** True when the text was cut at DOCUMENT_TEXT_MAX_CHARS. */
  truncated: boolean;
}

/** A reader shows at most this much of one document (a 1,000-page manual is opened as a file). */
export const DOCUMENT_TEXT_MAX_CHARS = 2_000_000;

/** A document plus, for failed imports, why it failed. */
export type KnowledgeDocumentInfo = KnowledgeDocument & {error: DocumentRecord["error"]};

export interface KnowledgeService {
  /** Walks the files and folders, then imports in the background; throws BATCH_TOO_LARGE up front. */
  importPaths(paths: string[], options?: ImportRequestOptions): Promise<ImportJob>;
  /** Imports uploaded bytes in the background; throws BATCH_TOO_LARGE up front. */
  importBuffers(files: UploadedFile[], options?: ImportRequestOptions): Promise<ImportJob>;
  getJob(id: string): ImportJob | null;
  listJobs(): ImportJob[];
  /** Resolves with the job once it has finished; NOT_FOUND for an unknown id. */
  waitForJob(id: string): Promise<ImportJob>;
  cancelJob(id: string): boolean;
  /** Subscribes to progress; returns the unsubscribe function. */
  onProgress(listener: KnowledgeEventListener): () => void;
  listDocuments(): KnowledgeDocumentInfo[];
  getDocument(id: string): KnowledgeDocumentInfo | null;
  getChunk(id: string): Promise<StoredChunk | null>;
  deleteDocument(id: string): Promise<void>;
  /** Deletes several documents at once (unknown ids are passed over); returns how many were deleted. */
  deleteDocuments(ids: string[]): Promise<number>;
  setCollection(id: string, collection: string | null): Promise<KnowledgeDocumentInfo>;
  /** Points documents at their files' new paths (renamed or moved), keeping passages and vectors; returns those moved. */
  moveDocuments(moves: DocumentMove[]): Promise<KnowledgeDocumentInfo[]>;
  /** `tuning` switches ranking steps off for the retrieval evaluation; the app leaves it out. */
  search(request: SearchRequest, options?: {tuning?: Partial<SearchTuning>}): Promise<SearchResult>;
  /** Measures the fusion weights on the current knowledge base now (normally done after imports). */
  calibrate(): Promise<FusionCalibration | null>;
  /**
   * Builds the latent index now (search then relates words that occur together in the passages);
   * null when the knowledge base is too small for one. Otherwise built in the background when due.
   */
  buildLatentIndex(): Promise<{passages: number; rank: number; vocabulary: number} | null>;
  stats(): Promise<KnowledgeStats>;
  /** Rebuilds all vectors with the configured (or given) model into a fresh table and swaps it in. */
  reindex(options?: ReindexOptions): Promise<KnowledgeStats>;
  /**
   * Starts a re-index once the model is found and opened, and no other re-index runs; throws at once
   * when it cannot start (EMBEDDING_MODEL_MISSING, MODEL_INVALID, BUSY). `finished` settles at its end.
   */
  startReindex(options?: ReindexOptions): Promise<{model: string; finished: Promise<KnowledgeStats>}>;
  /** The embedding and re-ranking models in the models folders, and which ones search uses. */
  retrievalModels(): RetrievalModels;
  /** Imports the bundled articles (origin "default-knowledge") into the starter collection; unchanged files are skipped. */
  importDefaultKnowledge(folder: string, options?: {collection?: string | null}): Promise<ImportJob>;
  /** Saves Markdown (e.g. a conversation) as a document and waits until it is searchable. */
  addMarkdownDocument(input: MarkdownDocumentInput): Promise<KnowledgeDocumentInfo>;
  /** Applies changed chunking and limit settings to later imports, and the re-ranking choice to later searches. */
  updateSettings(settings: Settings["knowledge"], retrieval?: Pick<Settings["retrieval"], "rerank">): void;
  /** A document's whole text (its chunks joined, overlaps written once), with where a chunk sits in it. */
  documentText(id: string, chunkId?: string): Promise<DocumentText>;
  /** Deletes every document of a collection (e.g. the starter articles); returns how many. */
  deleteCollection(collection: string): Promise<number>;
  /** Writes a knowledge pack (knowledge-pack.ts) of a collection or everything to `target` (`.deskpack` added when missing); NOT_FOUND when empty. */
  exportPack(target: string, options?: PackOptions): Promise<PackExportResult & {path: string}>;
  /** Exports into a temporary file of the data folder, for a download. */
  exportPackDownload(options?: PackOptions): Promise<PackDownload>;
  /** Imports a pack file, checked whole before anything is written (PACK_INVALID, PACK_VERSION_UNSUPPORTED); answers once it is in. */
  importPack(file: string, options?: PackOptions): Promise<PackImportResult>;
  /** Receives a pack (an HTTP body, at most `maxBytes`) into a temporary file and imports it; `signal` stops the receiving only. */
  importPackStream(body: AsyncIterable<Uint8Array>, options: PackOptions & {maxBytes: number}): Promise<PackImportResult>;
  /** The embedding model in use, or null when text-only. */
  embeddingModel(): {id: string; dimension: number; path: string} | null;
  /** What opening the store found damaged and repaired, and which documents lost their passages. */
  storeHealth(): StoreHealth;
  /** Embeds arbitrary texts with the model the knowledge base uses (for /v1/embeddings). */
  embedTexts(texts: string[], signal?: AbortSignal): Promise<{vectors: Float32Array[]; model: string; promptTokens: number}>;
  close(): Promise<void>;
}

/** A title as a file name: characters that no file system accepts become spaces. */
function safeFileStem(title: string): string {
  const stem = [...title].map((char) => (char.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(char) ? " " : char)).join("");
  return stem.replace(/\s+/g, " ").slice(0, 120).trim() || "conversation";
}

/** A sentence for the Knowledge panel when opening found passages lost to a damaged file. */
function damageNotice(health: StoreHealth): string | null {
  const lost = health.lostDocuments;
  if (!lost) return null;
  return `${lost} document${lost === 1 ? "" : "s"} lost ${lost === 1 ? "its" : "their"} passages to a damaged data file and ${lost === 1 ? "is" : "are"} listed as failed; import ${lost === 1 ? "it" : "them"} again (npm run doctor re-imports files that still exist).`;
}

/** Pseudo-questions per fusion calibration: about 2 s at 100k chunks with the fixture embedder. */
const CALIBRATION_SAMPLES = 80;

/**
 * The embedder for a resolved model: a transformers.js folder, or a GGUF embedding model through
 * node-llama-cpp (GPU-accelerated where the app's runtime has a GPU; faster for large imports).
 */
async function openEmbedder(modelPath: string, options: Pick<KnowledgeServiceOptions, "embeddingBatchSize" | "llama" | "threads" | "embedderProcess">): Promise<Embedder> {
  const gguf = /\.gguf$/i.test(modelPath);
  return createAnyEmbedder(modelPath, {
    folder: {batchSize: options.embeddingBatchSize},
    gguf: gguf ? {llama: options.llama ? await options.llama() : undefined, threads: options.threads?.()} : {},
    folderInChildProcess: options.embedderProcess ?? true,
  });
}

/**
 * A shared store is checked for other processes' writes at most this often: by a search when the last
 * check is older, and on a timer so document lists follow too. A check reads two small version
 * records (a listing each on object storage); 5 s keeps that well under one request per second.
 */
export const DEFAULT_SHARED_REFRESH_MS = 5_000;

/** How long an embedding model stays open with nothing to embed (0: until the knowledge base closes). */
export const DEFAULT_EMBEDDER_IDLE_MS = 10 * 60_000;

/**
 * The embedding model as the service holds it: opened on first use and closed after a while with
 * nothing to embed (createLazyEmbedder). A model whose name matches the stored vectors is not opened
 * at start at all, since the knowledge base already knows its vector size; any other is opened once
 * to learn it.
 */
async function keptEmbedder(found: string, store: KnowledgeStore, options: KnowledgeServiceOptions): Promise<LazyEmbedder> {
  const stored = store.vectorModel();
  if (stored && stored.id === path.basename(found))
    return createLazyEmbedder({modelId: stored.id, modelPath: found, dimension: stored.dimension}, () => openEmbedder(found, options), {idleMs: embedderIdleMs(options)});
  return keepOpened(await openEmbedder(found, options), options);
}

/** An opened model under the same idle rule, opened again from its path when needed. */
function keepOpened(model: Embedder, options: KnowledgeServiceOptions): LazyEmbedder {
  return createLazyEmbedder({modelId: model.modelId, modelPath: model.modelPath, dimension: model.dimension}, () => openEmbedder(model.modelPath, options), {idleMs: embedderIdleMs(options), initial: model});
}

const embedderIdleMs = (options: KnowledgeServiceOptions) => options.embedderIdleMs ?? DEFAULT_EMBEDDER_IDLE_MS;

/** Packs being received or prepared for a download live here while in transit; nothing in it outlives the process. */
/** The latent index of the knowledge base, in the data folder (derived; rebuilt when missing). */
export const LATENT_INDEX_FILE = "latent-index.bin";

const packTransitDir = (options: KnowledgeServiceOptions) => path.join(options.dataDir, "pack-transit");

export async function createKnowledgeService(options: KnowledgeServiceOptions): Promise<KnowledgeService> {
  let settings = options.settings;
  let modelSetting = options.embeddingModel !== undefined ? options.embeddingModel : settings.embeddingModel;
  const storeUri = options.storeUri ?? settings.storeUri ?? path.join(options.dataDir, "lancedb");
  const store = await KnowledgeStore.open({uri: storeUri, storageOptions: options.storageOptions});
  // Left by a process that stopped mid-transfer; one process holds a data folder at a time.
  await fs.rm(packTransitDir(options), {recursive: true, force: true}).catch(() => undefined);
  const jobs = new ImportJobs();
  // Pack imports in progress: a re-index waits for them (and they for it), close() stops them. They
  // run one at a time, so each one's duplicate check sees what the one before it added.
  const packImports = new Set<{controller: AbortController; done: Promise<unknown>}>();
  const latent = new LatentIndexKeeper({
    store,
    file: path.join(options.dataDir, LATENT_INDEX_FILE),
    busy: () => jobs.running().length > 0 || packImports.size > 0,
    // The starter articles are generic; the index learns how the team's own documents use words.
    projectedOnly: (doc) => doc.origin === STARTER_ORIGIN,
  });
  await latent.load();

  // Always held under the idle rule (keptEmbedder, keepOpened), so it can say whether it is open.
  let embedder: LazyEmbedder | null = null;
  let embedderProblem: string | null = null;
  const found = resolveAnyEmbeddingModel(embeddingModelCandidates(modelSetting, options.embeddingModelDirs));
  try {
    if (found) embedder = await keptEmbedder(found, store, options);
  } catch (error) {
    // A broken model folder must not take the knowledge base down: it keeps working text-only.
    embedderProblem = error instanceof DesksideError ? error.message : "The embedding model could not be loaded.";
    // With no model chosen, the next one in the models folders is tried: a broken download must not
    // hide a model that works. A chosen model is never silently replaced.
    if (!modelSetting) {
      for (const other of findEmbeddingModels(options.embeddingModelDirs)) {
        if (other.path === found) continue;
        try {
          embedder = await keptEmbedder(other.path, store, options);
          embedderProblem = `${embedderProblem.replace(/\.$/, "")}; search uses "${embedder.modelId}" instead.`;
          break;
        } catch {
          // that one is broken too; try the next
        }
      }
    }
  }
  // An empty store simply adopts the model; there is nothing to re-index.
  if (embedder && !vectorsUsable(store, embedder) && store.listDocuments().length === 0 && (await store.countChunks()) === 0) {
    const current = embedder;
    await store.rebuild({id: current.modelId, dimension: current.dimension}, (texts, signal) => current.embed(texts, {signal}));
  }

  const poolSize = options.parserPoolSize ?? 1;
  const parser =
    poolSize > 0
      ? createParserPool({size: poolSize, limits: options.fileLimits})
      : {
          // Parsers (and OCR) load on first use: they are the largest modules, and the worker pool never needs them here.
          prepare: async (request: PrepareRequest & {bytes: Uint8Array; fileName: string}) =>
            (await import("./parsing/prepare-document.js")).prepareDocument(
              request.bytes,
              request.fileName,
              request.chunking,
              embedder ? (text) => embedder!.countTokens(text) : approximateTokenCount,
              options.fileLimits,
              (await import("./parsing/ocr/ocr-context.js")).inProcessOcrContext(request.ocr ?? null, options.fileLimits, {onProgress: request.onOcrProgress, signal: request.signal}),
            ),
          close: async () => undefined,
        };
  const listeners = new Set<KnowledgeEventListener>();
  const emit = (event: KnowledgeEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // a failing listener must not break an import
      }
    }
  };
  const events = options.events ?? NO_KNOWLEDGE_EVENTS;
  listeners.add(announceImportProgress(events, jobs));
  jobs.onEvent(emit);
  let closing = false;

  // ---- a shared store: other processes' writes, and whether the bucket answers ----
  const refreshMs = options.sharedRefreshMs ?? DEFAULT_SHARED_REFRESH_MS;
  let unreachableSince: Date | null = null;
  /** Notes whether the store answered; returns the error as callers should see it. */
  const reachability = (error: unknown | null): unknown => {
    if (error === null) unreachableSince = null;
    else if (isUnreachable(error) || isUnreachable((error as {cause?: unknown}).cause)) unreachableSince ??= new Date();
    return error === null ? null : asStoreError(store.location.uri, error);
  };
  const refreshShared = async (): Promise<void> => {
    try {
      const changed = await store.refreshIfDue(refreshMs);
      reachability(null);
      if (changed) events.emit("knowledge.changed", {reason: "changed by another Deskside sharing this knowledge base"});
    } catch (error) {
      throw reachability(error);
    }
  };
  // Never more often than once a second in the background, whatever a search is allowed.
  const refreshTimer = store.isShared() ? setInterval(() => void refreshShared().catch(() => undefined), Math.max(refreshMs, 1_000)) : null;
  refreshTimer?.unref();

  const importerDeps = {
    store,
    jobs,
    prepare: (bytes: Uint8Array, fileName: string, chunking: PrepareRequest["chunking"], signal: AbortSignal, onOcrProgress?: (progress: OcrProgress) => void) =>
      parser.prepare({bytes, fileName, chunking, signal, ocr: ocrOptionsFrom(settings.ocrLanguages, options.embeddingModelDirs, options.ocrWorkers), onOcrProgress}),
    embedder: () => embedder,
    limits: () => ({chunkSize: settings.chunkSize, chunkOverlap: settings.chunkOverlap, maxFileSizeMb: settings.maxFileSizeMb}),
    concurrency: options.importConcurrency ?? 2,
    foldEveryPassages: options.foldEveryPassages,
  };

  const assertOpen = () => {
    if (closing) throw new DesksideError("BUSY", "The knowledge base is shutting down.");
  };

  const packQueue = new SerialQueue();
  const packDeps: PackExchangeDeps = {store, embedder: () => embedder, appVersion: options.appVersion ?? "unknown"};
  const transitFile = async (suffix: string) => {
    const dir = packTransitDir(options);
    await fs.mkdir(dir, {recursive: true});
    return path.join(dir, `${randomUUID()}${suffix}`);
  };

  const start = (sources: ImportSource[], warnings: ImportJob["warnings"], importOptions: ImportOptions, external?: AbortSignal): ImportJob => {
    const {job, signal} = jobs.create(
      sources.map((source) => (source.kind === "path" ? source.path : source.name)),
      warnings,
      importOptions.origin,
    );
    if (external?.aborted) jobs.cancel(job.id);
    else external?.addEventListener("abort", () => jobs.cancel(job.id), {once: true});
    // Runs in the background; every failure is reported per file, so nothing is awaited here.
    void runImportJob(importerDeps, job.id, sources, importOptions, signal)
      .catch(() => jobs.finish(job.id, "failed"))
      .then(() => afterContentChange());
    return job;
  };

  const checkBatch = (count: number) => {
    if (count > settings.maxBatchFiles)
      throw new DesksideError("BATCH_TOO_LARGE", `This import has ${count} files, more than the limit of ${settings.maxBatchFiles}; import fewer at a time or raise the limit in Settings.`, {
        details: {maxFiles: settings.maxBatchFiles},
      });
  };

  /**
   * Re-measures the hybrid fusion weights when the knowledge base has changed size by a quarter or
   * its vectors were rebuilt; one measurement at a time, in the background, never failing an import.
   */
  let calibration: Promise<FusionCalibration | null> | null = null;
  // What searches learn of each document's language (see search.ts's language prior).
  const documentLanguages = new DocumentLanguages();
  const calibrateNow = (): Promise<FusionCalibration | null> => {
    if (calibration) return calibration;
    calibration = (async () => {
      const current = embedder;
      if (!current || !vectorsUsable(store, current)) return null;
      const chunks = await store.countChunks();
      const visibleFilter = <T extends {documentId: string}>(rows: T[]) => rows.filter((row) => store.isVisible(row.documentId));
      const measured = await calibrateFusion(
        {
          sample: async (count) => (await store.sampleChunks(count)).map((chunk) => ({text: chunk.text, documentId: chunk.documentId})),
          textCandidates: async (query, limit) =>
            visibleFilter(await store.textCandidates(query, {limit, contextBoost: DEFAULT_TUNING.contextBoost})).map((c) => ({...c, score: c.bm25})),
          vectorCandidates: async (queries, limit) => {
            const vectors = await embedInSlices(current, queries);
            return Promise.all(
              vectors.map(async (vector) => visibleFilter(await store.vectorCandidates(vector, {limit})).map((c) => ({...c, score: 1 - (c.distance ?? 1)}))),
            );
          },
        },
        {samples: CALIBRATION_SAMPLES, chunks, model: current.modelId, method: DEFAULT_TUNING.fusionMethod},
      );
      if (measured && !closing) await store.saveFusionCalibration(measured);
      return measured;
    })()
      .catch(() => null)
      .finally(() => {
        calibration = null;
      });
    return calibration;
  };
  const calibrateIfDue = async (): Promise<void> => {
    if (closing || !embedder) return;
    if (calibrationCurrent(store.fusionCalibration(), await store.countChunks().catch(() => 0), store.vectorModel()?.id ?? null)) return;
    await calibrateNow();
  };
  /** What follows a change of content (an import, a pack): fusion weights, then (once changes settle) the latent index, each when due. */
  const afterContentChange = async (): Promise<void> => {
    await calibrateIfDue();
    if (!closing) latent.schedule();
  };

  const unreachableNotice = () =>
    unreachableSince ? `The shared knowledge base at ${store.location.uri} has not answered since ${unreachableSince.toISOString()}; search and import resume once it is back.` : null;

  const noticeFor = async (): Promise<string | null> => {
    const progress = store.rebuildProgress();
    if (progress) return `Re-indexing: ${progress.done} of ${progress.total} chunks done; search uses the previous index until it finishes.`;
    const stored = store.vectorModel();
    if (!embedder) {
      const why = (embedderProblem ?? "No embedding model was found").replace(/\.$/, "");
      if (stored) return `${why}; the stored vectors were made by "${stored.id}", so search matches words only. Add that model back or re-index with another one.`;
      return `${why}: documents are stored as text only and search matches words only. Add an embedding model and re-index to search by meaning.`;
    }
    if (!stored) return `Documents are stored without vectors; re-index to add vectors from "${embedder.modelId}".`;
    if (!vectorsUsable(store, embedder)) return `The stored vectors were made by "${stored.id}" (${stored.dimension} dimensions); re-index to use "${embedder.modelId}".`;
    const missing = store.listDocuments().filter((doc) => doc.status === "ready" && doc.embeddingModel === null).length;
    if (missing) return `${missing} document${missing === 1 ? " has" : "s have"} no vectors yet; re-index to add them.`;
    return null;
  };

  // The re-ranker loads on the first search that can use it, so start-up stays lean; a model that
  // fails to load is reported once in stats and search goes on without it.
  let rerankEnabled = options.retrieval?.rerank ?? true;
  let rerankerSetting = settings.rerankerModel;
  let reranker: Promise<Reranker | null> | null = null;
  let rerankerProblem: string | null = null;
  let reindexStarting = false;
  const rerankerCandidate = () => (rerankEnabled ? resolveReranker(rerankerSetting, options.embeddingModelDirs) : null);
  const currentReranker = (): Promise<Reranker | null> => {
    if (!rerankEnabled) return Promise.resolve(null);
    reranker ??= (async () => {
      const candidate = rerankerCandidate();
      if (!candidate) return null;
      try {
        return await createReranker(candidate.path, {llama: options.llama ? await options.llama() : undefined, threads: 1});
      } catch (error) {
        rerankerProblem = `The re-ranking model "${candidate.modelId}" could not be loaded (${toErrorInfo(error).message}); search works without it.`;
        return null;
      }
    })();
    return reranker;
  };
  const dropReranker = async () => {
    const previous = reranker;
    reranker = null;
    rerankerProblem = null;
    await (await previous?.catch(() => null))?.close().catch(() => undefined);
  };

  // Starter articles imported before they had a collection of their own move into it, so one
  // setting can leave them out of search.
  for (const doc of store.listDocuments())
    if (doc.origin === STARTER_ORIGIN && doc.collection === null) await store.setCollection(doc.id, STARTER_COLLECTION).catch(() => undefined);
  // A knowledge base written by an earlier version, or grown since, gets its weights measured and
  // its latent index built.
  void afterContentChange();

  /**
   * Embeds every passage again with the model in `folder` and swaps the new vectors in; the model in
   * use changes only once they are all in place (search keeps the old ones meanwhile).
   */
  async function reindexWith(next: Embedder, setting: string | null, signal: AbortSignal | undefined, onProgress: (done: number, total: number) => void): Promise<void> {
    const previous = embedder;
    let swapped = false;
    try {
      await store.rebuild({id: next.modelId, dimension: next.dimension}, (texts, rebuildSignal) => embedInSlices(next, texts, {signal: rebuildSignal}), {
        signal,
        onProgress,
        onSwap: () => {
          swapped = true;
          // Swapped with the table, so no search pairs the new vectors with the old model.
          if (next !== previous) embedder = keepOpened(next, options);
          embedderProblem = null;
          modelSetting = setting;
        },
      });
    } finally {
      // A model opened for this re-index and never swapped in is closed again.
      if (!swapped && next !== previous) await next.close().catch(() => undefined);
    }
    if (swapped && previous && next !== previous) await previous.close().catch(() => undefined);
  }

  const runPackImport = async (file: string, packOptions: PackOptions): Promise<PackImportResult> => {
    assertOpen();
    if (store.rebuildProgress() || reindexStarting) throw new DesksideError("BUSY", "The knowledge base is being re-indexed; import the pack once that has finished.");
    const controller = new AbortController();
    const stop = () => controller.abort();
    packOptions.signal?.addEventListener("abort", stop, {once: true});
    const id = randomUUID();
    const announce = (progress: Omit<PackImportProgress, "id">) => events.emit("knowledge.packImport", {id, ...progress});
    const run = importPack(packDeps, file, {collection: packOptions.collection, signal: controller.signal, onProgress: announce});
    const entry = {controller, done: run.catch(() => undefined)};
    packImports.add(entry);
    try {
      const result = await run;
      if (result.imported.length > 0) {
        events.emit("knowledge.changed", {reason: "pack imported"});
        // Compaction, index folding and a new fusion measurement, as after an import job.
        void store
          .optimize()
          .catch(() => undefined)
          .then(() => afterContentChange());
      }
      return result;
    } catch (error) {
      announce({state: "failed", done: 0, total: 0, error: toErrorInfo(error)});
      throw error;
    } finally {
      packImports.delete(entry);
      packOptions.signal?.removeEventListener("abort", stop);
    }
  };

  const service: KnowledgeService = {
    async importPaths(paths, importOptions = {}) {
      assertOpen();
      const walk = await collectFiles(paths, {maxFiles: settings.maxBatchFiles, keepAliases: importOptions.dedupe === "path"});
      const sources: ImportSource[] = walk.files.map((file) => ({kind: "path", path: file.path, error: file.error}));
      return start(sources, walk.warnings, {collection: importOptions.collection ?? null, origin: importOptions.origin ?? "import", dedupe: importOptions.dedupe, confineTo: importOptions.confineTo}, importOptions.signal);
    },

    async importBuffers(files, importOptions = {}) {
      assertOpen();
      checkBatch(files.length);
      // Cleaned names, none shared with another document; the same folder and name again replaces (upload-names.ts).
      const plans = planUploadNames(files.map((file) => file.name), store.listDocuments());
      const sources: ImportSource[] = files.map((file, index) => ({kind: "buffer", name: plans[index].name, sourcePath: plans[index].sourcePath, bytes: file.bytes}));
      return start(sources, [], {collection: importOptions.collection ?? null, origin: importOptions.origin ?? "import"}, importOptions.signal);
    },

    getJob: (id) => jobs.get(id),
    listJobs: () => jobs.list(),
    async waitForJob(id) {
      const finished = jobs.wait(id);
      if (!finished) throw new DesksideError("NOT_FOUND", "That import job is not known (it may be from an earlier session).");
      return finished;
    },
    cancelJob: (id) => jobs.cancel(id),

    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    listDocuments: () => store.listDocuments(),
    getDocument: (id) => store.getDocument(id),
    getChunk: (id) => store.getChunk(id),

    async deleteDocument(id) {
      if (!(await store.deleteDocument(id))) throw new DesksideError("NOT_FOUND", "That document is not in the knowledge base.");
      events.emit("knowledge.changed", {reason: "document deleted"});
    },

    async deleteDocuments(ids) {
      const deleted = await store.deleteDocuments(ids);
      if (deleted > 0) events.emit("knowledge.changed", {reason: "documents deleted"});
      return deleted;
    },

    async setCollection(id, collection) {
      const doc = await store.setCollection(id, collection || null);
      events.emit("knowledge.changed", {reason: "collection changed"});
      return doc;
    },

    async moveDocuments(moves) {
      const moved = await store.moveDocuments(moves);
      if (moved.length > 0) events.emit("knowledge.changed", {reason: "documents moved"});
      return moved;
    },

    async search(request, searchOptions = {}) {
      const normalized = normalizeSearchRequest(request, options.retrieval);
      await refreshShared();
      try {
        const result = await search(store, embedder, normalized, {
          tuning: searchOptions.tuning,
          calibration: store.fusionCalibration(),
          latent: latent.current(),
          languages: documentLanguages,
          reranker: await currentReranker(),
        });
        if (store.isShared()) reachability(null);
        return result;
      } catch (error) {
        throw store.isShared() ? reachability(error) : error;
      }
    },

    calibrate: () => calibrateNow(),

    async buildLatentIndex() {
      const built = await latent.rebuild();
      return built ? {passages: built.size, rank: built.rank, vocabulary: built.vocabulary} : null;
    },

    async stats() {
      const ready = store.listDocuments().filter((doc) => doc.status === "ready");
      const stored = store.vectorModel();
      return {
        documents: ready.length,
        // From the documents in memory, not a table scan: /health asks for this while imports run.
        chunks: ready.reduce((sum, doc) => sum + doc.chunkCount, 0),
        collections: [...new Set(ready.map((doc) => doc.collection).filter((c): c is string => c !== null))].sort(),
        embeddingModel: stored?.id ?? null,
        embeddingDimension: stored?.dimension ?? null,
        embeddingModelOpen: embedder ? embedder.isOpen() : null,
        storeUri: store.location.uri,
        reranker: (() => {
          const candidate = rerankerProblem ? null : rerankerCandidate();
          return candidate ? {id: candidate.modelId, kind: candidate.kind} : null;
        })(),
        fusion: (() => {
          const measured = store.fusionCalibration();
          return measured ? {...measured.weights, measuredAt: measured.measuredAt} : null;
        })(),
        notice: [unreachableNotice(), damageNotice(store.health()), embedder ? embedderProblem : null, await noticeFor(), rerankerProblem].filter(Boolean).join(" ") || null,
      };
    },

    async reindex(reindexOptions = {}) {
      return (await service.startReindex(reindexOptions)).finished;
    },

    async startReindex(reindexOptions = {}) {
      assertOpen();
      if (store.rebuildProgress() || reindexStarting) throw new DesksideError("BUSY", "The knowledge base is already being re-indexed.");
      if (packImports.size > 0) throw new DesksideError("BUSY", "A knowledge pack is being imported; re-index once it is in.");
      const setting = reindexOptions.embeddingModel !== undefined ? reindexOptions.embeddingModel : modelSetting;
      const folder = resolveAnyEmbeddingModel(embeddingModelCandidates(setting, options.embeddingModelDirs));
      if (!folder)
        throw new DesksideError("EMBEDDING_MODEL_MISSING", setting ? `The embedding model "${setting}" was not found in the models folders.` : "No embedding model was found in the models folders; add one, then re-index.");
      // Opened before the call answers, so a model that cannot embed (a re-ranker, a broken file) is refused to the caller.
      reindexStarting = true;
      let next: Embedder;
      try {
        next = embedder && embedder.modelPath === folder ? embedder : await openEmbedder(folder, options);
      } finally {
        reindexStarting = false;
      }
      // Announced from start to end, so a window opened meanwhile shows how far it has come and how it ended.
      const announce = (progress: Omit<ReindexProgress, "model" | "error"> & {error?: ReindexProgress["error"]}) =>
        events.emit("knowledge.reindex", {model: path.basename(folder), error: null, ...progress});
      let latest = {done: 0, total: await store.countChunks()};
      announce({state: "running", ...latest});
      const finished = (async () => {
        try {
          await reindexWith(next, setting, reindexOptions.signal, (done, total) => {
            latest = {done, total};
            reindexOptions.onProgress?.(done, total);
            emit({type: "reindex", done, total});
            announce({state: "running", done, total});
          });
        } catch (error) {
          announce({state: "failed", ...latest, error: toErrorInfo(error)});
          throw error;
        }
        announce({state: "done", done: latest.total, total: latest.total});
        void calibrateIfDue();
        const stats = await service.stats();
        events.emit("knowledge.changed", {reason: "re-indexed"});
        return stats;
      })();
      return {model: path.basename(folder), finished};
    },

    retrievalModels() {
      const activeReranker = rerankerProblem ? null : rerankerCandidate();
      return {
        embedding: findEmbeddingModels(options.embeddingModelDirs).map((found) => ({
          name: path.basename(found.path),
          kind: found.kind,
          active: embedder !== null && path.resolve(embedder.modelPath) === path.resolve(found.path),
        })),
        rerankers: findRerankers(options.embeddingModelDirs).map((found) => ({
          name: found.modelId,
          kind: found.kind,
          active: activeReranker !== null && path.resolve(activeReranker.path) === path.resolve(found.path),
        })),
      };
    },

    async importDefaultKnowledge(folder, defaultOptions = {}) {
      // The folder's README explains the folder to the team; it is not an article.
      const articles = readdirSync(folder)
        .filter((name) => !/^readme\.md$/i.test(name) && !name.startsWith("."))
        .map((name) => path.join(folder, name));
      return service.importPaths(articles, {collection: defaultOptions.collection ?? STARTER_COLLECTION, origin: STARTER_ORIGIN});
    },

    async addMarkdownDocument(input) {
      assertOpen();
      const title = input.title.trim() || "Saved conversation";
      const source: ImportSource = {
        kind: "buffer",
        name: `${safeFileStem(title)}.md`,
        bytes: new TextEncoder().encode(input.markdown),
        title,
        sourcePath: `${input.origin ?? "conversation"}:${randomUUID()}`,
      };
      const job = start([source], [], {collection: input.collection ?? null, origin: input.origin ?? "conversation"});
      const finished = await jobs.wait(job.id)!;
      const file = finished.files[0];
      const doc = file.documentId ? store.getDocument(file.documentId) : null;
      if ((file.state === "done" || file.state === "skipped") && doc) {
        events.emit("knowledge.changed", {reason: `${input.origin ?? "conversation"} saved`});
        return doc;
      }
      if (file.error) throw new DesksideError(file.error.code as never, file.error.message);
      throw new DesksideError("CANCELLED", "Saving to the knowledge base was cancelled.");
    },

    updateSettings(next, retrieval) {
      settings = next;
      const enabled = retrieval?.rerank ?? rerankEnabled;
      if (enabled !== rerankEnabled || next.rerankerModel !== rerankerSetting) {
        rerankEnabled = enabled;
        rerankerSetting = next.rerankerModel;
        void dropReranker();
      }
    },

    async documentText(id, chunkId) {
      const document = store.getDocument(id);
      if (!document || document.status !== "ready") throw new DesksideError("NOT_FOUND", "That document is not in the knowledge base.");
      const merged = mergeChunks(await store.documentChunks(id, 0, document.chunkCount));
      const ordinal = chunkId?.startsWith(`${id}:`) ? Number(chunkId.slice(id.length + 1)) : null;
      const range = merged.ranges.find((r) => r.ordinal === ordinal);
      const truncated = merged.text.length > DOCUMENT_TEXT_MAX_CHARS;
      const highlight = range && range.end <= DOCUMENT_TEXT_MAX_CHARS ? {start: range.start, end: range.end} : null;
      return {document, text: truncated ? merged.text.slice(0, DOCUMENT_TEXT_MAX_CHARS) : merged.text, highlight, truncated};
    },

    async deleteCollection(collection) {
      const docs = store.listDocuments().filter((doc) => doc.collection === collection);
      const deleted = await store.deleteDocuments(docs.map((doc) => doc.id));
      if (deleted > 0) events.emit("knowledge.changed", {reason: "collection deleted"});
      return deleted;
    },

    async exportPack(target, packOptions = {}) {
      assertOpen();
      const file = target.toLowerCase().endsWith(PACK_EXTENSION) ? target : `${target}${PACK_EXTENSION}`;
      const collection = packOptions.collection || null;
      const written = await exportPack(packDeps, file, {collection, signal: packOptions.signal});
      return {...written, path: file, fileName: path.basename(file)};
    },

    async exportPackDownload(packOptions = {}) {
      assertOpen();
      const collection = packOptions.collection || null;
      const file = await transitFile(PACK_EXTENSION);
      const written = await exportPack(packDeps, file, {collection, signal: packOptions.signal});
      return {...written, path: file, fileName: packFileName(collection), release: () => fs.rm(file, {force: true})};
    },

    importPack: (file, packOptions = {}) => packQueue.run(() => runPackImport(file, packOptions)),

    async importPackStream(body, packOptions) {
      assertOpen();
      const file = await transitFile(".upload");
      try {
        await receivePack(body, file, {maxBytes: packOptions.maxBytes, signal: packOptions.signal});
        // Once the pack is here, the import runs to its end even if the sender goes away.
        return await service.importPack(file, {collection: packOptions.collection});
      } finally {
        await fs.rm(file, {force: true});
      }
    },

    storeHealth: () => store.health(),

    embeddingModel() {
      return embedder ? {id: embedder.modelId, dimension: embedder.dimension, path: embedder.modelPath} : null;
    },

    async embedTexts(texts, signal) {
      const current = embedder;
      if (!current) throw new DesksideError("EMBEDDING_MODEL_MISSING", "No embedding model is available; place one in the models folder.");
      const vectors = await embedInSlices(current, texts, {signal, tokenCounts: true});
      return {vectors, model: current.modelId, promptTokens: texts.reduce((n, t) => n + current.countTokens(t), 0)};
    },

    async close() {
      if (closing) return;
      closing = true;
      if (refreshTimer) clearInterval(refreshTimer);
      jobs.cancelAll();
      for (const entry of packImports) entry.controller.abort();
      await Promise.allSettled([...jobs.running(), ...[...packImports].map((entry) => entry.done)]);
      await parser.close();
      await calibration;
      await latent.close();
      await dropReranker();
      await embedder?.close().catch(() => undefined);
      await store.close();
    },
  };
  return service;
}
