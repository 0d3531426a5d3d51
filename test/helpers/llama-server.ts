/**
 * llama.cpp's own server, built from the very source node-llama-cpp bundles, so a comparison (the
 * peer benchmark) runs the same ggml code on both sides and the remote engine's tests talk to the
 * real thing. Built once into a cache folder outside the repository (DESKSIDE_BENCH_CACHE, default
 * ~/.cache/deskside-bench); about 10 minutes on two cores.
 */
import {spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {REPO_ROOT} from "./fixtures.js";

const BUNDLE = path.join(REPO_ROOT, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");

export function benchCacheDir(): string {
  return process.env.DESKSIDE_BENCH_CACHE ?? path.join(os.homedir(), ".cache", "deskside-bench");
}

function has(command: string): boolean {
  return spawnSync(command, ["--version"], {stdio: "ignore"}).status === 0;
}

function run(command: string, args: string[], log: string): boolean {
  const output = fs.openSync(log, "a");
  try {
    return spawnSync(command, args, {stdio: ["ignore", output, output]}).status === 0;
  } finally {
    fs.closeSync(output);
  }
}

/** The llama-server binary, building it first when needed; or why there is none. */
export function ensureLlamaServer(): {binary: string; commit: string} | {skipped: string} {
  if (!fs.existsSync(BUNDLE)) return {skipped: `node-llama-cpp's source bundle is missing (${BUNDLE})`};
  const heads = spawnSync("git", ["bundle", "list-heads", BUNDLE], {encoding: "utf8"});
  const commit = heads.stdout?.trim().split(/\s+/)[0]?.slice(0, 7);
  if (heads.status !== 0 || !commit) return {skipped: "git is needed to read node-llama-cpp's source bundle"};
  const cache = benchCacheDir();
  const buildDir = path.join(cache, `build-${commit}`);
  const binary = path.join(buildDir, "bin", "llama-server");
  if (fs.existsSync(binary)) return {binary, commit};
  if (!has("cmake")) return {skipped: "cmake is not installed (apt-get install cmake)"};
  if (!has("c++") && !has("g++") && !has("clang++")) return {skipped: "no C++ compiler is installed (apt-get install g++)"};

  fs.mkdirSync(cache, {recursive: true});
  const source = path.join(cache, `llama.cpp-${commit}`);
  const log = path.join(cache, `build-${commit}.log`);
  console.log(`Building llama-server ${commit} once into ${buildDir} (about 10 minutes on two cores; log: ${log})…`);
  if (!fs.existsSync(path.join(source, "CMakeLists.txt"))) {
    fs.rmSync(source, {recursive: true, force: true});
    if (!run("git", ["clone", "--quiet", BUNDLE, source], log)) return {skipped: `cloning the bundle failed; see ${log}`};
  }
  const configure = ["-S", source, "-B", buildDir, "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_BUILD_UI=OFF", "-DLLAMA_USE_PREBUILT_UI=OFF", "-DLLAMA_OPENSSL=OFF", "-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF"];
  if (!run("cmake", configure, log)) return {skipped: `configuring llama.cpp failed; see ${log}`};
  if (!run("cmake", ["--build", buildDir, "--target", "llama-server", "-j", String(os.availableParallelism())], log)) return {skipped: `building llama-server failed; see ${log}`};
  return fs.existsSync(binary) ? {binary, commit} : {skipped: `the build finished without ${binary}; see ${log}`};
}

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** Ends it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/** Starts llama-server on a free local port and waits until it answers /health with 200. */
export async function startLlamaServer(binary: string, model: string, options: {threads: number; contextSize: number; parallel: number; port?: number}): Promise<RunningServer> {
  const port = options.port ?? 20000 + Math.floor(Math.random() * 20000);
  const args = ["-m", model, "--host", "127.0.0.1", "--port", String(port), "-t", String(options.threads), "-tb", String(options.threads), "-c", String(options.contextSize * options.parallel), "-np", String(options.parallel), "--no-warmup", "-ngl", "0"];
  const child = spawn(binary, args, {stdio: ["ignore", "ignore", "pipe"]});
  let log = "";
  child.stderr!.on("data", (data: Buffer) => (log = (log + data.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`llama-server did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return {url, port, pid: child.pid!, stop: () => end("SIGTERM"), kill: () => end("SIGKILL")};
}
