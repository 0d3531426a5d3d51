import type {AppInfo, SettingsView} from "../../../shared/contract.js";
import type {Citation, Conversation, ConversationSummary, StoredMessage} from "../../../shared/chat.js";
import type {ImportJob, KnowledgeDocument, KnowledgeStats, WatchedFolder} from "../../../shared/knowledge.js";
import type {EngineStatus, GpuInfo, ModelInfo} from "../../../shared/models.js";
import {defaultSettings, publicSettings} from "../../../shared/settings.js";
import {placeholderAnswer} from "../features/chat/messages.js";

export const appInfo = (overrides: Partial<AppInfo> = {}): AppInfo => ({
  version: "0.1.0",
  dataDir: "/home/tech/.config/Deskside",
  host: "electron",
  api: {enabled: true, url: "http://127.0.0.1:3375", error: null, lan: false},
  firstRun: false,
  defaultKnowledge: {imported: true, documents: 35},
  ...overrides,
});

/** The token the fake core hands the desktop app (settings.apiToken); views never carry it. */
export const TEST_TOKEN = "dsk_test_token_123";

export const settingsView = (overrides: Partial<SettingsView> = {}): SettingsView => {
  const settings = defaultSettings();
  settings.api.token = TEST_TOKEN;
  return {...publicSettings(settings), warnings: [], dataDir: "/home/tech/.config/Deskside", overridden: [], ...overrides};
};

export const loadedStatus = (overrides: Partial<EngineStatus> = {}): EngineStatus => ({
  engine: "local",
  state: "loaded",
  model: {id: "qwen2.5-3b-instruct-q4_k_m.gguf", path: "/models/qwen2.5-3b-instruct-q4_k_m.gguf", name: "Qwen2.5 3B Instruct", contextSize: 8192, gpuLayers: 37, sequences: 4, threads: 0, loadMs: 1840},
  progress: null,
  error: null,
  queue: {active: 0, waiting: 0, capacity: 4, limit: 16},
  remote: null,
  ...overrides,
});

export const emptyStatus = (overrides: Partial<EngineStatus> = {}): EngineStatus => loadedStatus({state: "none", model: null, ...overrides});

export const gpuInfo = (overrides: Partial<GpuInfo> = {}): GpuInfo => ({
  backend: "cuda",
  requested: "auto",
  devices: ["NVIDIA GeForce RTX 4070"],
  vram: {total: 12 * 1024 ** 3, used: 3 * 1024 ** 3, free: 9 * 1024 ** 3},
  ram: {total: 32 * 1024 ** 3, free: 20 * 1024 ** 3},
  cpuThreads: 16,
  defaultThreads: 16,
  notice: null,
  ...overrides,
});

export const model = (overrides: Partial<ModelInfo> = {}): ModelInfo => ({
  id: "qwen2.5-3b-instruct-q4_k_m.gguf",
  path: "/models/qwen2.5-3b-instruct-q4_k_m.gguf",
  source: "data",
  name: "Qwen2.5 3B Instruct",
  architecture: "qwen2",
  parameters: "3B",
  parameterCount: 3_090_000_000,
  quantization: "Q4_K_M",
  role: "chat",
  sizeBytes: 1_930_000_000,
  trainedContext: 32768,
  hasChatTemplate: true,
  fit: {score: 1, fits: true, gpuLayers: 37, totalLayers: 37, contextSize: 8192, vramBytes: 2_600_000_000, ramBytes: 300_000_000},
  ...overrides,
});

export const citation = (index: number, overrides: Partial<Citation> = {}): Citation => ({
  index,
  chunkId: `chunk-${index}`,
  documentId: `doc-${index}`,
  title: index === 1 ? "VPN error 809" : "VPN authentication and connection errors",
  sourcePath: `/kb/vpn-${index}.md`,
  headingPath: ["VPN", "Error 809", "Fix"],
  page: null,
  row: null,
  snippet: "Error 809 means the VPN server did not answer on UDP 500/4500. Ask the user to try a wired connection.",
  score: 0.82,
  ...overrides,
});

let sequence = 0;
export const message = (overrides: Partial<StoredMessage> = {}): StoredMessage => ({
  ...placeholderAnswer("c1", `m${++sequence}`),
  createdAt: "2026-11-21T10:00:00.000Z",
  status: "complete",
  ...overrides,
});

export const summary = (overrides: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: "c1",
  title: "VPN error 809",
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:05:00.000Z",
  messageCount: 2,
  ...overrides,
});

export const conversation = (messages: StoredMessage[], overrides: Partial<ConversationSummary> = {}): Conversation => ({...summary(overrides), messageCount: messages.length, messages});

export const knowledgeDocument = (overrides: Partial<KnowledgeDocument> = {}): KnowledgeDocument => ({
  id: "d1",
  title: "VPN error 809",
  sourcePath: "/kb/vpn-error-809.md",
  sha256: "abc",
  mime: "text/markdown",
  kind: "markdown",
  collection: "Network",
  chunkCount: 12,
  sizeBytes: 8_200,
  importedAt: "2026-11-20T09:00:00.000Z",
  status: "ready",
  origin: "import",
  embeddingModel: "static-glove-wordpiece",
  notes: [],
  ...overrides,
});

export const knowledgeStats = (overrides: Partial<KnowledgeStats> = {}): KnowledgeStats => ({
  documents: 1,
  chunks: 12,
  collections: ["Network"],
  embeddingModel: "static-glove-wordpiece",
  embeddingDimension: 300,
  storeUri: "/data/lancedb",
  reranker: null,
  fusion: null,
  notice: null,
  ...overrides,
});

export const importJob = (overrides: Partial<ImportJob> = {}): ImportJob => ({
  id: "job1",
  state: "running",
  createdAt: "2026-11-21T10:00:00.000Z",
  finishedAt: null,
  files: [],
  warnings: [],
  counts: {queued: 0, done: 0, skipped: 0, failed: 0, cancelled: 0},
  ...overrides,
});

export const watchedFolder = (overrides: Partial<WatchedFolder> = {}): WatchedFolder => ({
  id: "f1",
  path: "/srv/runbooks",
  collection: "Runbooks",
  state: "watching",
  paused: false,
  files: 12,
  documents: 12,
  failed: 0,
  leftOutCount: 0,
  pending: 0,
  addedAt: "2026-11-20T09:00:00.000Z",
  lastSyncAt: "2026-11-21T09:58:00.000Z",
  lastScanAt: "2026-11-21T09:58:00.000Z",
  error: null,
  errors: [],
  leftOut: [],
  ...overrides,
});
