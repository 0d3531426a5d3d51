import type {Spawner} from "./parser-spawner.js";
import type {ParseJob, ParseReply} from "./worker-protocol.js";

/**
 * One parser worker as a child process. A process, not a thread: V8 ends the whole process when a
 * single allocation cannot be met near the heap limit (a worker thread's limit only covers the
 * gradual case), so a hostile file could take the app down with it. A child that runs out of
 * memory, crashes or is stopped takes nothing else along, and all its memory goes back to the OS.
 * It is started by the spawner process (parser-spawner.ts), so the app itself never forks.
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

export function startParserProcess(spawner: Spawner, entry: URL, maxMemoryMb: number, events: ParserProcessEvents): ParserProcess {
  const child = spawner.start(entry, [`--max-old-space-size=${maxMemoryMb}`], {
    onMessage: (message) => events.onReply(message as ParseReply),
    onExit: (outOfMemory, detail) => events.onExit(outOfMemory, detail),
  });
  return {send: (job) => child.send(job), setBusy: (busy) => child.setBusy(busy), kill: () => child.kill()};
}
