import {DesksideError} from "../../../shared/errors.js";
import {LOCAL_OWNER} from "../../../shared/api-tokens.js";
import type {AppInfo} from "../../../shared/contract.js";
import type {ApiState} from "../api/api-status.js";
import type {ChatApi} from "../chat/chat-api.js";
import type {ApiTokens} from "../config/api-tokens.js";
import type {AppSettings} from "../config/app-settings.js";
import type {ChangeOrigin} from "../config/local-only.js";
import type {KnowledgeApi} from "../knowledge/knowledge-api.js";
import type {WatchedFolders} from "../knowledge/folders/watched-folders.js";
import {ocrLanguageReport} from "../knowledge/parsing/ocr/ocr-languages.js";
import {ocrDataDirs} from "../knowledge/parsing/ocr/ocr-options.js";
import type {ChatEngine} from "../llm/engine.js";
import type {ModelDownloads} from "../llm/model-downloads.js";
import type {ModelService} from "../llm/model-service.js";
import type {CallContext, Handlers} from "./dispatcher.js";

/** What the contract's handlers may touch, each as small as it is used; the composition root fills it. */
export interface HandlerDeps {
  app: {version: string; dataDir: string; host: "electron" | "browser"};
  /** Where the HTTP API is reachable (read only: startApi writes it). */
  apiStatus(): ApiState;
  settings: Pick<AppSettings, "effective" | "view" | "update" | "reset" | "regenerateToken" | "apiToken">;
  /** Named API tokens; created and revoked only locally. */
  apiTokens: Pick<ApiTokens, "list" | "create" | "revoke">;
  models: Pick<ModelService, "list" | "gpu" | "load" | "unload" | "cancelLoad" | "importFile">;
  /** Status of the engine in use (local, remote, or both in fallback order). */
  engine: Pick<ChatEngine, "status">;
  downloads: Pick<ModelDownloads, "start" | "list" | "cancel">;
  knowledge: Pick<
    KnowledgeApi,
    | "importPaths"
    | "importBuffers"
    | "listJobs"
    | "getJob"
    | "cancelJob"
    | "listDocuments"
    | "deleteDocument"
    | "setCollection"
    | "startReindex"
    | "retrievalModels"
    | "search"
    | "stats"
    | "documentText"
    | "deleteCollection"
    | "exportPack"
    | "importPack"
  >;
  /** The models folders the knowledge service reads, in its order; OCR language data is in their tessdata/. */
  knowledgeModelDirs: readonly string[];
  /** Watched folders (knowledge/folders/). */
  folders: Pick<WatchedFolders, "list" | "add" | "setPaused" | "rescan" | "remove">;
  chat: ChatApi;
}

const OK = {ok: true} as const;

/** A call over HTTP proved only that it has the token; IPC (and the core's own tests) is this computer. */
export function originOf(context: CallContext): ChangeOrigin {
  return context.transport === "http" ? "remote" : "local";
}

/** Whose conversations a call may see and touch: its API token's owner, or the local owner. */
export function ownerOf(context: CallContext): string {
  return context.caller?.owner ?? LOCAL_OWNER;
}

/**
 * One handler per contract method; each is a thin call into a service. Changes are announced by the
 * services themselves, so a handler never sends events.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  const {settings, models, knowledge, folders, chat, downloads, apiTokens} = deps;

  const appInfo = async (): Promise<AppInfo> => {
    const current = settings.effective();
    const api = deps.apiStatus();
    const documents = (await knowledge.listDocuments()).filter((d) => d.origin === "default-knowledge").length;
    return {
      version: deps.app.version,
      dataDir: deps.app.dataDir,
      host: deps.app.host,
      api: {enabled: current.api.enabled, url: api.url, error: api.error, lan: current.api.allowLan},
      firstRun: !current.ui.firstRunDone,
      defaultKnowledge: {imported: current.knowledge.defaultKnowledgeImported, documents},
    };
  };

  return {
    "app.info": () => appInfo(),
    "app.completeFirstRun": () => {
      settings.update({ui: {firstRunDone: true}});
      return appInfo();
    },

    "settings.get": () => settings.view(),
    "settings.update": (patch, context) => {
      settings.update(patch, originOf(context));
      return settings.view();
    },
    "settings.reset": (_input, context) => {
      settings.reset(originOf(context));
      return settings.view();
    },
    "settings.regenerateToken": (_input, context) => {
      settings.regenerateToken(originOf(context));
      return settings.view();
    },
    "settings.apiToken": (_input, context) => ({token: settings.apiToken(originOf(context))}),

    "apiTokens.list": () => apiTokens.list(),
    "apiTokens.create": (input, context) => apiTokens.create(input, originOf(context)),
    "apiTokens.revoke": ({name}, context) => {
      apiTokens.revoke(name, originOf(context));
      return OK;
    },

    "models.list": () => models.list(),
    "models.gpu": () => models.gpu(),
    "models.status": () => deps.engine.status(),
    "models.load": ({model, ...choices}) => models.load(model, choices),
    "models.unload": async () => {
      await models.unload();
      return OK;
    },
    "models.cancelLoad": () => {
      models.cancelLoad();
      return OK;
    },
    "models.import": ({path: source}, context) => {
      if (context.transport === "http") throw new DesksideError("INVALID_INPUT", "Importing a model by file path works in the desktop app; in a browser, copy the .gguf into the models folder.");
      return models.importFile(source);
    },
    "models.download": ({url}) => downloads.start(url),
    "models.downloads": () => downloads.list(),
    "models.cancelDownload": ({id}) => {
      downloads.cancel(id);
      return OK;
    },

    "knowledge.import": ({paths, collection}, context) => {
      if (context.transport === "http") throw new DesksideError("INVALID_INPUT", "Importing by file path works in the desktop app; in a browser, drop the files or upload them.");
      return knowledge.importPaths(paths, {collection: collection ?? null});
    },
    "knowledge.upload": ({files, collection}) =>
      knowledge.importBuffers(
        files.map((f) => ({name: f.name, bytes: new Uint8Array(Buffer.from(f.dataBase64, "base64"))})),
        {collection: collection ?? null},
      ),
    "knowledge.jobs": () => knowledge.listJobs(),
    "knowledge.job": ({id}) => {
      const job = knowledge.getJob(id);
      if (!job) throw new DesksideError("NOT_FOUND", "No such import job.");
      return job;
    },
    "knowledge.cancelJob": ({id}) => {
      if (!knowledge.getJob(id)) throw new DesksideError("NOT_FOUND", "No such import job.");
      knowledge.cancelJob(id);
      return knowledge.getJob(id)!;
    },
    "knowledge.list": () => knowledge.listDocuments(),
    "knowledge.delete": async ({id}) => {
      await knowledge.deleteDocument(id);
      return OK;
    },
    "knowledge.setCollection": ({id, collection}) => knowledge.setCollection(id, collection),
    "knowledge.reindex": async (input, context) => {
      // A re-index takes minutes on a large knowledge base: the call answers once it has started
      // (or at once with why it cannot, e.g. EMBEDDING_MODEL_MISSING); knowledge.reindex events follow it to its end.
      const chosen = input?.embeddingModel;
      const {model, finished} = await knowledge.startReindex(chosen === undefined ? {} : {embeddingModel: chosen});
      // A chosen model is remembered once its vectors are in place, so a restart keeps it; a failure is announced by the service.
      void finished
        .then(() => {
          if (chosen !== undefined) settings.update({knowledge: {embeddingModel: chosen}}, originOf(context));
        })
        .catch(() => undefined);
      return {ok: true as const, model};
    },
    "knowledge.retrievalModels": () => knowledge.retrievalModels(),
    "knowledge.ocrLanguages": async (_input, context) => {
      const report = await ocrLanguageReport(settings.effective().knowledge.ocrLanguages, ocrDataDirs(deps.knowledgeModelDirs));
      // A browser is not told where the server keeps its files.
      return context.transport === "http" ? {...report, available: report.available.map(({path: _file, ...language}) => language)} : report;
    },
    "knowledge.search": (input) => knowledge.search(input),
    "knowledge.stats": () => knowledge.stats(),
    "knowledge.document": ({id, chunkId}) => knowledge.documentText(id, chunkId),
    "knowledge.deleteCollection": async ({collection}) => ({deleted: await knowledge.deleteCollection(collection)}),
    "knowledge.exportPack": async ({path: target, collection}, context) => {
      if (context.transport === "http") throw new DesksideError("INVALID_INPUT", "Writing a knowledge pack to a file path works in the desktop app; in a browser, download it (GET /api/knowledge/pack).");
      const {path: _written, ...result} = await knowledge.exportPack(target, {collection: collection ?? null});
      return result;
    },
    "knowledge.importPack": ({path: source, collection}, context) => {
      if (context.transport === "http") throw new DesksideError("INVALID_INPUT", "Importing a knowledge pack by file path works in the desktop app; in a browser, upload it (POST /api/knowledge/pack).");
      return knowledge.importPack(source, {collection: collection ?? null});
    },
    // A path names a folder on the computer running Deskside, over HTTP too: a team's server watches its own share.
    "knowledge.folders": () => folders.list(),
    "knowledge.addFolder": ({path: folder, collection}) => folders.add(folder, collection ?? null),
    "knowledge.pauseFolder": ({id, paused}) => folders.setPaused(id, paused),
    "knowledge.rescanFolder": ({id}) => folders.rescan(id),
    "knowledge.removeFolder": async ({id, keepDocuments}) => ({ok: true as const, deleted: await folders.remove(id, keepDocuments)}),

    "chat.list": (input, context) => chat.list(input?.query, ownerOf(context)),
    "chat.create": (input, context) => chat.create(input?.title, ownerOf(context)),
    "chat.get": ({id}, context) => chat.get(id, ownerOf(context)),
    "chat.rename": ({id, title}, context) => chat.rename(id, title, ownerOf(context)),
    "chat.delete": async ({id}, context) => {
      await chat.delete(id, ownerOf(context));
      return OK;
    },
    "chat.reset": ({id}, context) => chat.reset(id, ownerOf(context)),
    "chat.export": ({id}, context) => chat.exportMarkdown(id, ownerOf(context)),
    "chat.send": async (input, context) => {
      const {done: _done, ...handle} = await chat.send({...input, owner: ownerOf(context)});
      return handle;
    },
    "chat.stop": async ({conversationId}, context) => {
      await chat.stop(conversationId, ownerOf(context));
      return OK;
    },
    "chat.regenerate": async ({conversationId}, context) => {
      const {done: _done, ...handle} = await chat.regenerate(conversationId, ownerOf(context));
      return handle;
    },
    "chat.editLast": async ({conversationId, message}, context) => {
      const {done: _done, ...handle} = await chat.editLast(conversationId, message, ownerOf(context));
      return handle;
    },
    "chat.feedback": ({messageId, rating, comment}, context) => chat.feedback(messageId, rating, comment, ownerOf(context)),
    "chat.draftTicket": ({conversationId}, context) => chat.draftTicket(conversationId, ownerOf(context)),
    "chat.saveToKnowledge": ({conversationId, title, collection}, context) => chat.saveToKnowledge(conversationId, {title, collection}, ownerOf(context)),
  };
}
