import type {AppInfo, SettingsView} from "../../../shared/contract.js";
import {scrubPaths} from "./path-scrub.js";

const scrubNullable = (value: string | null) => (value === null ? null : scrubPaths(value));

/**
 * Settings as an HTTP client sees them: no secrets (the view never has them) and no folders of the
 * server's disk. Path-valued settings keep only a file name ("<path>" for a folder), so send them
 * back only to change them.
 */
export function settingsViewForHttp(view: SettingsView): SettingsView {
  const {settings} = view;
  return {
    ...view,
    dataDir: scrubPaths(view.dataDir),
    warnings: view.warnings.map((warning) => ({...warning, message: scrubPaths(warning.message)})),
    settings: {
      ...settings,
      llm: {...settings.llm, model: scrubNullable(settings.llm.model)},
      knowledge: {
        ...settings.knowledge,
        storeUri: scrubNullable(settings.knowledge.storeUri),
        embeddingModel: scrubNullable(settings.knowledge.embeddingModel),
        rerankerModel: scrubNullable(settings.knowledge.rerankerModel),
      },
    },
  };
}

export function appInfoForHttp(info: AppInfo): AppInfo {
  return {...info, dataDir: scrubPaths(info.dataDir), api: {...info.api, error: info.api.error && {...info.api.error, message: scrubPaths(info.api.error.message)}}};
}

/** A method's result or an event's payload as it may leave over HTTP (/rpc, /events); others pass as they are. */
export function forHttp(name: string, value: unknown): unknown {
  switch (name) {
    case "app.info":
    case "app.completeFirstRun":
      return appInfoForHttp(value as AppInfo);
    case "settings.get":
    case "settings.update":
    case "settings.reset":
    case "settings.regenerateToken":
    case "settings.changed":
      return settingsViewForHttp(value as SettingsView);
    default:
      return value;
  }
}
