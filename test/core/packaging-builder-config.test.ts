/**
 * The electron-builder configuration: loaded through electron-builder's own loader and schema,
 * the two variants (with and without bundled models), the Windows size guard, and the files the
 * configuration points at (icons, entitlements).
 */
import {mkdir, mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {
  NO_MODEL_SUFFIX,
  NSIS_MODEL_BUDGET_BYTES,
  assertFitsInstaller,
  createBuilderConfig,
  withArtifactSuffix,
} from "../../scripts/lib/builder-config.js";
import type {ModelManifest} from "../../scripts/lib/models/manifest.js";
import {REPO_ROOT} from "../helpers/fixtures.js";

/** Modules of electron-builder itself, resolved the way electron-builder resolves them. */
const fromBuilder = createRequire(createRequire(import.meta.url).resolve("electron-builder/package.json"));
const fromLib = createRequire(fromBuilder.resolve("app-builder-lib/package.json"));
const {getConfig} = fromLib("./out/util/config/load.js") as {
  getConfig(request: {projectDir: string; packageKey: string; configFilename: string}, configPath: string): Promise<{result: Record<string, any>}>;
};
const {validateConfiguration} = fromLib("./out/util/config/config.js") as {
  validateConfiguration(config: unknown, debugLogger: {isEnabled: boolean; add(): void}): Promise<void>;
};
const yaml = fromLib("js-yaml") as {load(text: string): any};

async function loadThroughElectronBuilder(configPath: string): Promise<Record<string, any>> {
  const {result} = await getConfig({projectDir: REPO_ROOT, packageKey: "build", configFilename: "electron-builder"}, configPath);
  await validateConfiguration(result, {isEnabled: false, add() {}});
  return result;
}

const BASE_YML = path.join(REPO_ROOT, "electron-builder.yml");

function testManifest(sizes: {chat: number; embed: number}): ModelManifest {
  return {
    schemaVersion: 1,
    baseUrl: "https://models.invalid",
    models: [
      {id: "chat", role: "chat", name: "Chat", license: "Apache-2.0", repo: "a/chat", revision: "main", bundled: true,
        files: [{source: "chat.gguf", target: "chat.gguf", sha256: null, size: sizes.chat}]},
      {id: "cpu", role: "cpu", name: "CPU", license: "Apache-2.0", repo: "a/cpu", revision: "main", bundled: false,
        files: [{source: "cpu.gguf", target: "cpu.gguf", sha256: null, size: null}]},
      {id: "embed", role: "embedding", name: "Embed", license: "Apache-2.0", repo: "a/embed", revision: "main", bundled: true,
        files: [{source: "onnx/model.onnx", target: "embed/onnx/model.onnx", sha256: null, size: sizes.embed}]},
    ],
  };
}

let work: string;
let manifestPath: string;
let modelsDir: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "deskside-builder-"));
  manifestPath = path.join(work, "manifest.json");
  modelsDir = path.join(work, "models");
  await mkdir(path.join(modelsDir, "embed", "onnx"), {recursive: true});
});
afterEach(async () => {
  await rm(work, {recursive: true, force: true});
});

describe("electron-builder configuration", () => {
  it("loads through electron-builder's loader and passes its schema (variant without models)", async () => {
    const config = await loadThroughElectronBuilder("build/electron-builder.no-model.config.ts");
    expect(config.appId).toBe("app.deskside.desktop");
    expect(config.productName).toBe("Deskside");
    expect(config.directories).toEqual({output: "release", buildResources: "build"});
    expect(config.artifactName).toBe("${productName}-${version}-${os}-${arch}-no-model.${ext}");
    expect(config.extraResources.map((entry: {to: string}) => entry.to)).toEqual(["knowledge", "prompts", "icon.png"]);
  });

  it("the default entry point builds the no-model variant when DESKSIDE_NO_BUNDLED_MODEL=1", async () => {
    const previous = process.env.DESKSIDE_NO_BUNDLED_MODEL;
    process.env.DESKSIDE_NO_BUNDLED_MODEL = "1";
    try {
      const config = await loadThroughElectronBuilder("build/electron-builder.config.ts");
      expect(config.artifactName).toMatch(/-no-model\.\$\{ext\}$/);
      expect(config.extraResources.some((entry: {to: string}) => entry.to === "models")).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.DESKSIDE_NO_BUNDLED_MODEL;
      else process.env.DESKSIDE_NO_BUNDLED_MODEL = previous;
    }
  });

  it("bundles exactly the manifest's bundled files and passes the schema", async () => {
    await writeFile(manifestPath, JSON.stringify(testManifest({chat: 5, embed: 3})));
    await writeFile(path.join(modelsDir, "chat.gguf"), "GGUF!");
    await writeFile(path.join(modelsDir, "embed", "onnx", "model.onnx"), "onx");
    const config = await createBuilderConfig({bundleModels: true, manifestPath, modelsDir});
    await validateConfiguration(config, {isEnabled: false, add() {}});

    const models = (config.extraResources as Array<Record<string, unknown>>).find((entry) => entry.to === "models");
    expect(models).toEqual({from: "resources/models", to: "models", filter: ["chat.gguf", "embed/onnx/model.onnx"]});
    expect(config.artifactName).toBe("${productName}-${version}-${os}-${arch}.${ext}");
    expect(typeof config.beforePack).toBe("function");
  });

  it("refuses to configure a bundled build when a model file is missing or has the wrong size", async () => {
    await writeFile(manifestPath, JSON.stringify(testManifest({chat: 5, embed: 3})));
    await writeFile(path.join(modelsDir, "chat.gguf"), "GGUF");
    const error = await createBuilderConfig({bundleModels: true, manifestPath, modelsDir}).catch((e: unknown) => e as Error & {code: string});
    expect(error.code).toBe("MODELS_BUNDLE_INCOMPLETE");
    expect(error.message).toMatch(/^MODELS_BUNDLE_INCOMPLETE: packaging refused/);
    expect(error.message).toContain("chat.gguf has 4 bytes, the manifest says 5");
    expect(error.message).toContain("embed/onnx/model.onnx is missing");
    expect(error.message).toContain("npm run models:pull");
    expect(error.message).toContain("npm run dist:no-model");
  });

  it("names every artifact of the variant without models with -no-model", async () => {
    const config = await createBuilderConfig({bundleModels: false, manifestPath: path.join(work, "not-read.json"), modelsDir});
    expect(config.artifactName).toBe("${productName}-${version}-${os}-${arch}-no-model.${ext}");
    for (const section of ["mac", "dmg", "win", "nsis", "linux", "appImage", "deb"]) {
      const name = (config[section] as {artifactName?: string} | undefined)?.artifactName;
      if (name !== undefined) expect(name).toContain(NO_MODEL_SUFFIX);
    }
    expect(withArtifactSuffix("${productName} Setup ${version}.${ext}", NO_MODEL_SUFFIX)).toBe("${productName} Setup ${version}-no-model.${ext}");
    expect(withArtifactSuffix("deskside", NO_MODEL_SUFFIX)).toBe("deskside-no-model");
  });
});

describe("Windows installer size guard", () => {
  const nsis = {electronPlatformName: "win32", targets: [{name: "nsis"}]};
  it("stops an NSIS build whose models would push it past the 2 GiB limit", () => {
    expect(() => assertFitsInstaller(nsis, NSIS_MODEL_BUDGET_BYTES + 1)).toThrow(/^MODELS_BUNDLE_TOO_LARGE: .*2 GiB.*dist:no-model/);
    expect(() => assertFitsInstaller(nsis, NSIS_MODEL_BUDGET_BYTES)).not.toThrow();
  });
  it("leaves other platforms and Windows targets alone", () => {
    expect(() => assertFitsInstaller({electronPlatformName: "linux", targets: [{name: "appImage"}, {name: "deb"}]}, 10 * 1024 ** 3)).not.toThrow();
    expect(() => assertFitsInstaller({electronPlatformName: "darwin", targets: [{name: "dmg"}]}, 10 * 1024 ** 3)).not.toThrow();
    expect(() => assertFitsInstaller({electronPlatformName: "win32", targets: [{name: "dir"}]}, 10 * 1024 ** 3)).not.toThrow();
  });
  it("is wired into the bundled build's beforePack hook with the measured model size", async () => {
    await writeFile(manifestPath, JSON.stringify(testManifest({chat: 5, embed: 3})));
    await writeFile(path.join(modelsDir, "chat.gguf"), "GGUF!");
    await writeFile(path.join(modelsDir, "embed", "onnx", "model.onnx"), "onx");
    const config = await createBuilderConfig({bundleModels: true, manifestPath, modelsDir});
    await expect((config.beforePack as (context: unknown) => Promise<void>)(nsis)).resolves.toBeUndefined();
  });
});

describe("electron-builder.yml", () => {
  let base: Record<string, any>;
  beforeEach(async () => {
    base = yaml.load(await readFile(BASE_YML, "utf8"));
  });

  it("targets AppImage + deb, per-user NSIS, and an Apple-silicon dmg", () => {
    expect(base.linux.target).toEqual([{target: "AppImage", arch: ["x64"]}, {target: "deb", arch: ["x64"]}]);
    expect(base.linux.category).toBe("Utility");
    expect(base.linux.maintainer).toMatch(/<.+@.+>/);
    expect(base.win.target).toEqual([{target: "nsis", arch: ["x64"]}]);
    expect(base.nsis).toMatchObject({oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true});
    expect(base.mac.target).toEqual([{target: "dmg", arch: ["arm64"]}]);
    expect(base.mac).toMatchObject({hardenedRuntime: true, entitlements: "build/entitlements.mac.plist"});
  });

  it("keeps platform sections free of `files` (they would replace the top-level includes)", () => {
    // A platform-level `files` list made of exclusions only turns into "**/*" in electron-builder,
    // which packs the whole repository into app.asar.
    for (const section of ["linux", "win", "mac"]) expect(base[section].files).toBeUndefined();
  });

  it("packs the app files and unpacks every native package", () => {
    expect(base.files.slice(0, 3)).toEqual(["dist/**/*", "dist-electron/**/*", "package.json"]);
    expect(base.npmRebuild).toBe(false);
    for (const pattern of [
      "node_modules/@node-llama-cpp/**/*",
      "node_modules/node-llama-cpp/bins/**/*",
      "node_modules/@lancedb/**/*",
      "node_modules/onnxruntime-node/**/*",
      "node_modules/sharp/**/*",
      "node_modules/@img/**/*",
      "node_modules/@koromix/**/*",
    ]) {
      expect(base.asarUnpack).toContain(pattern);
    }
  });

  it("stays on Apple silicon only while LanceDB and onnxruntime-node ship no Intel-Mac binaries", async () => {
    // If this fails, an Intel-Mac build has become possible: add x64 to mac.target and update docs/packaging.md.
    const lancedb = JSON.parse(await readFile(path.join(REPO_ROOT, "node_modules", "@lancedb", "lancedb", "package.json"), "utf8"));
    expect(Object.keys(lancedb.optionalDependencies ?? {}).filter((name) => name.includes("darwin"))).toEqual(["@lancedb/lancedb-darwin-arm64"]);
    const {readdir} = await import("node:fs/promises");
    const onnxBin = path.join(REPO_ROOT, "node_modules", "onnxruntime-node", "bin");
    for (const napi of await readdir(onnxBin)) expect(await readdir(path.join(onnxBin, napi, "darwin"))).toEqual(["arm64"]);
  });

  it("points at icons and entitlements that exist and are well formed", async () => {
    const png = async (file: string) => {
      const data = await readFile(path.join(REPO_ROOT, file));
      expect(data.subarray(1, 4).toString("ascii")).toBe("PNG");
      return {width: data.readUInt32BE(16), height: data.readUInt32BE(20)};
    };
    expect(await png("build/icons/512x512.png")).toEqual({width: 512, height: 512});
    expect(await png("build/icons/256x256.png")).toEqual({width: 256, height: 256});
    expect(await png("build/icon.png")).toEqual({width: 1024, height: 1024});

    const ico = await readFile(path.join(REPO_ROOT, base.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    const icoSizes = Array.from({length: ico.readUInt16LE(4)}, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(icoSizes).toContain(256);
    expect(icoSizes).toContain(16);

    const icns = await readFile(path.join(REPO_ROOT, base.mac.icon));
    expect(icns.subarray(0, 4).toString("ascii")).toBe("icns");
    expect(icns.readUInt32BE(4)).toBe(icns.length);

    const entitlements = await readFile(path.join(REPO_ROOT, base.mac.entitlements), "utf8");
    expect(entitlements).toContain("<key>com.apple.security.cs.allow-jit</key>");
    expect(entitlements).toContain("<key>com.apple.security.cs.disable-library-validation</key>");
    expect(await readFile(path.join(REPO_ROOT, "build", "icon.svg"), "utf8")).toMatch(/^<svg [^>]*viewBox="0 0 1024 1024"/);
  });
});
