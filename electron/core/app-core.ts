import fs from "node:fs";
import path from "node:path";
import {DesksideError, toErrorInfo} from "../../shared/errors.js";
import type {ApiServices, Embeddings} from "./api/api-services.js";
import {ApiStatus} from "./api/api-status.js";
import type {ApiHost} from "./api/start-api.js";
import type {ChatApi} from "./chat/chat-api.js";
import {ChatService} from "./chat/chat-service.js";
import {ConversationStore} from "./chat/conversation-store.js";
import {ApiTokens} from "./config/api-tokens.js";
import {AppSettings} from "./config/app-settings.js";
import {TokenUsage} from "./config/token-usage.js";
import {appRootFrom} from "./config/app-root.js";
import {modelFolders} from "./config/effective-settings.js";
import {defaultDataDir, type RuntimeOverrides} from "./config/runtime-config.js";
import {acquireDataDirLock, type DataDirLock} from "./data-dir-lock.js";
import {EventBus} from "./event-bus.js";
import {createKnowledgeService, type KnowledgeService} from "./knowledge/knowledge-service.js";
import {createUnavailableKnowledgeService} from "./knowledge/unavailable-knowledge.js";
import {createReopeningKnowledgeService} from "./knowledge/reopening-knowledge.js";
import {isUnreachable} from "./knowledge/store-reachability.js";
import type {ChatEngine} from "./llm/engine.js";
import {engineOrder} from "./llm/engine-order.js";
import {EngineRouter} from "./llm/engine-router.js";
import {LocalEngine} from "./llm/local-engine.js";
import {ModelDownloads} from "./llm/model-downloads.js";
import {ModelService} from "./llm/model-service.js";
import {remoteEngineFromSettings} from "./llm/remote-engine.js";
import {createLogger, type Logger} from "./logger.js";
import {idleCollection, startIdleCollector} from "./memory/idle-collector.js";
import {RpcDispatcher} from "./rpc/dispatcher.js";
import {createHandlers} from "./rpc/handlers.js";
import {SettingsService, type BackingFactory} from "./settings/settings-service.js";
import {runStartup} from "./startup.js";
import {storageOptionsFor} from "./knowledge/object-store-options.js";
import {ensureFolder} from "./storage/ensure-folder.js";
import {FolderRegistry} from "./knowledge/folders/folder-registry.js";
import {WatchedFolders} from "./knowledge/folders/watched-folders.js";

const REPO_ROOT = appRootFrom(import.meta.url);

export interface CreateAppCoreOptions {
  overrides?: RuntimeOverrides;
  /** Defaults: overrides.dataDir, then the OS app-data folder. */
  dataDir?: string;
  bundledModelsDir?: string | null;
  /** The default articles imported on first run; null skips that import. */
  knowledgeDir?: string | null;
  settingsBacking?: BackingFactory;
  host?: "electron" | "browser";
  /** Load the configured (or first available) model in the background at start. Default: settings.llm.autoLoad. */
  autoLoadModel?: boolean;
  /** Tests only: every model load waits this long first, so requests can be sent while it runs. */
  modelLoadDelayMs?: number;
  logger?: Logger;
  /** The app's version; read from package.json when left out (unbundled runs). */
  version?: string;
  /** Also print warnings and errors on stderr (the headless server). */
  echoLogs?: boolean;
}

/** What the hosts (Electron main, the headless server) and the tests get from the core. */
export interface DesksideCore {
  readonly version: string;
  readonly dataDir: string;
  /** Settings in effect (flags and environment over the stored file); announces every change. */
  readonly settings: AppSettings;
  /** Every service's events, for the transports (IPC, /events) to forward. */
  readonly events: EventBus;
  /** The engine chat and the API use: local, remote, or both in fallback order. */
  readonly engine: ChatEngine;
  readonly localEngine: LocalEngine;
  readonly knowledge: KnowledgeService;
  /** Folders kept in sync with the knowledge base. */
  readonly folders: WatchedFolders;
  readonly chat: ChatApi;
  /** Validates and runs contract methods; shared by IPC and HTTP. */
  readonly rpc: RpcDispatcher;
  /** What startApi needs to serve the HTTP API (and createApiServer, for tests and benchmarks). */
  readonly api: ApiHost;
  /** Resolves when start-up work (model auto-load, default knowledge, re-index) has settled. */
  readonly startup: Promise<void>;
  close(): Promise<void>;
}

/** An error with its stack and the chain of causes under it (library errors are wrapped once or twice). */
function describeFailure(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    // The stable code first, so a log search for it finds the failure.
    const code = current instanceof DesksideError ? `[${current.code}] ` : "";
    parts.push(current instanceof Error ? code + String(current.stack ?? `${current.name}: ${current.message}`) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\ncaused by: ");
}

/** The app's version from package.json ("0.0.0" when it cannot be read). */
export function readVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {version: string}).version;
  } catch {
    return "0.0.0";
  }
}

/**
 * The composition root: builds every service once, each with exactly what it uses, then starts the
 * background start-up work. Services announce their own changes on the event bus.
 */
export async function createAppCore(options: CreateAppCoreOptions = {}): Promise<DesksideCore> {
  const overrides = options.overrides ?? {};
  const dataDir = path.resolve(options.dataDir ?? overrides.dataDir ?? defaultDataDir());
  const modelsDir = path.join(dataDir, "models");
  const version = options.version ?? readVersion();
  const logger = options.logger ?? createLogger(dataDir, {stderr: options.echoLogs});
  const logError = (context: string) => (error: unknown) => logger.error(`${context}: ${describeFailure(error)}`);
  // One process per data folder: a second desktop app or `npm run serve` on it stops here.
  let lock: DataDirLock;
  try {
    lock = acquireDataDirLock(dataDir, {
      owner: options.host === "electron" ? "the desktop app" : "the headless server",
      onLost: (holder) => logger.error(`another process (${holder?.owner ?? "unknown"}, pid ${holder?.pid ?? "?"}) took over the data folder's lock; this one stalled too long`),
    });
  } catch (error) {
    logError("start-up")(error);
    logger.close();
    throw error;
  }
  try {
    return await buildCore(options, {overrides, dataDir, modelsDir, version, logger, logError, lock});
  } catch (error) {
    // Whatever stopped the start is in the log with its cause, not only on a console that may be gone.
    logError("start-up")(error);
    lock.release();
    logger.close();
    throw error;
  }
}

interface CoreBasics {
  overrides: RuntimeOverrides;
  dataDir: string;
  modelsDir: string;
  version: string;
  logger: Logger;
  logError: (context: string) => (error: unknown) => void;
  lock: DataDirLock;
}

async function buildCore(options: CreateAppCoreOptions, {overrides, dataDir, modelsDir, version, logger, logError, lock}: CoreBasics): Promise<DesksideCore> {
  const events = new EventBus();
  const movedModels = ensureFolder(modelsDir);
  if (movedModels) logger.warn(`a file named "models" was in the way of the models folder; it was kept as ${path.basename(movedModels)}`);

  const storedSettings = new SettingsService(dataDir, options.settingsBacking);
  const settings = new AppSettings(storedSettings, overrides, dataDir, events);
  for (const warning of settings.warnings) logger.warn(warning.message);
  // settings.json may be edited while this runs (npm run tokens, an administrator's editor).
  const stopWatchingSettings = storedSettings.watch();
  const tokenUsage = new TokenUsage(dataDir);
  const apiTokens = new ApiTokens(settings, tokenUsage);
  const bundledModelsDir = options.bundledModelsDir === undefined ? path.join(REPO_ROOT, "resources", "models") : options.bundledModelsDir;
  const knowledgeDir = options.knowledgeDir === undefined ? path.join(REPO_ROOT, "knowledge") : options.knowledgeDir;

  const localEngine = new LocalEngine({gpu: settings.effective().llm.gpu, modelFolders: () => modelFolders(settings.effective(), dataDir, overrides, bundledModelsDir), events, loadDelayMs: options.modelLoadDelayMs});
  let remote = remoteEngineFromSettings(settings.effective().llm.remote);
  const engine = new EngineRouter(() => engineOrder<ChatEngine>(settings.effective().llm, localEngine, remote));
  const models = new ModelService({
    engine: localEngine,
    settings: {llm: () => settings.effective().llm, remember: (llm) => settings.update({llm})},
    modelsDir,
    events,
    log: logger,
  });
  const downloads = new ModelDownloads(() => modelsDir, events, {allowedHosts: () => settings.effective().llm.downloadHosts});

  // The knowledge base and the history open independently: damage to one never stops the other.
  const storeUri = settings.effective().knowledge.storeUri ?? path.join(dataDir, "lancedb");
  // A file where the local store's folder belongs cannot be a store: kept aside, a fresh one is made.
  const movedStore = ensureFolder(path.join(dataDir, "lancedb"));
  if (movedStore) logger.warn(`a file named "lancedb" was in the way of the knowledge base and history folder; it was kept as ${path.basename(movedStore)}`);
  const knowledgeModelDirs = [modelsDir, overrides.modelsDir, bundledModelsDir].filter((d): d is string => Boolean(d));
  const openKnowledge = () =>
    createKnowledgeService({
      dataDir,
      storeUri: settings.effective().knowledge.storeUri,
      storageOptions: storageOptionsFor(storeUri, settings.effective().knowledge.objectStore),
      embeddingModelDirs: knowledgeModelDirs,
      embeddingModel: settings.effective().knowledge.embeddingModel,
      settings: settings.effective().knowledge,
      retrieval: settings.effective().retrieval,
      // GGUF re-rankers share the engine's runtime (and its GPU) instead of starting a second one.
      llama: () => localEngine.llama(),
      threads: () => settings.effective().llm.threads,
      embedderIdleMs: settings.effective().knowledge.embedderIdleMinutes * 60_000,
      appVersion: version,
      events,
    });
  const knowledge = await openKnowledge().catch((error: unknown) => {
    logError("opening the knowledge base")(error);
    const reason = toErrorInfo(error).message;
    if (!isUnreachable(error)) return createUnavailableKnowledgeService(reason, storeUri);
    // A shared store that did not answer (a bucket or network down) is opened again until it does.
    return createReopeningKnowledgeService({
      open: openKnowledge,
      reason,
      storeUri,
      onAttemptFailed: (retryError) => logger.warn(`the shared knowledge base is still unreachable: ${toErrorInfo(retryError).message}`),
      onOpened: () => {
        logger.warn("the shared knowledge base answers again; search and import work");
        events.emit("knowledge.changed", {reason: "store reachable"});
        events.emit("app.notice", {level: "info", code: "STORE_UNREACHABLE", message: "The shared knowledge base answers again; search and import work."});
      },
    });
  });
  for (const note of knowledge.storeHealth().notes) logger.warn(`knowledge base: ${note}`);
  const folders = new WatchedFolders({
    knowledge,
    registry: new FolderRegistry(dataDir),
    events,
    log: logger,
    dataDir,
    maxFileBytes: () => settings.effective().knowledge.maxFileSizeMb * 1024 * 1024,
    maxBatchFiles: () => Math.min(500, settings.effective().knowledge.maxBatchFiles),
  });
  const conversations = await ConversationStore.open(path.join(dataDir, "lancedb")).catch((error: unknown) => {
    logError("opening the conversation history")(error);
    // This session's conversations are kept in memory; the damaged files stay as they are.
    return ConversationStore.open("memory://");
  });
  for (const note of conversations.health.notes) logger.warn(`history: ${note}`);
  const chat = new ChatService({store: conversations, knowledge, engine, events, settings: () => settings.effective(), log: (error, context) => logError(context)(error)});

  settings.onChange((next, previous) => {
    if (JSON.stringify(next.llm.remote) !== JSON.stringify(previous.llm.remote)) remote = remoteEngineFromSettings(next.llm.remote);
    knowledge.updateSettings(next.knowledge, next.retrieval);
  });

  const apiStatus = new ApiStatus();
  const rpc = new RpcDispatcher(
    createHandlers({
      app: {version, dataDir, host: options.host ?? "browser"},
      apiStatus: () => apiStatus.current(),
      settings,
      apiTokens,
      models,
      engine,
      downloads,
      knowledge,
      knowledgeModelDirs,
      folders,
      chat,
    }),
    (error, method) => logError(method)(error),
  );

  // The knowledge base's own embedder serves /v1/embeddings, so the model is loaded once.
  const embeddings: Embeddings = {
    modelId: () => knowledge.embeddingModel()?.id ?? null,
    async embed(texts, signal) {
      const {vectors, model, promptTokens} = await knowledge.embedTexts(texts, signal);
      return {vectors: vectors.map((v) => Array.from(v)), model, promptTokens};
    },
  };
  const services: ApiServices = {version, engine, localEngine, chat, knowledge, folders, embeddings, models, events, apiTokens, rpc, generationDefaults: () => settings.effective().generation, logger};

  const startup = runStartup({
    autoLoadModel: options.autoLoadModel ?? settings.effective().llm.autoLoad,
    models,
    knowledge,
    knowledgeDir,
    defaultKnowledge: {imported: () => settings.effective().knowledge.defaultKnowledgeImported, markImported: () => settings.update({knowledge: {defaultKnowledgeImported: true}})},
    events,
    log: logger,
  });
  // Every watched folder is rescanned in the background: changes made while Deskside was closed come in.
  folders.start();
  // What a burst of requests left on the heap goes back once the process is quiet again.
  // What a quiet spell also hands back: what native code freed and glibc kept (memory/native-trim.ts).
  const idleCollector = overrides.idleCollect === false ? null : startIdleCollector(overrides.nativeTrim === false ? {collect: idleCollection(null)} : {});

  return {
    version,
    dataDir,
    settings,
    events,
    engine,
    localEngine,
    knowledge,
    folders,
    chat,
    rpc,
    api: {services, settings, status: apiStatus},
    startup,
    async close() {
      idleCollector?.close();
      stopWatchingSettings();
      tokenUsage.flush();
      chat.stopAll();
      downloads.cancelAll();
      await folders.close().catch((error) => logger.error(`closing the watched folders: ${error}`));
      await localEngine.dispose().catch((error) => logger.error(`closing the engine: ${error}`));
      await chat.whenIdle();
      await conversations.close().catch(() => undefined);
      await knowledge.close().catch((error) => logger.error(`closing the knowledge base: ${error}`));
      lock.release();
      logger.close();
    },
  };
}
