/**
 * models:pull against a real HTTP server on 127.0.0.1 that stands in for the model hub:
 * checksum recording and verification, corruption, resume, broken connections, stalls, a server
 * that is down, and the packaging gate (check-bundled-models).
 */
import {spawn} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync} from "node:fs";
import {mkdir, mkdtemp, readFile, readdir, rm, writeFile} from "node:fs/promises";
import http from "node:http";
import type {AddressInfo} from "node:net";
import os from "node:os";
import path from "node:path";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {main as checkBundledMain} from "../../scripts/check-bundled-models.js";
import {downloadFile} from "../../scripts/lib/models/download.js";
import {ModelsError} from "../../scripts/lib/models/errors.js";
import {loadManifest, type ModelManifest} from "../../scripts/lib/models/manifest.js";
import {silentReporter} from "../../scripts/lib/models/progress.js";
import {authHeaders, pullModels, type PullOptions} from "../../scripts/lib/models/pull.js";
import {main as pullMain} from "../../scripts/models-pull.js";
import {REPO_ROOT} from "../helpers/fixtures.js";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** Deterministic pseudo-random bytes, so the files are not trivially compressible or repetitive. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

const CHAT = bytes(300_000, 1);
const EMBED_CONFIG = Buffer.from(JSON.stringify({model_type: "bert", hidden_size: 384}));
const EMBED_ONNX = bytes(120_000, 2);

const SERVED: Record<string, Buffer> = {
  "/acme/tiny-chat-GGUF/resolve/main/tiny-chat-Q4_K_M.gguf": CHAT,
  "/acme/tiny-embedder/resolve/main/config.json": EMBED_CONFIG,
  "/acme/tiny-embedder/resolve/main/onnx/model.onnx": EMBED_ONNX,
};

type Behaviour = "normal" | "corrupt" | "cut-once" | "stall" | "ignore-range";

interface Hub {
  url: string;
  requests: Array<{path: string; range: string | undefined}>;
  behaviour: Behaviour;
  /** For "cut-once": whether the connection was already cut. */
  cutDone: boolean;
  close(): Promise<void>;
}

/** A file server with Range support and a few ways to misbehave. */
async function startHub(): Promise<Hub> {
  const hub: Hub = {requests: [], behaviour: "normal", cutDone: false, url: "", close: async () => {}};
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    hub.requests.push({path: urlPath, range: req.headers.range});
    let body = SERVED[urlPath];
    if (body == null) {
      res.writeHead(404, {"content-type": "text/plain"}).end("Entry not found");
      return;
    }
    if (hub.behaviour === "corrupt") {
      body = Buffer.from(body);
      body[Math.floor(body.length / 2)] ^= 0xff;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range != null && hub.behaviour !== "ignore-range") {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, {"content-range": `bytes */${body.length}`}).end();
        return;
      }
      res.writeHead(206, {"content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}`});
    } else {
      res.writeHead(200, {"content-length": body.length, "content-type": "application/octet-stream"});
    }
    const rest = body.subarray(start);
    if (hub.behaviour === "cut-once" && !hub.cutDone && rest.length > 1000) {
      hub.cutDone = true;
      res.write(rest.subarray(0, Math.floor(rest.length / 3)), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    if (hub.behaviour === "stall") {
      res.write(rest.subarray(0, 1000));
      return; // never finishes
    }
    res.end(rest);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return hub;
}

function manifestFor(hashes: "empty" | "recorded"): ModelManifest {
  const file = (source: string, target: string, data: Buffer) => ({
    source,
    target,
    sha256: hashes === "recorded" ? sha256(data) : null,
    size: hashes === "recorded" ? data.length : null,
  });
  return {
    schemaVersion: 1,
    baseUrl: "https://models.invalid",
    models: [
      {
        id: "tiny-chat",
        role: "chat",
        name: "Tiny chat",
        license: "Apache-2.0",
        repo: "acme/tiny-chat-GGUF",
        revision: "main",
        bundled: true,
        files: [file("tiny-chat-Q4_K_M.gguf", "tiny-chat-Q4_K_M.gguf", CHAT)],
      },
      {
        id: "tiny-embedder",
        role: "embedding",
        name: "Tiny embedder",
        license: "Apache-2.0",
        repo: "acme/tiny-embedder",
        revision: "main",
        bundled: true,
        files: [file("config.json", "tiny-embedder/config.json", EMBED_CONFIG), file("onnx/model.onnx", "tiny-embedder/onnx/model.onnx", EMBED_ONNX)],
      },
    ],
  };
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, {recursive: true, withFileTypes: true});
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

function captured() {
  let text = "";
  return {write: (chunk: string) => ((text += chunk), true), get text() {
    return text;
  }};
}

let hub: Hub;
let work: string;
let manifestPath: string;
let modelsDir: string;

const quick = (extra: Partial<PullOptions> = {}): PullOptions => ({
  manifestPath,
  modelsDir,
  baseUrl: hub.url,
  reporter: silentReporter,
  retries: 0,
  retryDelayMs: 10,
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 5_000,
  env: {},
  ...extra,
});

beforeAll(async () => {
  hub = await startHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "deskside-models-"));
  manifestPath = path.join(work, "models-manifest.json");
  modelsDir = path.join(work, "models");
  hub.requests.length = 0;
  hub.behaviour = "normal";
  hub.cutDone = false;
});
afterEach(async () => {
  await rm(work, {recursive: true, force: true});
});

describe("models:pull --write-checksums", () => {
  it("downloads every file and records its sha256 and size in the manifest", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("empty"), null, 2));
    const result = await pullModels(quick({writeChecksums: true}));

    expect(result.recordedChecksums).toBe(3);
    expect(await listFiles(modelsDir)).toEqual(["tiny-chat-Q4_K_M.gguf", "tiny-embedder/config.json", "tiny-embedder/onnx/model.onnx"]);
    expect(await readFile(path.join(modelsDir, "tiny-embedder/onnx/model.onnx"))).toEqual(EMBED_ONNX);

    const recorded = await loadManifest(manifestPath);
    expect(recorded).toEqual(manifestFor("recorded"));
    expect((await readFile(manifestPath, "utf8")).endsWith("}\n")).toBe(true);
  });

  it("still checks files that already have a checksum", async () => {
    const manifest = manifestFor("recorded");
    manifest.models[0].files[0].sha256 = "0".repeat(64);
    await writeFile(manifestPath, JSON.stringify(manifest));
    await expect(pullModels(quick({writeChecksums: true, only: ["chat"]}))).rejects.toMatchObject({code: "MODELS_CHECKSUM_MISMATCH"});
    expect(await listFiles(modelsDir)).toEqual([]);
  });
});

describe("models:pull (verifying)", () => {
  beforeEach(async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("recorded"), null, 2));
  });

  it("pulls into the models folder, verifies, and skips verified files on the next run", async () => {
    const first = await pullModels(quick());
    expect(first.files.map((file) => file.action)).toEqual(["downloaded", "downloaded", "downloaded"]);
    expect(first.files.every((file) => !file.recorded)).toBe(true);
    expect(await readFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"))).toEqual(CHAT);
    expect(hub.requests.map((request) => request.path)).toEqual(Object.keys(SERVED));

    hub.requests.length = 0;
    const second = await pullModels(quick());
    expect(second.files.map((file) => file.action)).toEqual(["already-present", "already-present", "already-present"]);
    expect(hub.requests).toEqual([]);
    // The manifest is not touched in normal mode.
    expect(await loadManifest(manifestPath)).toEqual(manifestFor("recorded"));
  });

  it("refuses to download anything when the manifest has no checksums", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("empty")));
    const error = await pullModels(quick()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe("MODELS_CHECKSUM_MISSING");
    expect((error as ModelsError).message).toMatch(/--write-checksums/);
    expect(hub.requests).toEqual([]);
  });

  it("deletes a corrupted download, leaves nothing behind, and says why", async () => {
    hub.behaviour = "corrupt";
    const error = (await pullModels(quick({only: ["chat"]})).catch((e: unknown) => e)) as ModelsError;
    expect(error.code).toBe("MODELS_CHECKSUM_MISMATCH");
    expect(error.message).toContain("tiny-chat-Q4_K_M.gguf");
    expect(error.message).toContain(sha256(CHAT));
    expect(error.message).toMatch(/deleted/);
    expect(await listFiles(modelsDir)).toEqual([]);
  });

  it("replaces a file on disk that does not match the manifest", async () => {
    await mkdir(modelsDir, {recursive: true});
    await writeFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"), bytes(CHAT.length, 99));
    const result = await pullModels(quick({only: ["chat"]}));
    expect(result.files[0].action).toBe("downloaded");
    expect(await readFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"))).toEqual(CHAT);
  });

  it("gives a clear error when the server is down", async () => {
    const down = await startHub();
    const downUrl = down.url;
    await down.close();
    const started = Date.now();
    const error = (await pullModels(quick({baseUrl: downUrl, only: ["chat"]})).catch((e: unknown) => e)) as ModelsError;
    expect(error).toBeInstanceOf(ModelsError);
    expect(error.code).toBe("MODELS_DOWNLOAD_UNREACHABLE");
    expect(error.message).toContain(new URL(downUrl).host);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toMatch(/--base-url/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await listFiles(modelsDir)).toEqual([]);
  });

  it("reports a missing file upstream as an HTTP error without retrying", async () => {
    const manifest = manifestFor("recorded");
    manifest.models[0].files[0].source = "renamed.gguf";
    await writeFile(manifestPath, JSON.stringify(manifest));
    const error = (await pullModels(quick({only: ["chat"], retries: 3})).catch((e: unknown) => e)) as ModelsError;
    expect(error.code).toBe("MODELS_DOWNLOAD_HTTP");
    expect(error.message).toMatch(/404/);
    expect(error.message).toMatch(/models-manifest\.json/);
    expect(hub.requests).toHaveLength(1);
  });

  it("resumes an interrupted download from its .partial file", async () => {
    await mkdir(modelsDir, {recursive: true});
    await writeFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf.partial"), CHAT.subarray(0, 100_000));
    const result = await pullModels(quick({only: ["chat"]}));
    expect(result.files[0].action).toBe("downloaded");
    expect(hub.requests).toEqual([{path: "/acme/tiny-chat-GGUF/resolve/main/tiny-chat-Q4_K_M.gguf", range: "bytes=100000-"}]);
    expect(await readFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"))).toEqual(CHAT);
    expect(await listFiles(modelsDir)).toEqual(["tiny-chat-Q4_K_M.gguf"]);
  });

  it("starts over when the server ignores the range request", async () => {
    hub.behaviour = "ignore-range";
    await mkdir(modelsDir, {recursive: true});
    await writeFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf.partial"), CHAT.subarray(0, 50_000));
    await pullModels(quick({only: ["chat"]}));
    expect(await readFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"))).toEqual(CHAT);
  });

  it("retries a broken connection, resuming where it stopped", async () => {
    hub.behaviour = "cut-once";
    const retries: string[] = [];
    const result = await pullModels(
      quick({
        only: ["chat"],
        retries: 2,
        reporter: {...silentReporter, info: (message) => retries.push(message)},
      }),
    );
    expect(result.files[0].action).toBe("downloaded");
    expect(hub.requests).toHaveLength(2);
    expect(hub.requests[1].range).toMatch(/^bytes=\d+-$/);
    expect(retries.some((line) => /retrying \(1\)/.test(line))).toBe(true);
    expect(await readFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"))).toEqual(CHAT);
  });

  it("gives up on a stalled download and keeps the partial file for next time", async () => {
    hub.behaviour = "stall";
    const error = (await pullModels(quick({only: ["chat"], idleTimeoutMs: 300})).catch((e: unknown) => e)) as ModelsError;
    expect(error.code).toBe("MODELS_DOWNLOAD_TIMEOUT");
    expect(error.message).toMatch(/no data from 127\.0\.0\.1:\d+ for 300 ms/);
    expect(await listFiles(modelsDir)).toEqual(["tiny-chat-Q4_K_M.gguf.partial"]);

    hub.behaviour = "normal";
    hub.requests.length = 0;
    await pullModels(quick({only: ["chat"]}));
    expect(hub.requests[0].range).toBe("bytes=1000-");
    expect(await readFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"))).toEqual(CHAT);
  });

  it("pulls only the models asked for, and rejects unknown names", async () => {
    await pullModels(quick({only: ["embedding"]}));
    expect(await listFiles(modelsDir)).toEqual(["tiny-embedder/config.json", "tiny-embedder/onnx/model.onnx"]);
    await expect(pullModels(quick({only: ["vision"]}))).rejects.toMatchObject({code: "MODELS_UNKNOWN_SELECTION"});
  });

  it("sends HF_TOKEN to the hub only, never to a mirror", async () => {
    expect(authHeaders("https://huggingface.co/acme/x/resolve/main/a.gguf", {HF_TOKEN: "hf_secret"})).toEqual({authorization: "Bearer hf_secret"});
    expect(authHeaders("https://hf-mirror.example/acme/x/resolve/main/a.gguf", {HF_TOKEN: "hf_secret"})).toEqual({});
    expect(authHeaders("https://huggingface.co/acme/x/resolve/main/a.gguf", {})).toEqual({});
    const seen: Array<string | null> = [];
    const spyFetch: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get("authorization"));
      return fetch(input, init);
    };
    await pullModels(quick({only: ["chat"], env: {HF_TOKEN: "hf_secret"}, fetch: spyFetch}));
    expect(seen).toEqual([null]);
  });
});

describe("downloadFile", () => {
  it("rejects a size that differs from the manifest before keeping anything", async () => {
    const destination = path.join(work, "x.gguf");
    const error = (await downloadFile({
      url: `${hub.url}/acme/tiny-chat-GGUF/resolve/main/tiny-chat-Q4_K_M.gguf`,
      destination,
      expectedSize: CHAT.length + 1,
      retries: 0,
    }).catch((e: unknown) => e)) as ModelsError;
    expect(error.code).toBe("MODELS_SIZE_MISMATCH");
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.partial`)).toBe(false);
  });

  it("treats a complete .partial (server answers 416) as done and verifies it", async () => {
    const destination = path.join(work, "done.gguf");
    await writeFile(`${destination}.partial`, CHAT);
    const result = await downloadFile({
      url: `${hub.url}/acme/tiny-chat-GGUF/resolve/main/tiny-chat-Q4_K_M.gguf`,
      destination,
      expectedSha256: sha256(CHAT),
      expectedSize: CHAT.length,
      retries: 0,
    });
    expect(result).toEqual({sha256: sha256(CHAT), size: CHAT.length, resumedBytes: CHAT.length});
    expect(await readFile(destination)).toEqual(CHAT);
  });
});

describe("models-pull command line", () => {
  const io = () => ({stdout: captured(), stderr: captured(), env: {}, cwd: work});

  it("pulls, prints progress on stderr, and verifies with --verify", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("recorded")));
    const run = io();
    const code = await pullMain(["--base-url", hub.url, "--manifest", manifestPath, "--dir", "models", "--retries", "0"], run);
    expect(code).toBe(0);
    expect(run.stderr.text).toMatch(/tiny-chat-Q4_K_M\.gguf {2}\S+ (KiB|MiB) \/ \S+ KiB {2}100%/);
    expect(run.stderr.text).toMatch(/3 file\(s\) ready/);
    expect(run.stdout.text).toBe("");

    const verify = io();
    expect(await pullMain(["--verify", "--manifest", manifestPath, "--dir", modelsDir], verify)).toBe(0);
    expect(verify.stdout.text.match(/^ok /gm)).toHaveLength(3);
  });

  it("exits non-zero with the error code when a checksum does not match", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("recorded")));
    hub.behaviour = "corrupt";
    const run = io();
    expect(await pullMain(["--base-url", hub.url, "--manifest", manifestPath, "--dir", modelsDir, "--only", "embedding", "--retries", "0"], run)).toBe(1);
    expect(run.stderr.text).toMatch(/MODELS_CHECKSUM_MISMATCH: /);
    expect(await listFiles(modelsDir)).toEqual([]);
  });

  it("rejects bad options with usage help", async () => {
    const run = io();
    expect(await pullMain(["--base-url", "ftp://mirror"], run)).toBe(2);
    expect(run.stderr.text).toMatch(/--base-url must be an http\(s\) address/);
    expect(run.stderr.text).toMatch(/Usage: npm run models:pull/);
    expect(await pullMain(["--bogus"], io())).toBe(2);
    expect(await pullMain(["--timeout", "0"], io())).toBe(2);
  });

  it("runs as a script under tsx (as npm run models:pull does)", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("empty")));
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(REPO_ROOT, "scripts", "models-pull.ts"),
        "--base-url", hub.url, "--manifest", manifestPath, "--dir", modelsDir, "--write-checksums", "--only", "chat"],
      {cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"]},
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toMatch(/sha256 [0-9a-f]{64} recorded in the manifest/);
    expect(code).toBe(0);
    const manifest = await loadManifest(manifestPath);
    expect(manifest.models[0].files[0].sha256).toBe(sha256(CHAT));
    expect(manifest.models[1].files[0].sha256).toBeNull();
  });
});

describe("check-bundled-models (packaging gate)", () => {
  const io = (env: NodeJS.ProcessEnv = {}) => ({stdout: captured(), stderr: captured(), env, cwd: work});

  it("refuses when bundled models are missing, and says how to fix it", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("recorded")));
    const run = io();
    expect(await checkBundledMain(["--manifest", manifestPath, "--dir", modelsDir], run)).toBe(1);
    expect(run.stdout.text).toMatch(/MISSING +tiny-chat-Q4_K_M\.gguf/);
    expect(run.stderr.text).toMatch(/MODELS_BUNDLE_INCOMPLETE: packaging refused/);
    expect(run.stderr.text).toMatch(/npm run models:pull/);
    expect(run.stderr.text).toMatch(/npm run dist:no-model/);
  });

  it("refuses a bundled file whose checksum was never recorded", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("empty")));
    await mkdir(path.join(modelsDir, "tiny-embedder", "onnx"), {recursive: true});
    await writeFile(path.join(modelsDir, "tiny-chat-Q4_K_M.gguf"), CHAT);
    const run = io();
    expect(await checkBundledMain(["--manifest", manifestPath, "--dir", modelsDir], run)).toBe(1);
    expect(run.stdout.text).toMatch(/NO CHECKSUM +tiny-chat-Q4_K_M\.gguf/);
    expect(run.stderr.text).toMatch(/--write-checksums/);
  });

  it("refuses a tampered file and passes once the models match", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("recorded")));
    await pullModels(quick());
    await writeFile(path.join(modelsDir, "tiny-embedder", "config.json"), Buffer.from(JSON.stringify({model_type: "bert", hidden_size: 385})));
    const tampered = io();
    expect(await checkBundledMain(["--manifest", manifestPath, "--dir", modelsDir], tampered)).toBe(1);
    expect(tampered.stdout.text).toMatch(/CHECKSUM MISMATCH +tiny-embedder\/config\.json/);

    await pullModels(quick({only: ["embedding"]}));
    const good = io();
    expect(await checkBundledMain(["--manifest", manifestPath, "--dir", modelsDir], good)).toBe(0);
    expect(good.stdout.text.match(/ ok /g)).toHaveLength(3);
  });

  it("only looks at bundled models", async () => {
    const manifest = manifestFor("recorded");
    manifest.models[0].bundled = false;
    await writeFile(manifestPath, JSON.stringify(manifest));
    await pullModels(quick({only: ["embedding"]}));
    expect(await checkBundledMain(["--manifest", manifestPath, "--dir", modelsDir], io())).toBe(0);
  });

  it("is skipped for the variant without bundled models", async () => {
    await writeFile(manifestPath, JSON.stringify(manifestFor("recorded")));
    const run = io({DESKSIDE_NO_BUNDLED_MODEL: "1"});
    expect(await checkBundledMain(["--manifest", manifestPath, "--dir", modelsDir], run)).toBe(0);
    expect(run.stdout.text).toMatch(/skipped/);
  });
});

describe("the project's model manifest", () => {
  it("is valid and lists a bundled chat model, a CPU alternative and the embedding model", async () => {
    const manifest = await loadManifest(path.join(REPO_ROOT, "scripts", "models-manifest.json"));
    const roles = manifest.models.map((model) => `${model.role}:${model.bundled ? "bundled" : "optional"}`);
    expect(roles).toEqual(["chat:bundled", "cpu:optional", "embedding:bundled"]);
    const embedding = manifest.models.find((model) => model.role === "embedding")!;
    expect(embedding.files.map((file) => file.target)).toEqual([
      "all-MiniLM-L6-v2/config.json",
      "all-MiniLM-L6-v2/tokenizer.json",
      "all-MiniLM-L6-v2/tokenizer_config.json",
      "all-MiniLM-L6-v2/special_tokens_map.json",
      "all-MiniLM-L6-v2/onnx/model.onnx",
    ]);
    for (const model of manifest.models) {
      expect(model.license).toBe("Apache-2.0");
      if (model.role !== "embedding") expect(model.files[0].target).toMatch(/\.gguf$/);
    }
  });
});
