import {describe, expect, it} from "vitest";
import {defaultSettings, type Settings} from "../../../shared/settings.js";
import {assertRemoteChangeAllowed, localOnlyChanges, remoteKeyWouldMove} from "./local-only.js";

function stored(change: (s: Settings) => void = () => undefined): Settings {
  const settings = defaultSettings();
  settings.api.token = "dsk_stored";
  change(settings);
  return settings;
}

describe("local-only settings", () => {
  it("names every exposure setting a patch changes", () => {
    expect(localOnlyChanges({api: {allowLan: true, host: "0.0.0.0", corsOrigins: ["*"]}, retrieval: {topK: 3}}, stored()).sort()).toEqual(["api.allowLan", "api.corsOrigins", "api.host"]);
    expect(localOnlyChanges({knowledge: {storeUri: "s3://elsewhere/kb"}}, stored())).toEqual(["knowledge.storeUri"]);
    // Allowing another download host (a local address, say) widens what the server will fetch.
    expect(localOnlyChanges({llm: {downloadHosts: ["http://127.0.0.1:8080"]}}, stored())).toEqual(["llm.downloadHosts"]);
    expect(localOnlyChanges({retrieval: {topK: 3}, api: {port: 4000, rateLimitPerMinute: 60}}, stored())).toEqual([]);
  });

  it("lets a client send back the values it read, unchanged", () => {
    const current = stored((s) => (s.api.corsOrigins = ["https://helpdesk.example.com"]));
    expect(localOnlyChanges({api: {host: "127.0.0.1", allowLan: false, corsOrigins: ["https://helpdesk.example.com"]}}, current)).toEqual([]);
  });

  it("counts the token whenever it is present, even with the stored value (no guessing oracle)", () => {
    expect(localOnlyChanges({api: {token: "dsk_stored"}}, stored())).toEqual(["api.token"]);
    expect(localOnlyChanges({api: {token: ""}}, stored())).toEqual(["api.token"]);
  });

  it("counts a whole section replaced by something that is not an object", () => {
    expect(localOnlyChanges({api: null}, stored()).sort()).toEqual(["api.allowLan", "api.corsOrigins", "api.host", "api.token", "api.tokens"]);
    expect(localOnlyChanges({knowledge: "x"}, stored())).toEqual([
      "knowledge.storeUri",
      "knowledge.objectStore.endpoint",
      "knowledge.objectStore.region",
      "knowledge.objectStore.pathStyle",
      "knowledge.objectStore.allowHttp",
      "knowledge.objectStore.accessKeyId",
      "knowledge.objectStore.secretAccessKey",
    ]);
  });

  it("throws SETTING_LOCAL_ONLY naming each setting, saying where to change them", () => {
    let caught: unknown;
    try {
      assertRemoteChangeAllowed({api: {allowLan: true, host: "0.0.0.0"}}, stored());
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({code: "SETTING_LOCAL_ONLY", status: 403, details: {settings: ["api.host", "api.allowLan"]}});
    expect((caught as Error).message).toMatch(/api\.host, api\.allowLan .*desktop app.*Nothing in this request was applied/);
  });

  it("moves the remote engine to a new address over HTTP only together with its key", () => {
    const withKey = stored((s) => Object.assign(s.llm.remote, {baseUrl: "http://gpu:8080/v1", apiKey: "sk-remote"}));
    expect(remoteKeyWouldMove({llm: {remote: {baseUrl: "http://attacker.example/v1"}}}, withKey)).toBe(true);
    expect(remoteKeyWouldMove({llm: {remote: {baseUrl: "http://attacker.example/v1", apiKey: "sk-new"}}}, withKey)).toBe(false);
    expect(remoteKeyWouldMove({llm: {remote: {baseUrl: "http://other/v1", apiKey: ""}}}, withKey)).toBe(false);
    expect(remoteKeyWouldMove({llm: {remote: {baseUrl: "http://gpu:8080/v1", model: "m"}}}, withKey)).toBe(false);
    expect(remoteKeyWouldMove({llm: {remote: {baseUrl: "http://other/v1"}}}, stored())).toBe(false);
    expect(() => assertRemoteChangeAllowed({llm: {remote: {baseUrl: "http://attacker.example/v1"}}}, withKey)).toThrowError(
      expect.objectContaining({code: "SETTING_LOCAL_ONLY", details: {settings: ["llm.remote.baseUrl"]}}),
    );
  });
});
