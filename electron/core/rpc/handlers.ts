import path from "node:path";
import {DesksideError} from "../../../shared/errors.js";
import type {AppInfo, SettingsView} from "../../../shared/contract.js";
import type {DesksideCore} from "../app-core.js";
import {importModelFile} from "../llm/model-import.js";
import {loadOptionsFrom, rememberedLoad} from "../llm/load-options.js";
import {overriddenSettings} from "../config/effective-settings.js";
import type {Handlers} from "./dispatcher.js";

const OK = {ok: true} as const;

function settingsView(core: DesksideCore): SettingsView {
  return {settings: core.effective(), warnings: core.settings.warnings.map(({code, message}) => ({code, message})), dataDir: core.dataDir, overridden: overriddenSettings(core.overrides)};
}

async function appInfo(core: DesksideCore): Promise<AppInfo> {
  const settings = core.effective();
  const documents = (await core.knowledge.listDocuments()).filter((d) => d.origin === "default-knowledge").length;
  return {
    version: core.version,
    dataDir: core.dataDir,
    host: core.host,
    api: {enabled: settings.api.enabled, url: core.apiState.url, error: core.apiState.error, lan: settings.api.allowLan},
    firstRun: !settings.ui.firstRunDone,
    defaultKnowledge: {imported: settings.knowledge.defaultKnowledgeImported, documents},
  };
}

/** One handler per contract method; each is a thin call into a core service. */
export function createHandlers(core: DesksideCore): Handlers {
  const llm = () => core.effective().llm;
  return {
    "app.info": () => appInfo(core),
    "app.completeFirstRun": () => {
      core.settings.update({ui: {firstRunDone: true}});
      return appInfo(core);
    },

    "settings.get": () => settingsView(core),
    "settings.update": (patch) => {
      core.settings.update(patch);
      return settingsView(core);
    },
    "settings.reset": () => {
      core.settings.reset();
      return settingsView(core);
    },
    "settings.regenerateToken": () => {
      if (core.overrides.apiToken !== undefined)
        throw new DesksideError("INVALID_INPUT", "The API token is fixed by DESKSIDE_API_TOKEN (or --api-token) for this run; change it there.");
      core.settings.regenerateApiToken();
      return settingsView(core);
    },

    "models.list": () => core.localEngine.listModels({gpuLayers: llm().gpuLayers, contextSize: llm().contextSize, flashAttention: llm().flashAttention}),
    "models.gpu": () => core.localEngine.gpuInfo(),
    "models.status": () => core.engine.status(),
    "models.load": async ({model, ...choices}) => {
      const loaded = await core.localEngine.load(loadOptionsFrom(llm(), model, choices));
      // Remember the choice so the next start loads the same model with the same options.
      core.settings.update({llm: rememberedLoad(loaded.path, choices)});
      return loaded;
    },
    "models.unload": async () => {
      await core.localEngine.unload();
      return OK;
    },
    "models.cancelLoad": () => {
      core.localEngine.cancelLoad();
      return OK;
    },
    "models.import": async ({path: source}, context) => {
      if (context.transport === "http") throw new DesksideError("INVALID_INPUT", "Importing a model by file path works in the desktop app; in a browser, copy the .gguf into the models folder.");
      return importModelFile(source, path.join(core.dataDir, "models"));
    },
    "models.download": ({url}) => core.downloads.start(url),
    "models.downloads": () => core.downloads.list(),
    "models.cancelDownload": ({id}) => {
      core.downloads.cancel(id);
      return OK;
    },

    "knowledge.import": ({paths, collection}, context) => {
      if (context.transport === "http") throw new DesksideError("INVALID_INPUT", "Importing by file path works in the desktop app; in a browser, drop the files or upload them.");
      return core.knowledge.importPaths(paths, {collection: collection ?? null});
    },
    "knowledge.upload": ({files, collection}) =>
      core.knowledge.importBuffers(
        files.map((f) => ({name: f.name, bytes: new Uint8Array(Buffer.from(f.dataBase64, "base64"))})),
        {collection: collection ?? null},
      ),
    "knowledge.jobs": () => core.knowledge.listJobs(),
    "knowledge.job": ({id}) => {
      const job = core.knowledge.getJob(id);
      if (!job) throw new DesksideError("NOT_FOUND", "No such import job.");
      return job;
    },
    "knowledge.cancelJob": ({id}) => {
      if (!core.knowledge.getJob(id)) throw new DesksideError("NOT_FOUND", "No such import job.");
      core.knowledge.cancelJob(id);
      return core.knowledge.getJob(id)!;
    },
    "knowledge.list": () => core.knowledge.listDocuments(),
    "knowledge.delete": async ({id}) => {
      await core.knowledge.deleteDocument(id);
      core.events.emit("knowledge.changed", {reason: "document deleted"});
      return OK;
    },
    "knowledge.setCollection": async ({id, collection}) => {
      const doc = await core.knowledge.setCollection(id, collection);
      core.events.emit("knowledge.changed", {reason: "collection changed"});
      return doc;
    },
    "knowledge.reindex": async () => {
      await core.knowledge.reindex();
      core.events.emit("knowledge.changed", {reason: "re-indexed"});
      return OK;
    },
    "knowledge.search": (input) => core.knowledge.search(input),
    "knowledge.stats": () => core.knowledge.stats(),
    "knowledge.document": ({id, chunkId}) => core.knowledge.documentText(id, chunkId),
    "knowledge.deleteCollection": async ({collection}) => {
      const deleted = await core.knowledge.deleteCollection(collection);
      if (deleted > 0) core.events.emit("knowledge.changed", {reason: "collection deleted"});
      return {deleted};
    },

    "chat.list": (input) => core.chat.list(input?.query),
    "chat.create": (input) => core.chat.create(input?.title),
    "chat.get": ({id}) => core.chat.get(id),
    "chat.rename": ({id, title}) => core.chat.rename(id, title),
    "chat.delete": async ({id}) => {
      await core.chat.delete(id);
      return OK;
    },
    "chat.reset": ({id}) => core.chat.reset(id),
    "chat.export": ({id}) => core.chat.exportMarkdown(id),
    "chat.send": async (input) => {
      const {done: _done, ...handle} = await core.chat.send(input);
      return handle;
    },
    "chat.stop": async ({conversationId}) => {
      await core.chat.stop(conversationId);
      return OK;
    },
    "chat.regenerate": async ({conversationId}) => {
      const {done: _done, ...handle} = await core.chat.regenerate(conversationId);
      return handle;
    },
    "chat.editLast": async ({conversationId, message}) => {
      const {done: _done, ...handle} = await core.chat.editLast(conversationId, message);
      return handle;
    },
    "chat.feedback": ({messageId, rating, comment}) => core.chat.feedback(messageId, rating, comment),
    "chat.draftTicket": ({conversationId}) => core.chat.draftTicket(conversationId),
    "chat.saveToKnowledge": ({conversationId, title, collection}) => core.chat.saveToKnowledge(conversationId, {title, collection}),
  };
}
