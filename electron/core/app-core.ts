import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {toErrorInfo} from "../../shared/errors.js";
import type {Settings} from "../../shared/settings.js";
import {effectiveSettings, modelFolders, overriddenSettings} from "./config/effective-settings.js";
import {defaultDataDir, type RuntimeOverrides} from "./config/runtime-config.js";
import type {AppCore, Embeddings} from "./core-types.js";
import {ChatService} from "./chat/chat-service.js";
import {ConversationStore} from "./chat/conversation-store.js";
import {EventBus} from "./event-bus.js";
import {createKnowledgeService} from "./knowledge/knowledge-service.js";
import type {ChatEngine} from "./llm/engine.js";
import {EngineRouter} from "./llm/engine-router.js";
import {engineOrder} from "./llm/engine-order.js";
import {loadOptionsFrom} from "./llm/load-options.js";
import {LocalEngine} from "./llm/local-engine.js";
import {ModelDownloads} from "./llm/model-downloads.js";
import {RemoteEngine} from "./llm/remote-engine.js";
import {createLogger, type Logger} from "./logger.js";
import {createHandlers} from "./rpc/handlers.js";
import {RpcDispatcher} from "./rpc/dispatcher.js";
import {SettingsService, type BackingFactory} from "./settings/settings-service.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

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
  logger?: Logger;
  /** The app's version; read from package.json when left out (unbundled runs). */
  version?: string;
  /** Also print warnings and errors on stderr (the headless server). */
  echoLogs?: boolean;
}

export interface DesksideCore extends AppCore {
  readonly host: "electron" | "browser";
  readonly logger: Logger;
  readonly downloads: ModelDownloads;
  readonly remoteEngine: () => RemoteEngine | null;
  readonly modelFolders: () => ReturnType<typeof modelFolders>;
  readonly knowledgeDir: string | null;
  /** Settings with flags and environment applied. */
  effective(): Settings;
  /** Resolves when start-up work (model auto-load, default knowledge) has settled. */
  readonly startup: Promise<void>;
  firstRunDefaultKnowledge: {imported: boolean; documents: number};
}

function readVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {version: string}).version;
  } catch {
    return "0.0.0";
  }
}

/** The composition root: builds every service once and wires their events to the bus. */
export async function createAppCore(options: CreateAppCoreOptions = {}): Promise<DesksideCore> {
  const overrides = options.overrides ?? {};
  const dataDir = path.resolve(options.dataDir ?? overrides.dataDir ?? defaultDataDir());
  fs.mkdirSync(path.join(dataDir, "models"), {recursive: true});
  const logger = options.logger ?? createLogger(dataDir, {stderr: options.echoLogs});
  const settings = new SettingsService(dataDir, options.settingsBacking);
  for (const warning of settings.warnings) logger.warn(warning.message);
  const effective = () => effectiveSettings(settings.get(), overrides);
  const bundledModelsDir = options.bundledModelsDir === undefined ? path.join(REPO_ROOT, "resources", "models") : options.bundledModelsDir;
  const knowledgeDir = options.knowledgeDir === undefined ? path.join(REPO_ROOT, "knowledge") : options.knowledgeDir;
  const folders = () => modelFolders(effective(), dataDir, overrides, bundledModelsDir);
  const events = new EventBus();

  const localEngine = new LocalEngine({gpu: effective().llm.gpu, modelFolders: folders});
  let remote: RemoteEngine | null = null;
  const buildRemote = () => {
    const r = effective().llm.remote;
    remote = r.baseUrl && r.model ? new RemoteEngine({baseUrl: r.baseUrl, apiKey: r.apiKey, model: r.model, timeoutMs: r.timeoutMs, retries: r.retries}) : null;
  };
  buildRemote();
  const engine = new EngineRouter(() => engineOrder<ChatEngine>(effective().llm, localEngine, remote));

  const embeddingDirs = [path.join(dataDir, "models"), overrides.modelsDir, bundledModelsDir].filter((d): d is string => Boolean(d));
  const knowledge = await createKnowledgeService({
    dataDir,
    storeUri: effective().knowledge.storeUri,
    embeddingModelDirs: embeddingDirs,
    embeddingModel: effective().knowledge.embeddingModel,
    settings: effective().knowledge,
    retrieval: effective().retrieval,
    // GGUF re-rankers share the engine's runtime (and its GPU) instead of starting a second one.
    llama: () => localEngine.llama(),
  });
  const conversations = await ConversationStore.open(path.join(dataDir, "lancedb"));
  const chat = new ChatService({store: conversations, knowledge, engine, events, settings: effective, log: (error, context) => logger.error(`${context}: ${String((error as Error)?.stack ?? error)}`)});

  // The knowledge base's own embedder serves /v1/embeddings, so the model is loaded once.
  const embeddings: Embeddings = {
    modelId: () => knowledge.embeddingModel()?.id ?? null,
    async embed(texts, signal) {
      const {vectors, model, promptTokens} = await knowledge.embedTexts(texts, signal);
      return {vectors: vectors.map((v) => Array.from(v)), model, promptTokens};
    },
  };

  const downloads = new ModelDownloads(() => path.join(dataDir, "models"), (state) => events.emit("models.download", state));

  localEngine.events.on("status", (status) => events.emit("models.status", status));
  localEngine.events.on("load-progress", (progress) => events.emit("models.loadProgress", progress));
  const offKnowledge = knowledge.onProgress((event) => {
    if (event.type === "file") {
      const job = knowledge.getJob(event.jobId);
      if (job) events.emit("knowledge.progress", {jobId: event.jobId, file: event.file, counts: job.counts, state: job.state});
    } else if (event.type !== "reindex") {
      const job = knowledge.getJob(event.jobId);
      if (job) events.emit("knowledge.job", job);
      if (event.type === "job" && event.state !== "running") events.emit("knowledge.changed", {reason: "import finished"});
    }
  });
  settings.onChange((next, previous) => {
    if (JSON.stringify(next.llm.remote) !== JSON.stringify(previous.llm.remote)) buildRemote();
    knowledge.updateSettings(effective().knowledge, effective().retrieval);
    events.emit("settings.changed", {settings: effective(), warnings: settings.warnings, dataDir, overridden: overriddenSettings(overrides)});
  });

  const core: DesksideCore = {
    version: options.version ?? readVersion(),
    dataDir,
    overrides,
    settings,
    events,
    engine,
    localEngine,
    knowledge,
    chat,
    embeddings,
    rpc: undefined as unknown as RpcDispatcher,
    apiState: {url: null, error: null},
    host: options.host ?? "browser",
    logger,
    downloads,
    remoteEngine: () => remote,
    modelFolders: folders,
    knowledgeDir,
    effective,
    startup: Promise.resolve(),
    firstRunDefaultKnowledge: {imported: settings.get().knowledge.defaultKnowledgeImported, documents: 0},
    async close() {
      chat.stopAll();
      downloads.cancelAll();
      offKnowledge();
      await localEngine.dispose().catch((error) => logger.error(`closing the engine: ${error}`));
      await chat.whenIdle();
      await conversations.close().catch(() => undefined);
      await knowledge.close().catch((error) => logger.error(`closing the knowledge base: ${error}`));
      logger.close();
    },
  };
  (core as {rpc: RpcDispatcher}).rpc = new RpcDispatcher(createHandlers(core), (error, method) => logger.error(`${method}: ${String((error as Error)?.stack ?? error)}`));
  (core as {startup: Promise<void>}).startup = startUp(core, options.autoLoadModel ?? effective().llm.autoLoad);
  return core;
}

/** Work done once at start, in the background so the window and the API come up at once. */
async function startUp(core: DesksideCore, autoLoad: boolean): Promise<void> {
  const tasks: Promise<unknown>[] = [reindexIfModelChanged(core)];
  if (autoLoad) tasks.push(loadDefaultModel(core));
  if (core.knowledgeDir && !core.settings.get().knowledge.defaultKnowledgeImported && fs.existsSync(core.knowledgeDir)) {
    tasks.push(
      (async () => {
        const job = await core.knowledge.importDefaultKnowledge(core.knowledgeDir!);
        const finished = await core.knowledge.waitForJob(job.id);
        core.firstRunDefaultKnowledge = {imported: true, documents: finished.counts.done};
        core.settings.update({knowledge: {defaultKnowledgeImported: true}});
      })().catch((error) => core.logger.error(`default knowledge import: ${toErrorInfo(error).message}`)),
    );
  }
  await Promise.all(tasks);
}

/**
 * Vectors are only comparable within one embedding model. When the model in use differs from the
 * one that made the stored vectors (or the knowledge base was stored text-only), rebuild them in
 * the background; search falls back to full text meanwhile, so nothing is blocked.
 */
async function reindexIfModelChanged(core: DesksideCore): Promise<void> {
  const model = core.knowledge.embeddingModel();
  if (!model) return;
  const stats = await core.knowledge.stats();
  if (stats.chunks === 0 || (stats.embeddingModel === model.id && stats.embeddingDimension === model.dimension)) return;
  core.events.emit("app.notice", {level: "info", code: "REINDEXING", message: `Re-indexing ${stats.chunks} passages for the embedding model ${model.id}; text search works meanwhile.`});
  try {
    await core.knowledge.reindex();
    core.events.emit("knowledge.changed", {reason: "re-indexed"});
    core.events.emit("app.notice", {level: "info", code: "REINDEXED", message: `The knowledge base now uses ${model.id} for meaning-based search.`});
  } catch (error) {
    const info = toErrorInfo(error);
    core.logger.error(`re-index: ${info.message}`);
    core.events.emit("app.notice", {level: "warning", code: info.code, message: `Re-indexing failed: ${info.message} Knowledge → Re-index all tries again.`});
  }
}

/** The configured model, else the first one found (bundled default included); none is fine (retrieval-only). */
export async function loadDefaultModel(core: DesksideCore): Promise<void> {
  const llm = core.effective().llm;
  let request = llm.model;
  if (!request) {
    const models = await core.localEngine.listModels().catch(() => []);
    request = models.find((m) => m.fit?.fits)?.path ?? null;
  }
  if (!request) {
    core.logger.info("No chat model found; running in retrieval-only mode.");
    return;
  }
  try {
    await core.localEngine.load(loadOptionsFrom(llm, request));
  } catch (error) {
    const info = toErrorInfo(error);
    core.logger.warn(`The model could not be loaded (${info.code}): ${info.message}`);
    core.events.emit("app.notice", {level: "warning", code: info.code, message: info.message});
  }
}
