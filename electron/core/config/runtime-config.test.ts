import {describe, expect, it} from "vitest";
import path from "node:path";
import {defaultDataDir, resolveOverrides} from "./runtime-config.js";

describe("resolveOverrides", () => {
  it("reads DESKSIDE_* variables and lets flags win", () => {
    const env = {DESKSIDE_PORT: "5000", DESKSIDE_GPU: "cpu", DESKSIDE_THREADS: "1", DESKSIDE_API_TOKEN: "t1", DESKSIDE_DATA_DIR: "/data"};
    const out = resolveOverrides(["--port", "6000", "--model=tiny.gguf"], env);
    expect(out).toEqual({port: 6000, gpu: "cpu", threads: 1, apiToken: "t1", dataDir: "/data", model: "tiny.gguf"});
  });

  it("rejects bad values with a clear message", () => {
    expect(() => resolveOverrides([], {DESKSIDE_GPU: "rocm"})).toThrow(/DESKSIDE_GPU must be one of auto, cuda, vulkan, metal, cpu/);
    expect(() => resolveOverrides(["--port", "70000"], {})).toThrow(/--port must be a whole number/);
    expect(() => resolveOverrides([], {DESKSIDE_IDLE_COLLECT: "sometimes"})).toThrow(/DESKSIDE_IDLE_COLLECT must be true or false/);
  });

  it("reads switches as true or false words", () => {
    expect(resolveOverrides([], {DESKSIDE_IDLE_COLLECT: "off"})).toEqual({idleCollect: false});
    expect(resolveOverrides(["--idle-collect", "yes"], {DESKSIDE_IDLE_COLLECT: "0"})).toEqual({idleCollect: true});
    expect(resolveOverrides(["--native-trim", "false"], {})).toEqual({nativeTrim: false});
  });

  it("makes relative folders absolute and ignores empty values", () => {
    const out = resolveOverrides([], {DESKSIDE_DATA_DIR: "rel/data", DESKSIDE_HOST: ""});
    expect(out.dataDir).toBe(path.resolve("rel/data"));
    expect(out.host).toBeUndefined();
  });

  it("follows each OS's app-data convention", () => {
    expect(defaultDataDir("linux", {XDG_CONFIG_HOME: "/x"})).toBe(path.join("/x", "Deskside"));
    expect(defaultDataDir("win32", {APPDATA: "C:/Users/a/AppData/Roaming"})).toContain("Deskside");
  });
});
