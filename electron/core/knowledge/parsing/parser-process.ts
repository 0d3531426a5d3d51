import {fork, type ChildProcess} from "node:child_process";
import {constants, setPriority} from "node:os";
import {fileURLToPath} from "node:url";
import type {ParseJob, ParseReply} from "./worker-protocol.js";

/**
 * One parser worker as a child process. A process, not a thread: V8 ends the whole process when a
 * single allocation cannot be met near the heap limit (a worker thread's limit only covers the
 * gradual case), so a hostile file could take the app down with it. A child that runs out of
 * memory, crashes or is stopped takes nothing else along, and all its memory goes back to the OS.
 */

export interface ParserProcess {
  send(job: ParseJob): void;
  /** Keeps the app alive while a file is being read; an idle worker must not. */
  setBusy(busy: boolean): void;
  kill(): void;
}

export interface ParserProcessEvents {
  onReply(reply: ParseReply): void;
  /** The process ended on its own; `outOfMemory` when V8 reported its heap exhausted. */
  onExit(outOfMemory: boolean, detail: string): void;
}

/** "Below normal" on Windows, nice 10 elsewhere. */
const BACKGROUND_PRIORITY = constants.priority.PRIORITY_BELOW_NORMAL;
/** The tail of the child's stderr kept to tell an out-of-memory end from another crash. */
const STDERR_TAIL = 4096;

export function startParserProcess(entry: URL, maxMemoryMb: number, events: ParserProcessEvents): ParserProcess {
  const {script, args} = entryScript(entry);
  const child: ChildProcess = fork(script, args, {
    execArgv: [`--max-old-space-size=${maxMemoryMb}`],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  // Reading documents is background work: when it competes for a core with the app's own thread
  // (the window, the HTTP server), the app's thread should win.
  try {
    if (child.pid !== undefined) setPriority(child.pid, BACKGROUND_PRIORITY);
  } catch {
    // not permitted here; it then runs at normal priority
  }
  let stderr = "";
  child.stderr?.on("data", (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-STDERR_TAIL);
  });
  child.on("message", (reply: ParseReply) => events.onReply(reply));
  let ended = false;
  child.on("exit", (code, signal) => {
    if (ended) return;
    ended = true;
    events.onExit(/heap out of memory|Allocation failed/i.test(stderr), `exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  });
  // Spawning can fail (resource exhaustion); it then counts as a crash of the file's worker.
  child.on("error", () => child.kill("SIGKILL"));

  const setBusy = (busy: boolean) => {
    const channel = child.channel as {ref(): void; unref(): void} | undefined;
    if (busy) {
      child.ref();
      channel?.ref();
    } else {
      child.unref();
      channel?.unref();
    }
  };
  setBusy(false);
  return {
    send: (job) => child.send(job),
    setBusy,
    kill: () => {
      ended = true;
      child.kill("SIGKILL");
    },
  };
}

/**
 * A built .js entry runs as it is; a .ts entry (tests, tsx) runs through a small loader that
 * registers tsx first and then imports it.
 */
function entryScript(entry: URL): {script: string; args: string[]} {
  if (!/\.[mc]?ts$/.test(entry.pathname)) return {script: fileURLToPath(entry), args: []};
  return {script: fileURLToPath(new URL("./ts-worker-loader.mjs", import.meta.url)), args: [entry.href]};
}
