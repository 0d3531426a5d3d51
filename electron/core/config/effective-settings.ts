import path from "node:path";
import type {Settings} from "../../../shared/settings.js";
import type {RuntimeOverrides} from "./runtime-config.js";

/** Settings as they apply to this run: flags and DESKSIDE_* variables over stored values, never persisted. */
export function effectiveSettings(settings: Settings, overrides: RuntimeOverrides): Settings {
  return {
    ...settings,
    llm: {
      ...settings.llm,
      model: overrides.model ?? settings.llm.model,
      gpu: overrides.gpu ?? settings.llm.gpu,
      threads: overrides.threads ?? settings.llm.threads,
    },
    knowledge: {
      ...settings.knowledge,
      embeddingModel: overrides.embeddingModel ?? settings.knowledge.embeddingModel,
      storeUri: overrides.storeUri ?? settings.knowledge.storeUri,
      objectStore: {
        endpoint: overrides.s3Endpoint ?? settings.knowledge.objectStore.endpoint,
        region: overrides.s3Region ?? settings.knowledge.objectStore.region,
        pathStyle: overrides.s3PathStyle ?? settings.knowledge.objectStore.pathStyle,
        allowHttp: overrides.s3AllowHttp ?? settings.knowledge.objectStore.allowHttp,
        accessKeyId: overrides.s3AccessKeyId ?? settings.knowledge.objectStore.accessKeyId,
        secretAccessKey: overrides.s3SecretAccessKey ?? settings.knowledge.objectStore.secretAccessKey,
      },
    },
    api: {
      ...settings.api,
      host: overrides.host ?? settings.api.host,
      port: overrides.port ?? settings.api.port,
      token: overrides.apiToken ?? settings.api.token,
    },
  };
}

/** Model folders in the documented order: beside the configured model, data folder, DESKSIDE_MODELS_DIR, bundled. */
export function modelFolders(settings: Settings, dataDir: string, overrides: RuntimeOverrides, bundledModelsDir: string | null) {
  const folders: {dir: string; source: "settings" | "data" | "env" | "bundled"}[] = [];
  const configured = settings.llm.model;
  if (configured && (path.isAbsolute(configured) || configured.includes("/") || configured.includes("\\")))
    folders.push({dir: path.dirname(path.resolve(configured)), source: "settings"});
  folders.push({dir: path.join(dataDir, "models"), source: "data"});
  if (overrides.modelsDir) folders.push({dir: overrides.modelsDir, source: "env"});
  if (bundledModelsDir) folders.push({dir: bundledModelsDir, source: "bundled"});
  return folders;
}

/** Which settings a flag or environment variable fixes for this run, as "section.key" paths. */
export function overriddenSettings(overrides: RuntimeOverrides): string[] {
  const paths: [keyof RuntimeOverrides, string][] = [
    ["model", "llm.model"],
    ["gpu", "llm.gpu"],
    ["threads", "llm.threads"],
    ["embeddingModel", "knowledge.embeddingModel"],
    ["storeUri", "knowledge.storeUri"],
    ["s3Endpoint", "knowledge.objectStore.endpoint"],
    ["s3Region", "knowledge.objectStore.region"],
    ["s3PathStyle", "knowledge.objectStore.pathStyle"],
    ["s3AllowHttp", "knowledge.objectStore.allowHttp"],
    ["s3AccessKeyId", "knowledge.objectStore.accessKeyId"],
    ["s3SecretAccessKey", "knowledge.objectStore.secretAccessKey"],
    ["host", "api.host"],
    ["port", "api.port"],
    ["apiToken", "api.token"],
  ];
  return paths.filter(([key]) => overrides[key] !== undefined).map(([, name]) => name);
}
