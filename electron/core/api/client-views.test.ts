import {describe, expect, it} from "vitest";
import type {AppInfo, SettingsView} from "../../../shared/contract.js";
import {defaultSettings, publicSettings} from "../../../shared/settings.js";
import {forHttp} from "./client-views.js";

function view(): SettingsView {
  const settings = defaultSettings();
  settings.api.token = "dsk_secret";
  settings.llm.remote.apiKey = "sk-remote";
  settings.llm.model = "/home/alice/models/qwen.gguf";
  settings.knowledge.storeUri = "/srv/share/alice/kb";
  settings.knowledge.embeddingModel = "C:\\Users\\Bob\\models\\minilm";
  return {...publicSettings(settings), warnings: [{code: "SETTINGS_CORRUPT", message: "kept as /home/alice/.config/Deskside/settings.json.corrupt-1"}], dataDir: "/home/alice/.config/Deskside", overridden: []};
}

describe("what HTTP clients see of settings and app info", () => {
  it("has no secrets and no folders of the server's disk", () => {
    const out = forHttp("settings.get", view()) as SettingsView;
    const text = JSON.stringify(out);
    for (const leak of ["dsk_secret", "sk-remote", "/home/alice", "Bob", "/srv/share"]) expect(text).not.toContain(leak);
    expect(out.secrets).toEqual({"api.token": {set: true}, "llm.remote.apiKey": {set: true}, "knowledge.objectStore.secretAccessKey": {set: false}});
    expect(out.settings.llm.model).toBe("qwen.gguf");
    expect(out.settings.knowledge.storeUri).toBe("<path>");
    expect(out.dataDir).toBe("<path>");
    expect(forHttp("settings.changed", view())).toEqual(out);
  });

  it("keeps cloud store addresses and plain names as they are", () => {
    const v = view();
    v.settings.knowledge.storeUri = "s3://team-kb/deskside";
    v.settings.llm.model = "qwen.gguf";
    const out = forHttp("settings.update", v) as SettingsView;
    expect(out.settings.knowledge.storeUri).toBe("s3://team-kb/deskside");
    expect(out.settings.llm.model).toBe("qwen.gguf");
  });

  it("cuts the data folder out of app.info and leaves other results alone", () => {
    const info: AppInfo = {version: "1", dataDir: "/home/alice/.config/Deskside", host: "browser", api: {enabled: true, url: "http://127.0.0.1:3375", error: null, lan: false}, firstRun: false, defaultKnowledge: {imported: true, documents: 3}};
    expect(forHttp("app.info", info)).toMatchObject({dataDir: "<path>", api: {url: "http://127.0.0.1:3375"}});
    const models = [{path: "/models/x.gguf"}];
    expect(forHttp("models.list", models)).toBe(models);
  });
});
