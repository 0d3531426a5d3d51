import {fork, type ChildProcess} from "node:child_process";
import {constants, setPriority} from "node:os";
import {fileURLToPath} from "node:url";

/**
 * Starts one child process (a parser worker, the embedding process) and watches how it ends.
 * Parser workers are started by the spawner process (see parser-spawner.ts), never by the app's
 * own process: forking copies the page tables of the process that forks, so a fork from an app
 * holding a gigabyte stalls it for 50–250 ms. The embedding process is the exception (see
 * embedder-process.ts): it starts rarely, and must not inherit the spawner's lowered priority.
 */

export interface ChildEvents {
  onMessage(message: unknown): void;
  /** The process ended on its own; `outOfMemory` when V8 reported its heap exhausted. */
  onExit(outOfMemory: boolean, detail: string): void;
}

/** "Below normal" on Windows, nice 10 elsewhere; children inherit it. */
const BACKGROUND_PRIORITY = constants.priority.PRIORITY_BELOW_NORMAL;
/** The tail of the child's stderr kept for the crash report. */
const STDERR_TAIL = 4096;
/** How V8 reports a heap it could not grow: "Reached heap limit Allocation failed - JavaScript heap out of memory", "Fatal JavaScript invalid size error", "Fatal process out of memory". */
const V8_OUT_OF_MEMORY = /heap out of memory|Allocation failed|Fatal JavaScript invalid size|Fatal process out of memory/i;

export function lowerPriority(pid: number | undefined): void {
  try {
    if (pid !== undefined) setPriority(pid, BACKGROUND_PRIORITY);
  } catch {
    // not permitted here; it then runs at normal priority
  }
}

export interface LaunchOptions {
  /** Runs below normal priority (default true): background work yields a core to the app. */
  background?: boolean;
}

export function launchChild(entry: URL, execArgv: string[], events: ChildEvents, options: LaunchOptions = {}): ChildProcess {
  const {script, args} = entryScript(entry);
  const child: ChildProcess = fork(script, args, {execArgv, serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"]});
  // Reading documents is background work: the app's own thread (window, HTTP server) should win a core.
  if (options.background !== false) lowerPriority(child.pid);
  let stderr = "";
  // Looked for in everything the child writes, not only the tail: a long native stack trace after
  // V8's fatal line could push it out of what is kept.
  let outOfMemory = false;
  child.stderr?.on("data", (data: Buffer) => {
    const text = data.toString();
    outOfMemory ||= V8_OUT_OF_MEMORY.test(stderr.slice(-200) + text);
    stderr = (stderr + text).slice(-STDERR_TAIL);
  });
  child.on("message", (message) => events.onMessage(message));
  let ended = false;
  // "close", not "exit": it comes after stderr has been read to the end, so an out-of-memory
  // message is never missed.
  child.on("close", (code, signal) => {
    if (ended) return;
    ended = true;
    events.onExit(outOfMemory, `exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  });
  // Spawning can fail (resource exhaustion); it then counts as a crash.
  child.on("error", () => child.kill("SIGKILL"));
  return child;
}

const FROM_SOURCES = /\.[mc]?ts$/.test(new URL(import.meta.url).pathname);

/**
 * A process entry that sits beside this module (or beside `from`, another module's
 * import.meta.url): `<name>.js` in a bundle (everything is bundled into one folder), `<name>.ts`
 * when running from sources.
 */
export function siblingEntry(name: string, from: string = import.meta.url): URL {
  return new URL(`./${name}${FROM_SOURCES ? ".ts" : ".js"}`, from);
}

/**
 * A built .js entry runs as it is; a .ts entry (tests, tsx) runs through a small loader that
 * registers tsx first and then imports it.
 */
export function entryScript(entry: URL): {script: string; args: string[]} {
  if (!/\.[mc]?ts$/.test(entry.pathname)) return {script: fileURLToPath(entry), args: []};
  return {script: fileURLToPath(new URL("./ts-worker-loader.mjs", import.meta.url)), args: [entry.href]};
}
