import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {SettingsService} from "./settings-service.js";
import {DEFAULT_API_PORT} from "../../../shared/settings.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-settings-"));
});
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

describe("SettingsService", () => {
  it("starts from defaults, generates an API token and persists updates", () => {
    const first = new SettingsService(dir);
    expect(first.get().api.port).toBe(DEFAULT_API_PORT);
    expect(first.get().api.token).toMatch(/^dsk_/);
    first.update({generation: {temperature: 1.2}});
    const second = new SettingsService(dir);
    expect(second.get().generation.temperature).toBe(1.2);
    expect(second.get().api.token).toBe(first.get().api.token);
    expect(second.warnings).toEqual([]);
  });

  it("moves a corrupt file aside, keeps it, and reports a warning", () => {
    fs.writeFileSync(path.join(dir, "settings.json"), "{ not json");
    const service = new SettingsService(dir);
    expect(service.get().retrieval.topK).toBe(5);
    expect(service.warnings).toHaveLength(1);
    expect(service.warnings[0].code).toBe("SETTINGS_CORRUPT");
    expect(fs.readFileSync(service.warnings[0].movedTo, "utf8")).toBe("{ not json");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "settings.json"), "utf8")).retrieval.topK).toBe(5);
  });

  it("keeps a folder named settings.json aside, with what is in it, and starts with defaults", () => {
    fs.mkdirSync(path.join(dir, "settings.json"));
    fs.writeFileSync(path.join(dir, "settings.json", "note.txt"), "left by a sync tool");
    const service = new SettingsService(dir);
    expect(service.warnings[0]).toMatchObject({code: "SETTINGS_CORRUPT", message: expect.stringMatching(/a folder, not a file/)});
    expect(fs.readFileSync(path.join(service.warnings[0].movedTo, "note.txt"), "utf8")).toBe("left by a sync tool");
    expect(fs.statSync(path.join(dir, "settings.json")).isFile()).toBe(true);
    expect(service.get().retrieval.topK).toBe(5);
  });

  it("treats a schema-invalid file as corrupt", () => {
    fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({retrieval: {topK: 500}}));
    const service = new SettingsService(dir);
    expect(service.warnings[0].message).toMatch(/retrieval\.topK/);
    expect(service.get().retrieval.topK).toBe(5);
  });

  it("ignores unknown keys and rejects out-of-range values with SETTINGS_INVALID", () => {
    fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({someday: 1, llm: {threads: 3, bogus: true}}));
    const service = new SettingsService(dir);
    expect(service.warnings).toEqual([]);
    expect(service.get().llm.threads).toBe(3);
    expect(() => service.update({retrieval: {topK: 0}})).toThrowError(expect.objectContaining({code: "SETTINGS_INVALID"}));
    expect(service.get().retrieval.topK).toBe(5);
  });

  it("emits change events and reset keeps the token", () => {
    const service = new SettingsService(dir);
    const token = service.get().api.token;
    const seen: number[] = [];
    service.onChange((next) => seen.push(next.retrieval.topK));
    service.update({retrieval: {topK: 9}});
    const after = service.reset();
    expect(seen).toEqual([9, 5]);
    expect(after.api.token).toBe(token);
    expect(service.regenerateApiToken()).not.toBe(token);
  });

  it("reset keeps exactly the settings it is told to keep", () => {
    const service = new SettingsService(dir);
    service.update({api: {allowLan: true, host: "0.0.0.0", port: 4000}, retrieval: {topK: 9}});
    const token = service.get().api.token;
    const after = service.reset(["api.token", "api.host", "api.allowLan"]);
    expect(after.api).toMatchObject({token, host: "0.0.0.0", allowLan: true, port: DEFAULT_API_PORT});
    expect(after.retrieval.topK).toBe(5);
  });

  it("reset keeps settings nested deeper than one section", () => {
    const service = new SettingsService(dir);
    service.update({llm: {remote: {baseUrl: "http://gpu-box:8080/v1", apiKey: "sk-kept"}}});
    const after = service.reset(["llm.remote.apiKey"]);
    expect(after.llm.remote.apiKey).toBe("sk-kept");
    expect(after.llm.remote.baseUrl).toBe(service.reset([]).llm.remote.baseUrl);
  });
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe.skipIf(process.platform === "win32")("the settings file holds secrets: owner-only (0600)", () => {
  it("is created 0600 and stays so after updates", () => {
    const service = new SettingsService(dir);
    expect(modeOf(service.filePath)).toBe(0o600);
    service.update({retrieval: {topK: 7}});
    service.regenerateApiToken();
    expect(modeOf(service.filePath)).toBe(0o600);
  });

  it("tightens an existing world-readable file, and the copy of an unreadable one, at start", () => {
    const file = path.join(dir, "settings.json");
    fs.writeFileSync(file, JSON.stringify({api: {token: "dsk_old"}}), {mode: 0o644});
    fs.chmodSync(file, 0o644);
    const old = path.join(dir, "settings.json.corrupt-2024-01-01");
    fs.writeFileSync(old, "{ not json", {mode: 0o644});
    fs.chmodSync(old, 0o644);
    new SettingsService(dir);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(old)).toBe(0o600);

    fs.writeFileSync(file, "{ broken again");
    fs.chmodSync(file, 0o644);
    const moved = new SettingsService(dir).warnings[0].movedTo;
    expect(modeOf(moved)).toBe(0o600);
    expect(modeOf(file)).toBe(0o600);
  });

  it("keeps the mode even when the backing writes files with the default mode", () => {
    const service = new SettingsService(dir, (dataDir) => {
      const target = path.join(dataDir, "settings.json");
      return {
        path: target,
        set store(value: Record<string, unknown>) {
          fs.rmSync(target, {force: true});
          fs.writeFileSync(target, JSON.stringify(value), {mode: 0o644});
        },
        get store() {
          return JSON.parse(fs.readFileSync(target, "utf8")) as Record<string, unknown>;
        },
      };
    });
    service.update({retrieval: {topK: 8}});
    expect(modeOf(service.filePath)).toBe(0o600);
  });

  it("takes in a file another process wrote, keeps it on its own next write, and ignores an invalid one", () => {
    const service = new SettingsService(dir);
    const changes: number[] = [];
    service.onChange((next) => changes.push(next.retrieval.topK));
    expect(service.reloadIfChanged()).toBe(false);

    // Another process (npm run tokens, an editor) rewrites the file through a temporary file and a rename.
    const edited = {...JSON.parse(fs.readFileSync(service.filePath, "utf8")), retrieval: {topK: 9}};
    fs.writeFileSync(`${service.filePath}.tmp`, JSON.stringify(edited));
    fs.renameSync(`${service.filePath}.tmp`, service.filePath);
    expect(service.reloadIfChanged()).toBe(true);
    expect(service.get().retrieval.topK).toBe(9);
    expect(changes).toEqual([9]);
    expect(service.reloadIfChanged()).toBe(false);

    fs.writeFileSync(service.filePath, JSON.stringify({...edited, generation: {temperature: 1.5}}));
    // An update takes the other writer's change in before writing, so it is not lost.
    service.update({chat: {systemPrompt: "Be brief."}});
    expect(service.get().generation.temperature).toBe(1.5);
    expect(JSON.parse(fs.readFileSync(service.filePath, "utf8")).generation.temperature).toBe(1.5);

    fs.writeFileSync(service.filePath, "{ half written");
    expect(service.reloadIfChanged()).toBe(false);
    expect(service.get().chat.systemPrompt).toBe("Be brief.");
  });

  it("keeps the API tokens, main and named, on reset", () => {
    const service = new SettingsService(dir);
    const named = {id: "tok_1", name: "alice", scope: "ask" as const, hash: "a".repeat(64), createdAt: "2025-01-01T00:00:00.000Z", rateLimitPerMinute: null};
    service.update({api: {tokens: [named]}, retrieval: {topK: 9}});
    const token = service.get().api.token;
    service.reset();
    expect(service.get().api.tokens).toEqual([named]);
    expect(service.get().api.token).toBe(token);
    expect(service.get().retrieval.topK).toBe(5);
  });
});
