import {spawn, type ChildProcess} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {FIXTURE_MODELS_DIR, REPO_ROOT} from "./fixtures.js";

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  token: string;
  dataDir: string;
  output: () => string;
  /** Resolves when stdout has a line matching the pattern. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  stop: (signal?: NodeJS.Signals) => Promise<{code: number | null; ms: number}>;
}

/** The built headless server (`npm run build:electron`), as a service runs it. */
export const BUILT_SERVE = path.join(REPO_ROOT, "dist-electron", "serve.js");

/**
 * Runs the headless server as a real process on a free port with the fixture models: from its
 * sources through tsx, or (`built`) the plain JavaScript a service runs.
 */
export async function startServe(
  options: {env?: Record<string, string>; nodeArgs?: string[]; dataDir?: string; built?: boolean; /** Run as this user (the test runs as root); the data folder becomes theirs. */ user?: {uid: number; gid: number}} = {},
): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "deskside-serve-"));
  if (options.user) fs.chownSync(dataDir, options.user.uid, options.user.gid);
  const token = "test-token-" + Math.random().toString(36).slice(2);
  if (options.built && !fs.existsSync(BUILT_SERVE)) throw new Error(`${BUILT_SERVE} is missing; run npm run build:electron first`);
  const entry = options.built ? [BUILT_SERVE] : ["--import", "tsx", path.join(REPO_ROOT, "electron", "core", "serve.ts")];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DESKSIDE_DATA_DIR: dataDir,
      DESKSIDE_MODELS_DIR: FIXTURE_MODELS_DIR,
      DESKSIDE_EMBEDDING_MODEL: "static-glove-wordpiece",
      DESKSIDE_THREADS: "1",
      DESKSIDE_GPU: "cpu",
      DESKSIDE_PORT: "0",
      DESKSIDE_API_TOKEN: token,
      ...(options.user ? {HOME: dataDir} : {}),
      ...options.env,
    },
    ...(options.user ? {uid: options.user.uid, gid: options.user.gid} : {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: {pattern: RegExp; resolve: (line: string) => void}[] = [];
  const onData = (data: Buffer) => {
    out += data.toString();
    for (const waiter of [...waiters]) {
      const match = out.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match[0]);
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const waitFor = (pattern: RegExp, timeoutMs = 120_000) =>
    new Promise<string>((resolve, reject) => {
      const match = out.match(pattern);
      if (match) return resolve(match[0]);
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeoutMs);
      waiters.push({pattern, resolve: (line) => (clearTimeout(timer), resolve(line))});
      child.once("exit", (code) => reject(new Error(`serve exited with ${code} before ${pattern}; output:\n${out}`)));
    });
  const line = await waitFor(/Deskside listening on (http:\/\/\S+)/);
  const url = line.replace("Deskside listening on ", "").trim();
  return {
    child,
    url,
    token,
    dataDir,
    output: () => out,
    waitFor,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        const started = Date.now();
        // Already ended: with a code, or by a signal (then exitCode stays null and "exit" never comes again).
        if (child.exitCode !== null || child.signalCode !== null) return resolve({code: child.exitCode, ms: 0});
        child.once("exit", (code) => resolve({code, ms: Date.now() - started}));
        child.kill(signal);
      }),
  };
}
