/**
 * Runs electron-builder for real (`--linux dir`) on a copy of the project, with stand-ins for the
 * parts that cannot exist here (the Electron binary, the built renderer and main), and checks the
 * packaged layout: what goes into app.asar, what is unpacked, which models are bundled, and that
 * resolveAppPaths finds everything in it.
 */
import {execFile, spawn} from "node:child_process";
import {cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from "node:fs/promises";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {promisify} from "node:util";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {resolveAppPaths} from "../../electron/shell/resource-paths.js";
import type {ModelManifest} from "../../scripts/lib/models/manifest.js";
import {REPO_ROOT} from "../helpers/fixtures.js";

const fromBuilder = createRequire(createRequire(import.meta.url).resolve("electron-builder/package.json"));
const fromLib = createRequire(fromBuilder.resolve("app-builder-lib/package.json"));
const asar = fromLib("@electron/asar") as {getRawHeader(archive: string): {header: AsarNode}};

interface AsarNode {
  files?: Record<string, AsarNode>;
  unpacked?: boolean;
  size?: number;
}

function asarFiles(archive: string): Array<{path: string; unpacked: boolean}> {
  const out: Array<{path: string; unpacked: boolean}> = [];
  const walk = (node: AsarNode, prefix: string, unpacked: boolean) => {
    if (node.files == null) {
      out.push({path: prefix, unpacked: node.unpacked === true || unpacked});
      return;
    }
    for (const [name, child] of Object.entries(node.files)) walk(child, prefix ? `${prefix}/${name}` : name, unpacked || child.unpacked === true);
  };
  walk(asar.getRawHeader(archive).header, "", false);
  return out;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true});
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

const MANIFEST: ModelManifest = {
  schemaVersion: 1,
  baseUrl: "https://models.invalid",
  models: [
    {id: "chat", role: "chat", name: "Chat", license: "Apache-2.0", repo: "a/chat", revision: "main", bundled: true,
      files: [{source: "chat.gguf", target: "chat-Q4_K_M.gguf", sha256: null, size: 9}]},
    {id: "cpu", role: "cpu", name: "CPU", license: "Apache-2.0", repo: "a/cpu", revision: "main", bundled: false,
      files: [{source: "cpu.gguf", target: "cpu-Q4_K_M.gguf", sha256: null, size: null}]},
    {id: "embed", role: "embedding", name: "Embed", license: "Apache-2.0", repo: "a/embed", revision: "main", bundled: true,
      files: ["config.json", "tokenizer.json", "onnx/model.onnx"].map((file) => ({source: file, target: `embedder/${file}`, sha256: null, size: null}))},
  ],
};

const onLinux = process.platform === "linux" && process.arch === "x64";

describe.runIf(onLinux)("packaged app layout (electron-builder --linux dir)", () => {
  let project: string;
  let resources: string;
  let files: Array<{path: string; unpacked: boolean}>;
  let builderLog = "";

  beforeAll(async () => {
    // Inside the repository (in the ignored .cache folder) so node_modules can be hard-linked.
    await mkdir(path.join(REPO_ROOT, ".cache"), {recursive: true});
    project = await mkdtemp(path.join(REPO_ROOT, ".cache", "packaging-layout-"));
    for (const item of ["package.json", "electron-builder.yml", "build", "scripts", "knowledge", "resources/prompts"]) {
      await cp(path.join(REPO_ROOT, item), path.join(project, item), {recursive: true});
    }
    await writeFile(path.join(project, "scripts", "models-manifest.json"), JSON.stringify(MANIFEST, null, 2));
    const models = path.join(project, "resources", "models");
    await mkdir(path.join(models, "embedder", "onnx"), {recursive: true});
    await writeFile(path.join(models, "chat-Q4_K_M.gguf"), "GGUF-chat");
    await writeFile(path.join(models, "cpu-Q4_K_M.gguf"), "GGUF-cpu");
    await writeFile(path.join(models, "stray.gguf.partial"), "half");
    await writeFile(path.join(models, "README.md"), "# models");
    for (const file of ["config.json", "tokenizer.json", "onnx/model.onnx"]) await writeFile(path.join(models, "embedder", file), "{}");
    await writeFile(path.join(project, "resources", "prompts", "answer.md"), "Answer from the sources.");

    // Stand-ins for `npm run build`.
    await mkdir(path.join(project, "dist", "assets"), {recursive: true});
    await writeFile(path.join(project, "dist", "index.html"), "<!doctype html><title>Deskside</title>");
    await writeFile(path.join(project, "dist", "assets", "index.js"), "console.log('renderer')");
    await mkdir(path.join(project, "dist-electron"), {recursive: true});
    await writeFile(path.join(project, "dist-electron", "main.js"), "console.log('main')");
    await writeFile(path.join(project, "dist-electron", "preload.cjs"), "module.exports = {}");
    // Stray files that must never reach the package.
    await mkdir(path.join(project, "electron"), {recursive: true});
    await writeFile(path.join(project, "electron", "main.ts"), "// source");

    // A stand-in for Electron's unpacked distribution (its binary cannot be downloaded here).
    const electronDist = path.join(project, ".electron-dist");
    await mkdir(path.join(electronDist, "locales"), {recursive: true});
    await writeFile(path.join(electronDist, "electron"), "#!/bin/sh\necho electron\n", {mode: 0o755});
    for (const file of ["resources.pak", "LICENSE", "LICENSES.chromium.html", "version"]) await writeFile(path.join(electronDist, file), "x");

    await promisify(execFile)("cp", ["-al", path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules")]);

    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules", "electron-builder", "cli.js"), "--linux", "dir", "--x64",
        "--config", "build/electron-builder.config.ts", `-c.electronDist=${electronDist}`],
      {cwd: project, env: {...process.env, DESKSIDE_NO_BUNDLED_MODEL: "", CI: "1"}, stdio: ["ignore", "pipe", "pipe"]},
    );
    child.stdout.on("data", (chunk: Buffer) => (builderLog += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (builderLog += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`electron-builder exited with ${code}:\n${builderLog.slice(-4000)}`);

    resources = path.join(project, "release", "linux-unpacked", "resources");
    files = asarFiles(path.join(resources, "app.asar"));
  }, 600_000);

  afterAll(async () => {
    if (project) await rm(project, {recursive: true, force: true});
  });

  it("puts only the built app and production dependencies into app.asar", () => {
    const topLevel = [...new Set(files.map((file) => file.path.split("/")[0]))].sort();
    expect(topLevel).toEqual(["dist", "dist-electron", "node_modules", "package.json"]);
    expect(files.map((file) => file.path)).toEqual(expect.arrayContaining(["dist/index.html", "dist/assets/index.js", "dist-electron/main.js", "dist-electron/preload.cjs"]));
    const packages = new Set(files.filter((file) => file.path.startsWith("node_modules/")).map((file) => file.path.split("/").slice(1, file.path.split("/")[1].startsWith("@") ? 3 : 2).join("/")));
    for (const runtime of ["node-llama-cpp", "@lancedb/lancedb", "@huggingface/transformers", "onnxruntime-node", "fastify", "zod", "react"]) expect(packages).toContain(runtime);
    for (const devOnly of ["electron", "electron-builder", "vite", "vitest", "typescript", "tsx", "eslint", "playwright-core", "onnxruntime-web"]) expect(packages).not.toContain(devOnly);
    expect(files.some((file) => file.path.endsWith("gitRelease.bundle"))).toBe(false);
  });

  it("unpacks every native binary out of app.asar", () => {
    const native = files.filter((file) => /\.(node|so(\.\d+)*|dll|dylib)$/.test(file.path));
    expect(native.length).toBeGreaterThan(10);
    expect(native.filter((file) => !file.unpacked).map((file) => file.path)).toEqual([]);
  });

  it("keeps only this platform's prebuilt binaries", async () => {
    const unpacked = path.join(resources, "app.asar.unpacked", "node_modules");
    expect((await readdir(path.join(unpacked, "@node-llama-cpp"))).sort()).toEqual(["linux-x64", "linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"]);
    const onnx = path.join(unpacked, "onnxruntime-node", "bin");
    for (const napi of await readdir(onnx)) {
      expect(await readdir(path.join(onnx, napi))).toEqual(["linux"]);
      expect(await readdir(path.join(onnx, napi, "linux"))).toEqual(["x64"]);
    }
    expect(await listFiles(path.join(unpacked, "@lancedb"))).toEqual(expect.arrayContaining([expect.stringMatching(/^lancedb-linux-x64-gnu\/.*\.node$/)]));
  });

  it("unpacks the OCR engine and the English LSTM data, and they run from there alone", async () => {
    const unpacked = path.join(resources, "app.asar.unpacked", "node_modules");
    expect(await listFiles(path.join(unpacked, "@tesseract.js-data"))).toEqual(expect.arrayContaining(["eng/4.0.0_best_int/eng.traineddata.gz"]));
    expect((await listFiles(path.join(unpacked, "@tesseract.js-data"))).filter((file) => file.includes("/4.0.0/"))).toEqual([]);
    // Each build as a loader and its .wasm; the single-file .wasm.js copies (for browsers) stay out.
    const builds = ["", "-lstm", "-simd", "-simd-lstm", "-relaxedsimd", "-relaxedsimd-lstm"].map((variant) => `tesseract-core${variant}`);
    expect((await readdir(path.join(unpacked, "tesseract.js-core"))).filter((file) => file.startsWith("tesseract-core")).sort()).toEqual(builds.flatMap((build) => [`${build}.js`, `${build}.wasm`]).sort());
    // Copied away from the project (whose node_modules would otherwise fill any gap), tesseract starts
    // its worker thread, loads the WASM engine and the English data, and reads an image.
    const alone = await mkdtemp(path.join(os.tmpdir(), "deskside-unpacked-ocr-"));
    try {
      await cp(unpacked, path.join(alone, "node_modules"), {recursive: true});
      const script = [
        "const path = require('node:path');",
        "const modules = path.join(process.argv[1], 'node_modules');",
        "const {createWorker} = require(path.join(modules, 'tesseract.js'));",
        "(async () => {",
        "  const worker = await createWorker('eng', 1, {cacheMethod: 'none', langPath: path.join(modules, '@tesseract.js-data/eng/4.0.0_best_int'), workerPath: path.join(modules, 'tesseract.js/src/worker-script/node/index.js')});",
        "  const image = Buffer.concat([Buffer.from('P5\\n64 32\\n255\\n'), Buffer.alloc(64 * 32, 255)]);",
        "  const {data} = await worker.recognize(image);",
        "  console.log('recognised:' + JSON.stringify(data.text));",
        "  await worker.terminate();",
        "})().catch((error) => { console.error(error); process.exit(1); });",
      ].join("\n");
      const {stdout} = await promisify(execFile)(process.execPath, ["-e", script, alone], {cwd: alone, timeout: 120_000});
      expect(stdout).toContain('recognised:""');
    } finally {
      await rm(alone, {recursive: true, force: true});
    }
  });

  it("bundles exactly the manifest's bundled models next to app.asar", async () => {
    expect(await listFiles(path.join(resources, "models"))).toEqual([
      "chat-Q4_K_M.gguf",
      "embedder/config.json",
      "embedder/onnx/model.onnx",
      "embedder/tokenizer.json",
    ]);
    expect(files.some((file) => file.path.startsWith("resources/"))).toBe(false);
  });

  it("ships the knowledge base, the prompts (without their README) and the window icon", async () => {
    expect(await listFiles(path.join(resources, "knowledge"))).toEqual(await listFiles(path.join(REPO_ROOT, "knowledge")));
    expect(await listFiles(path.join(resources, "prompts"))).toContain("answer.md");
    expect(await listFiles(path.join(resources, "prompts"))).not.toContain("README.md");
    const icon = await readFile(path.join(resources, "icon.png"));
    expect(icon.readUInt32BE(16)).toBe(512);
  });

  it("matches what resolveAppPaths expects of an installed app", async () => {
    const paths = resolveAppPaths({isPackaged: true, resourcesPath: resources, appPath: path.join(resources, "app.asar"), platform: "linux"});
    for (const dir of [paths.bundledModelsDir, paths.knowledgeDir, paths.promptsDir]) expect((await stat(dir)).isDirectory()).toBe(true);
    expect((await stat(paths.windowIconPath)).isFile()).toBe(true);
    const inAsar = (absolute: string) => path.relative(path.join(resources, "app.asar"), absolute).split(path.sep).join("/");
    const asarPaths = new Set(files.map((file) => file.path));
    expect(asarPaths.has(inAsar(paths.preloadPath))).toBe(true);
    expect(asarPaths.has(inAsar(paths.rendererIndexHtml))).toBe(true);
  });
});
