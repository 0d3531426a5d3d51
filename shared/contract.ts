/**
 * The one contract between the core and every client: Electron IPC, the browser over HTTP
 * (/rpc/<method> + /events), and tests. Each method has an input schema (validated by the core,
 * since clients are untrusted) and an output type; each event has a payload type.
 */
import {z} from "zod";
import type {Conversation, ConversationSummary, StoredMessage, TicketDraft} from "./chat.js";
import type {ImportJob, KnowledgeDocument, WatchedFolder, KnowledgeStats, PackExportResult, PackImportProgress, PackImportResult, ReindexProgress, RetrievalModels, SearchResult, FileProgress} from "./knowledge.js";
import type {EngineStatus, GpuInfo, LoadedModel, ModelInfo} from "./models.js";
import type {PublicSettings, SecretsState} from "./settings.js";
import {API_SCOPES, apiTokenName, type ApiTokenInfo, type CreatedApiToken} from "./api-tokens.js";

/** Carries the output type of a method without a runtime value. */
declare const outputBrand: unique symbol;
export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  description: string;
  readonly [outputBrand]?: O;
}
function method<O>() {
  return <I extends z.ZodType>(input: I, description: string): MethodSpec<I, O> => ({input, description});
}

const none = z.object({}).strict().optional();
const id = z.object({id: z.string().min(1).max(200)}).strict();
const conversationId = z.object({conversationId: z.string().min(1).max(200)}).strict();
const text = (max: number) => z.string().max(max);

export interface SettingsView {
  /** The settings in effect: stored values with command-line flags and DESKSIDE_* variables applied; secrets left out. */
  settings: PublicSettings;
  /** Whether each write-only setting (the API token, the remote engine's key) has a value. */
  secrets: SecretsState;
  warnings: {code: string; message: string}[];
  /** Absolute over IPC; over HTTP paths are cut down (a browser never learns the server's folders). */
  dataDir: string;
  /** Setting paths (e.g. "api.token", "api.port") fixed for this run by a flag or environment variable; edits to them apply after the override is removed. */
  overridden: string[];
}

export interface AppInfo {
  version: string;
  dataDir: string;
  host: "electron" | "browser";
  api: {enabled: boolean; url: string | null; error: {code: string; message: string} | null; lan: boolean};
  firstRun: boolean;
  defaultKnowledge: {imported: boolean; documents: number};
}

/** An OCR language whose data is on disk: in a models folder's tessdata/, or an installed @tesseract.js-data package. */
export interface OcrLanguage {
  /** tesseract's code: eng, deu, chi_sim. */
  code: string;
  source: "models-folder" | "package";
  /** The data file (desktop app only: never sent over HTTP). */
  path?: string;
}

export interface OcrLanguages {
  /** Languages whose data is found now, by code. */
  available: OcrLanguage[];
  /** knowledge.ocrLanguages in order (the first is the main one); empty: OCR is off. */
  selected: string[];
  /** Selected languages without data: a scan or image fails with OCR_UNAVAILABLE until the data is added. */
  missing: string[];
}

export interface DownloadState {
  id: string;
  url: string;
  fileName: string;
  receivedBytes: number;
  totalBytes: number | null;
  state: "downloading" | "done" | "failed" | "cancelled";
  error: {code: string; message: string} | null;
}

export interface ChatSendResult {
  conversationId: string;
  userMessage: StoredMessage;
  assistantMessageId: string;
}

export const modelLoadInput = z
  .object({
    model: z.string().min(1).max(4096),
    gpuLayers: z.union([z.literal("auto"), z.literal("max"), z.number().int().min(0).max(1000)]).optional(),
    contextSize: z.union([z.literal("auto"), z.number().int().min(256).max(1_048_576)]).optional(),
    threads: z.number().int().min(0).max(256).optional(),
    parallelSequences: z.number().int().min(1).max(32).optional(),
    flashAttention: z.boolean().optional(),
    batchSize: z.number().int().min(1).max(65_536).nullable().optional(),
  })
  .strict();

export const searchInput = z
  .object({
    query: z.string().min(1).max(4000),
    topK: z.number().int().min(1).max(20).optional(),
    mode: z.enum(["hybrid", "vector", "text"]).optional(),
    minScore: z.number().min(0).max(1).optional(),
    collection: z.string().max(200).nullable().optional(),
    excludeCollections: z.array(z.string().max(200)).max(100).optional(),
    passages: z.boolean().optional(),
  })
  .strict();

/** A document's whole text for reading, and where one of its chunks sits in it. */
export interface DocumentText {
  document: KnowledgeDocument;
  text: string;
  /** Character range of the requested chunk in `text`; null without a chunk or past a cut. */
  highlight: {start: number; end: number} | null;
  /** True when a very long document was cut; the rest is in the file itself. */
  truncated: boolean;
}

export const contract = {
  "app.info": method<AppInfo>()(none, "Version, data folder, API address and first-run state."),
  "app.completeFirstRun": method<AppInfo>()(none, "Marks the first-run screen as seen."),

  "settings.get": method<SettingsView>()(none, "Current settings and any warning from loading them."),
  "settings.update": method<SettingsView>()(
    z.record(z.string(), z.unknown()),
    "Applies a partial update; invalid values are rejected with SETTINGS_INVALID. Over HTTP, a change to a local-only setting (api.host, api.allowLan, api.corsOrigins, api.token, knowledge.storeUri) rejects the whole update with SETTING_LOCAL_ONLY.",
  ),
  "settings.reset": method<SettingsView>()(none, "Restores defaults (the API token is kept; over HTTP every local-only setting is kept)."),
  "settings.regenerateToken": method<SettingsView>()(none, "Issues a new API token; old clients must be updated. Desktop app only (SETTING_LOCAL_ONLY over HTTP)."),
  "settings.apiToken": method<{token: string}>()(none, "The API token in effect, for the desktop app to show and copy. Never over HTTP (SETTING_LOCAL_ONLY)."),

  "apiTokens.list": method<ApiTokenInfo[]>()(none, "Named API tokens: name, scope, rate limit, created and last used (never their values or hashes)."),
  "apiTokens.create": method<CreatedApiToken>()(
    z.object({name: apiTokenName, scope: z.enum(API_SCOPES), rateLimitPerMinute: z.number().int().min(1).max(100_000).nullable().optional()}).strict(),
    "Creates a named token; its value is in this answer and nowhere else. Desktop app only (SETTING_LOCAL_ONLY over HTTP).",
  ),
  "apiTokens.revoke": method<{ok: true}>()(
    z.object({name: z.string().min(1).max(64)}).strict(),
    "Revokes a named token (by name or id); its next request is refused. Desktop app only (SETTING_LOCAL_ONLY over HTTP).",
  ),

  "models.list": method<ModelInfo[]>()(none, "GGUF models found in the model folders with a fit estimate."),
  "models.gpu": method<GpuInfo>()(none, "Backend, GPU names, VRAM and CPU threads."),
  "models.status": method<EngineStatus>()(none, "What is loaded, load progress, queue."),
  "models.load": method<LoadedModel>()(modelLoadInput, "Loads a model (replacing the current one)."),
  "models.unload": method<{ok: true}>()(none, "Frees the loaded model."),
  "models.cancelLoad": method<{ok: true}>()(none, "Cancels a load in progress."),
  "models.import": method<ModelInfo>()(z.object({path: z.string().min(1).max(4096)}).strict(), "Copies a .gguf file into the models folder."),
  "models.download": method<DownloadState>()(z.object({url: z.url().max(4096)}).strict(), "Downloads a GGUF from a Hugging Face URL (needs internet)."),
  "models.downloads": method<DownloadState[]>()(none, "Downloads in progress and finished."),
  "models.cancelDownload": method<{ok: true}>()(id, "Cancels a download."),

  "knowledge.import": method<ImportJob>()(
    z.object({paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000), collection: z.string().max(200).nullable().optional()}).strict(),
    "Imports files and folders from disk (desktop app).",
  ),
  "knowledge.upload": method<ImportJob>()(
    z
      .object({
        files: z.array(z.object({name: z.string().min(1).max(1024), dataBase64: z.string()}).strict()).min(1).max(1000),
        collection: z.string().max(200).nullable().optional(),
      })
      .strict(),
    "Imports files sent by the client (browser mode drops).",
  ),
  "knowledge.jobs": method<ImportJob[]>()(none, "Recent import jobs, newest first."),
  "knowledge.job": method<ImportJob>()(id, "One import job with per-file progress."),
  "knowledge.cancelJob": method<ImportJob>()(id, "Cancels an import job."),
  "knowledge.list": method<KnowledgeDocument[]>()(none, "Documents in the knowledge base."),
  "knowledge.delete": method<{ok: true}>()(id, "Deletes a document and its chunks."),
  "knowledge.setCollection": method<KnowledgeDocument>()(
    z.object({id: z.string().min(1).max(200), collection: z.string().max(200).nullable()}).strict(),
    "Moves a document to a collection.",
  ),
  "knowledge.reindex": method<{ok: true; model: string}>()(
    z
      .object({embeddingModel: z.string().min(1).max(400).optional()})
      .strict()
      .optional(),
    "Rebuilds all vectors with the current embedding model, or switches to another one found in the models folders (its name). Answers once it has started; knowledge.reindex events follow it.",
  ),
  "knowledge.retrievalModels": method<RetrievalModels>()(none, "Embedding and re-ranking models found in the models folders, and which ones search uses."),
  "knowledge.ocrLanguages": method<OcrLanguages>()(
    none,
    "OCR languages whose data is found now (tessdata/ of the models folders, installed @tesseract.js-data packages), the ones knowledge.ocrLanguages selects, and selected ones without data.",
  ),
  "knowledge.search": method<SearchResult>()(searchInput, "Hybrid, vector or text search."),
  "knowledge.stats": method<KnowledgeStats>()(none, "Counts, collections, embedding and re-ranking models, fusion weights."),
  "knowledge.document": method<DocumentText>()(
    z.object({id: z.string().min(1).max(200), chunkId: z.string().min(1).max(300).optional()}).strict(),
    "A document's whole text, with the range of one of its chunks (e.g. a cited one) to highlight.",
  ),
  "knowledge.deleteCollection": method<{deleted: number}>()(
    z.object({collection: z.string().min(1).max(200)}).strict(),
    "Deletes every document of a collection (e.g. the starter articles); returns how many.",
  ),
  "knowledge.exportPack": method<PackExportResult>()(
    z.object({path: z.string().min(1).max(4096), collection: z.string().min(1).max(200).nullable().optional()}).strict(),
    "Writes a knowledge pack (.deskpack: documents, passages, vectors and a manifest) of one collection, or of the whole knowledge base, to a file (desktop app; a browser downloads GET /api/knowledge/pack).",
  ),
  "knowledge.importPack": method<PackImportResult>()(
    z.object({path: z.string().min(1).max(4096), collection: z.string().max(200).nullable().optional()}).strict(),
    "Imports a knowledge pack from a file, checked whole before anything is written, into its own collections or the one named (desktop app; a browser sends it to POST /api/knowledge/pack). Answers when it is in; knowledge.packImport events report progress.",
  ),

  "knowledge.folders": method<WatchedFolder[]>()(none, "Watched folders with their sync state, file counts, last sync and errors."),
  "knowledge.addFolder": method<WatchedFolder>()(
    z.object({path: z.string().min(1).max(4096), collection: z.string().max(200).nullable().optional()}).strict(),
    "Keeps a folder (on the machine running Deskside) in sync: its files are imported now, and created, changed, renamed or deleted files follow within seconds. FOLDER_NOT_FOUND, FOLDER_ALREADY_WATCHED.",
  ),
  "knowledge.pauseFolder": method<WatchedFolder>()(
    z.object({id: z.string().min(1).max(200), paused: z.boolean()}).strict(),
    "Pauses a watched folder (its documents stay searchable, changes are not followed) or resumes it with a full rescan.",
  ),
  "knowledge.rescanFolder": method<WatchedFolder>()(id, "Compares every file of a watched folder with the knowledge base now and fixes any difference."),
  "knowledge.removeFolder": method<{ok: true; deleted: number}>()(
    z.object({id: z.string().min(1).max(200), keepDocuments: z.boolean()}).strict(),
    "Stops watching a folder; its documents are kept as ordinary documents or deleted (returns how many).",
  ),

  "chat.list": method<ConversationSummary[]>()(z.object({query: text(500).optional()}).strict().optional(), "Conversations, newest first."),
  "chat.create": method<Conversation>()(z.object({title: text(200).optional()}).strict().optional(), "Starts a conversation."),
  "chat.get": method<Conversation>()(id, "A conversation with its messages."),
  "chat.rename": method<ConversationSummary>()(z.object({id: z.string().min(1).max(200), title: z.string().min(1).max(200)}).strict(), "Renames a conversation."),
  "chat.delete": method<{ok: true}>()(id, "Deletes a conversation."),
  "chat.reset": method<Conversation>()(id, "Clears the history, keeps the conversation."),
  "chat.export": method<{fileName: string; markdown: string}>()(id, "The conversation as Markdown."),
  "chat.send": method<ChatSendResult>()(
    z.object({conversationId: z.string().min(1).max(200).optional(), message: z.string().min(1).max(32_000)}).strict(),
    "Sends a message; the answer streams as chat.token events and ends with chat.done.",
  ),
  "chat.stop": method<{ok: true}>()(conversationId, "Stops the answer being generated; the partial answer is kept."),
  "chat.regenerate": method<ChatSendResult>()(conversationId, "Answers the last question again."),
  "chat.editLast": method<ChatSendResult>()(
    z.object({conversationId: z.string().min(1).max(200), message: z.string().min(1).max(32_000)}).strict(),
    "Replaces the last question and answers it again.",
  ),
  "chat.feedback": method<StoredMessage>()(
    z.object({messageId: z.string().min(1).max(200), rating: z.enum(["up", "down"]).nullable(), comment: text(2000).optional()}).strict(),
    "Thumbs up/down with an optional comment.",
  ),
  "chat.draftTicket": method<TicketDraft>()(conversationId, "Drafts a ticket from the conversation (always valid JSON)."),
  "chat.saveToKnowledge": method<KnowledgeDocument>()(
    z.object({conversationId: z.string().min(1).max(200), title: text(200).optional(), collection: z.string().max(200).nullable().optional()}).strict(),
    "Turns a resolved conversation into a knowledge-base article.",
  ),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]["input"]>;
export type MethodOutput<M extends MethodName> = Contract[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

export interface EventMap {
  "settings.changed": SettingsView;
  "models.status": EngineStatus;
  "models.loadProgress": {model: string; progress: number};
  "models.download": DownloadState;
  "knowledge.progress": {jobId: string; file: FileProgress; counts: ImportJob["counts"]; state: ImportJob["state"]};
  "knowledge.changed": {reason: string};
  /** Re-index progress: while it runs, then once with how it ended. */
  "knowledge.reindex": ReindexProgress;
  /** A knowledge pack import: checking, writing or embedding, then how it ended. */
  "knowledge.packImport": PackImportProgress;
  /** A job changed state (started, finished, cancelled) or got a warning; carries the whole job. */
  "knowledge.job": ImportJob;
  /** A watched folder's state or counts changed, or it was added (removed: `removed: true`). */
  "knowledge.folder": WatchedFolder & {removed?: boolean};
  /** `offset`: characters of the answer before this text, so a reader that joins late can line it up. */
  "chat.token": {conversationId: string; messageId: string; text: string; offset: number};
  /** The answer waits for a free generation slot: its place in line (1: next). */
  "chat.queued": {conversationId: string; messageId: string; position: number};
  "chat.message": StoredMessage;
  "chat.changed": {conversationId: string};
  "app.notice": {level: "info" | "warning" | "error"; code: string; message: string};
}
export type EventName = keyof EventMap;

/**
 * Who may hear an event. Left out: every client with the `admin` scope. With an owner: only that
 * owner's clients (a conversation's events reach the person whose conversation it is).
 */
export interface EventAudience {
  owner: string;
}

/**
 * Where a service announces the changes it owns: the app's event bus, narrowed to those events, so
 * a reader sees in the constructor which events a service may send.
 */
export interface EventSink<E extends EventName> {
  emit<N extends E>(name: N, payload: EventMap[N], audience?: EventAudience): void;
}

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

/** The shape both transports return for a call. */
export type RpcResponse<T> = {ok: true; result: T} | {ok: false; error: {code: string; message: string; details?: Record<string, unknown>}};
