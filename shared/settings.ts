import {z} from "zod";
import {apiTokenRecord} from "./api-tokens.js";

/** Bumped when a stored settings file needs a migration (see electron/core/settings/migrations.ts). */
export const SETTINGS_VERSION = 1;

/** Default port of the local HTTP API; chosen to stay clear of common local LLM servers. */
export const DEFAULT_API_PORT = 3375;

export const GPU_CHOICES = ["auto", "cuda", "vulkan", "metal", "cpu"] as const;
export type GpuChoice = (typeof GPU_CHOICES)[number];

export const DEFAULT_SYSTEM_PROMPT = [
  "You are Deskside, an assistant for IT help-desk technicians.",
  "Answer from the numbered knowledge-base excerpts when they are relevant and cite them as [1], [2] right after the sentence they support.",
  "Give concise, numbered troubleshooting steps a technician can follow, most likely fix first.",
  "If the problem is ambiguous, ask one short clarifying question before giving steps.",
  "Never invent commands, settings or error meanings; if the excerpts do not cover the question, say so.",
].join("\n");

const remoteSchema = z.object({
  baseUrl: z.string().default(""),
  apiKey: z.string().default(""),
  model: z.string().default(""),
  timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  retries: z.number().int().min(0).max(5).default(2),
});

/**
 * Hosts model downloads may come from, redirects included: Hugging Face and the CDN names its file
 * links redirect to (cdn-lfs*.hf.co, cas-bridge.xethub.hf.co, …).
 */
export const DEFAULT_DOWNLOAD_HOSTS = ["huggingface.co", "*.huggingface.co", "hf.co", "*.hf.co"];

const llmSchema = z.object({
  /** A .gguf path or a file name inside the models folders; null picks the default model. */
  model: z.string().nullable().default(null),
  gpu: z.enum(GPU_CHOICES).default("auto"),
  gpuLayers: z.union([z.literal("auto"), z.literal("max"), z.number().int().min(0).max(1000)]).default("auto"),
  contextSize: z.union([z.literal("auto"), z.number().int().min(512).max(1_048_576)]).default("auto"),
  batchSize: z.number().int().min(1).max(65_536).nullable().default(null),
  flashAttention: z.boolean().default(false),
  /** 0 lets the engine choose. */
  threads: z.number().int().min(0).max(256).default(0),
  parallelSequences: z.number().int().min(1).max(32).default(4),
  queueLimit: z.number().int().min(0).max(1000).default(16),
  /**
   * Speculative decoding: tokens guessed ahead are checked in one batch, several per step when the
   * guess is right. "prompt-lookup" guesses from the prompt (answers that quote their sources);
   * "draft-model" asks `draftModel`, a small model with the same vocabulary. "auto": prompt lookup
   * when layers run on a GPU, where checking four tokens costs about what one does; off on the CPU,
   * where it costs four times as much (measured: 0.6× the plain speed on a quoting answer).
   */
  speculative: z.enum(["auto", "off", "prompt-lookup", "draft-model"]).default("auto"),
  draftModel: z.string().nullable().default(null),
  engine: z.enum(["local", "remote"]).default("local"),
  fallback: z.enum(["none", "local-then-remote", "remote-then-local"]).default("none"),
  remote: remoteSchema.prefault({}),
  autoLoad: z.boolean().default(true),
  /**
   * Where models may be downloaded from: `host`, `*.domain`, optionally `:port`; https only, unless
   * listed as `http://host`. Loopback and private addresses only when the address itself is listed.
   */
  downloadHosts: z
    .array(z.string().min(1).max(300))
    .max(100)
    .default(() => [...DEFAULT_DOWNLOAD_HOSTS]),
});

const generationSchema = z.object({
  temperature: z.number().min(0).max(2).default(0.3),
  topP: z.number().min(0).max(1).default(0.9),
  topK: z.number().int().min(0).max(1000).default(40),
  repeatPenalty: z.number().min(1).max(2).default(1.1),
  maxTokens: z.number().int().min(1).max(32_768).default(1024),
  seed: z.number().int().min(0).nullable().default(null),
});

const retrievalSchema = z.object({
  mode: z.enum(["hybrid", "vector", "text"]).default("hybrid"),
  topK: z.number().int().min(1).max(20).default(5),
  minScore: z.number().min(0).max(1).default(0),
  /** Below this normalized relevance the knowledge base is considered to have no answer. */
  noAnswerThreshold: z.number().min(0).max(1).default(0.35),
  answerMode: z.enum(["strict", "general"]).default("strict"),
  /** Re-order the leading hits with a re-ranking model when one is present in the models folders. */
  rerank: z.boolean().default(true),
  /** Collections left out of chat retrieval and search (e.g. the starter articles once the team's own are in). */
  excludedCollections: z.array(z.string().max(200)).max(100).default([]),
});

/**
 * How to reach an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …) when `storeUri` is s3://.
 * Empty values are left to LanceDB, which then reads the standard AWS_* variables.
 */
const objectStoreSchema = z.object({
  /** e.g. http://minio.lan:9000 or https://<account>.r2.cloudflarestorage.com; empty: AWS S3. */
  endpoint: z.string().max(500).default(""),
  /** e.g. us-east-1; "auto" for Cloudflare R2. */
  region: z.string().max(100).default(""),
  /** Bucket in the path (endpoint/bucket/key) rather than in the host name (bucket.endpoint/key). */
  pathStyle: z.boolean().default(true),
  /** Plain http:// endpoints are refused unless this is on (a server on the local network). */
  allowHttp: z.boolean().default(false),
  accessKeyId: z.string().max(200).default(""),
  /** Write-only, like the other secrets. */
  secretAccessKey: z.string().max(500).default(""),
});

const knowledgeSchema = z.object({
  /** Local folder or s3:// gs:// az:// URI; null means `<data>/lancedb`. */
  storeUri: z.string().nullable().default(null),
  objectStore: objectStoreSchema.prefault({}),
  embeddingModel: z.string().nullable().default(null),
  /** Re-ranking model: a .gguf path or cross-encoder folder, or a name in the models folders; null: the first found. */
  rerankerModel: z.string().nullable().default(null),
  chunkSize: z.number().int().min(32).max(2048).default(200),
  chunkOverlap: z.number().int().min(0).max(512).default(30),
  maxFileSizeMb: z.number().min(0.001).max(2048).default(50),
  maxBatchFiles: z.number().int().min(1).max(100_000).default(2000),
  /** Minutes the embedding model stays open with nothing to embed; it opens again on the next search or import. 0: stays open. Read at start. */
  embedderIdleMinutes: z.number().min(0).max(10_080).default(10),
  /** Languages read by OCR from scanned pages and images (tesseract codes, e.g. "eng", "deu"); empty: OCR off. */
  ocrLanguages: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{1,31}$/, "an OCR language code such as eng or deu"))
    .max(8)
    .default(["eng"]),
  defaultKnowledgeImported: z.boolean().default(false),
});

const chatSchema = z.object({
  systemPrompt: z.string().max(20_000).default(DEFAULT_SYSTEM_PROMPT),
});

const redactionSchema = z.object({
  enabled: z.boolean().default(true),
  emails: z.boolean().default(false),
  phones: z.boolean().default(false),
});

const apiSchema = z.object({
  enabled: z.boolean().default(true),
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(1).max(65_535).default(DEFAULT_API_PORT),
  /** Binding to anything but loopback needs this explicit opt-in. */
  allowLan: z.boolean().default(false),
  corsOrigins: z.array(z.string()).default([]),
  /** Generated at first run when empty. The owner's admin token. */
  token: z.string().default(""),
  /** Named tokens for the people and tools sharing this server: hashes only (shared/api-tokens.ts). */
  tokens: z
    .array(apiTokenRecord)
    .max(1000)
    .default([])
    .refine((list) => new Set(list.map((t) => t.name.toLowerCase())).size === list.length, {message: "two tokens have the same name"})
    .refine((list) => new Set(list.map((t) => t.id)).size === list.length, {message: "two tokens have the same id"}),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).default(600),
  bodyLimitMb: z.number().min(0.01).max(1024).default(2),
  uploadLimitMb: z.number().min(0.01).max(4096).default(100),
  requestTimeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000),
  /** How long a generation request waits for a model that is loading before it is answered 503 MODEL_LOADING; 0: not at all. */
  modelWaitMs: z.number().int().min(0).max(600_000).default(30_000),
});

const uiSchema = z.object({
  theme: z.enum(["system", "light", "dark"]).default("system"),
  firstRunDone: z.boolean().default(false),
});

export const settingsSchema = z.object({
  version: z.number().int().default(SETTINGS_VERSION),
  llm: llmSchema.prefault({}),
  generation: generationSchema.prefault({}),
  retrieval: retrievalSchema.prefault({}),
  knowledge: knowledgeSchema.prefault({}),
  chat: chatSchema.prefault({}),
  redaction: redactionSchema.prefault({}),
  api: apiSchema.prefault({}),
  ui: uiSchema.prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;

/** A partial update: any subset of sections and keys. */
export type SettingsPatch = {[K in keyof Settings]?: Settings[K] extends object ? Partial<Settings[K]> : Settings[K]};

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/**
 * Settings that decide who can reach Deskside or where its data goes. They change only on the
 * computer running it (the desktop app over IPC, the settings file, DESKSIDE_* variables and flags),
 * never over HTTP: a stolen or leaked API token must not be enough to open the API to the network,
 * to other web origins, or to replace the token itself.
 */
export const LOCAL_ONLY_SETTINGS = [
  "api.host",
  "api.allowLan",
  "api.corsOrigins",
  "api.token",
  "api.tokens",
  "knowledge.storeUri",
  "knowledge.objectStore.endpoint",
  "knowledge.objectStore.region",
  "knowledge.objectStore.pathStyle",
  "knowledge.objectStore.allowHttp",
  "knowledge.objectStore.accessKeyId",
  "knowledge.objectStore.secretAccessKey",
  "llm.downloadHosts",
] as const;
export type LocalOnlySetting = (typeof LOCAL_ONLY_SETTINGS)[number];

/** Write-only settings: clients learn whether they are set, never their value. */
export const SECRET_SETTINGS = ["api.token", "llm.remote.apiKey", "knowledge.objectStore.secretAccessKey"] as const;
export type SecretSetting = (typeof SECRET_SETTINGS)[number];

/**
 * The settings as clients see them: every secret left out (SettingsView.secrets says whether each is
 * set), and the named tokens too (apiTokens.list shows them without their hashes).
 */
export type PublicSettings = Omit<Settings, "api" | "llm" | "knowledge"> & {
  api: Omit<Settings["api"], "token" | "tokens">;
  llm: Omit<Settings["llm"], "remote"> & {remote: Omit<Settings["llm"]["remote"], "apiKey">};
  knowledge: Omit<Settings["knowledge"], "objectStore"> & {objectStore: Omit<Settings["knowledge"]["objectStore"], "secretAccessKey">};
};

export type SecretsState = Record<SecretSetting, {set: boolean}>;

/** Leaves the secrets out, so a client that sends the whole object back never overwrites them. */
export function publicSettings(settings: Settings): {settings: PublicSettings; secrets: SecretsState} {
  const {token, tokens: _tokens, ...api} = settings.api;
  const {apiKey, ...remote} = settings.llm.remote;
  const {secretAccessKey, ...objectStore} = settings.knowledge.objectStore;
  return {
    settings: {...settings, api, llm: {...settings.llm, remote}, knowledge: {...settings.knowledge, objectStore}},
    secrets: {"api.token": {set: token !== ""}, "llm.remote.apiKey": {set: apiKey !== ""}, "knowledge.objectStore.secretAccessKey": {set: secretAccessKey !== ""}},
  };
}
