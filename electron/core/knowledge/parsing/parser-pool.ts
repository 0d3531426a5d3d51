import {availableParallelism} from "node:os";
import {Worker} from "node:worker_threads";
import {DesksideError} from "../../../../shared/errors.js";
import {baseNameOf} from "./file-name.js";
import type {ParsedDocument} from "./types.js";
import {errorFromReply, type ParseJob, type ParseReply} from "./worker-protocol.js";

export {parseDocument} from "./parse-document.js";
export {parseFile} from "./parse-file.js";

/**
 * Parses documents on worker threads so the Electron main process and the HTTP server stay
 * responsive. Each worker takes one file at a time; a worker that crashes, runs out of memory or
 * exceeds the time limit fails only the file it was working on and is replaced for the next one.
 */

export interface ParserPoolOptions {
  /** Worker threads; defaults to one less than the CPU count, at most 4. */
  size?: number;
  /** Per-file limit; a parser stuck on a pathological file is stopped. Default 2 minutes. */
  timeoutMs?: number;
  /** Heap limit per worker: an out-of-memory parse then kills the worker, not the app. Default 2048. */
  maxMemoryMb?: number;
  /** Where the worker entry lives, for bundles that do not place parse-worker.js next to this module. */
  workerUrl?: URL;
}

export type ParseRequest = ({path: string; fileName?: string} | {bytes: Uint8Array; fileName: string}) & {signal?: AbortSignal};

export interface ParserPool {
  parse(path: string): Promise<ParsedDocument>;
  parse(bytes: Uint8Array, fileName: string): Promise<ParsedDocument>;
  parse(request: ParseRequest): Promise<ParsedDocument>;
  /** Stops all workers; files still queued or in progress fail with CANCELLED. */
  close(): Promise<void>;
}

interface Task {
  job: ParseJob;
  transfer: ArrayBuffer[];
  resolve: (document: ParsedDocument) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

interface Slot {
  worker: Worker | null;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  /** Last uncaught error of the current worker, reported if it then exits. */
  crash: Error | null;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_MEMORY_MB = 2048;

export function createParserPool(options: ParserPoolOptions = {}): ParserPool {
  const size = Math.max(1, Math.floor(options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1))));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const entry = workerEntry(options.workerUrl);
  const slots: Slot[] = Array.from({length: size}, () => ({worker: null, task: null, timer: null, crash: null}));
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (slot: Slot): Worker => {
    const worker = new Worker(entry.url, {
      workerData: entry.workerData,
      execArgv: [],
      resourceLimits: {maxOldGenerationSizeMb: options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB},
      name: "deskside-parser",
    });
    slot.crash = null;
    worker.on("message", (reply: ParseReply) => {
      if (slot.worker !== worker || !slot.task || slot.task.job.id !== reply.id) return;
      settle(slot, reply.ok ? {document: reply.document} : {error: errorFromReply(reply)});
    });
    worker.on("error", (error) => {
      if (slot.worker === worker) slot.crash = error instanceof Error ? error : new Error(String(error));
    });
    worker.on("exit", () => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      if (slot.task) settle(slot, {error: crashError(slot.crash)});
      else dispatch();
    });
    // An idle pool must not keep a headless process alive.
    worker.unref();
    return worker;
  };

  const settle = (slot: Slot, outcome: {document: ParsedDocument} | {error: unknown}): void => {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker?.unref();
    if (task) {
      task.cleanup();
      if ("document" in outcome) task.resolve(outcome.document);
      else task.reject(outcome.error);
    }
    dispatch();
  };

  /** Fails the running file and discards its worker: the only way to stop synchronous parsing. */
  const abandon = (slot: Slot, error: DesksideError): void => {
    const worker = slot.worker;
    slot.worker = null;
    void worker?.terminate();
    settle(slot, {error});
  };

  const dispatch = (): void => {
    if (closed) return;
    for (const slot of slots) {
      if (slot.task || queue.length === 0) continue;
      const task = queue.shift()!;
      slot.worker ??= spawn(slot);
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
        abandon(slot, new DesksideError("PARSE_FAILED", `Reading this file took longer than ${limit} and was stopped; it may be too large or malformed.`));
      }, timeoutMs);
      slot.worker.postMessage(task.job, task.transfer);
    }
  };

  function parse(path: string): Promise<ParsedDocument>;
  function parse(bytes: Uint8Array, fileName: string): Promise<ParsedDocument>;
  function parse(request: ParseRequest): Promise<ParsedDocument>;
  function parse(input: string | Uint8Array | ParseRequest, fileName?: string): Promise<ParsedDocument> {
    const request: ParseRequest =
      typeof input === "string" ? {path: input} : input instanceof Uint8Array ? {bytes: input, fileName: fileName ?? ""} : input;
    if (closed) return Promise.reject(new DesksideError("CANCELLED", "The document parser has been shut down."));
    if (request.signal?.aborted) return Promise.reject(cancelledError());

    const id = nextId++;
    let job: ParseJob;
    let transfer: ArrayBuffer[] = [];
    if ("bytes" in request) {
      // The worker gets its own copy, moved rather than cloned; the caller's bytes stay usable.
      const copy = new Uint8Array(request.bytes);
      job = {id, fileName: request.fileName, bytes: copy};
      transfer = [copy.buffer as ArrayBuffer];
    } else {
      job = {id, fileName: request.fileName ?? baseNameOf(request.path), path: request.path};
    }

    return new Promise<ParsedDocument>((resolve, reject) => {
      const signal = request.signal;
      const onAbort = (): void => {
        const queued = queue.indexOf(task);
        if (queued !== -1) {
          queue.splice(queued, 1);
          task.cleanup();
          reject(cancelledError());
          return;
        }
        const slot = slots.find((candidate) => candidate.task === task);
        if (slot) abandon(slot, cancelledError());
      };
      const task: Task = {job, transfer, resolve, reject, cleanup: () => signal?.removeEventListener("abort", onAbort)};
      signal?.addEventListener("abort", onAbort, {once: true});
      queue.push(task);
      dispatch();
    });
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const error = new DesksideError("CANCELLED", "The document parser was shut down before this file was read.");
    for (const task of queue.splice(0)) {
      task.cleanup();
      task.reject(error);
    }
    const terminations: Promise<number>[] = [];
    for (const slot of slots) {
      const worker = slot.worker;
      slot.worker = null;
      if (worker) terminations.push(worker.terminate());
      settle(slot, {error});
    }
    await Promise.all(terminations);
  };

  return {parse, close};
}

function cancelledError(): DesksideError {
  return new DesksideError("CANCELLED", "Reading this file was cancelled.");
}

function crashError(cause: Error | null): DesksideError {
  const outOfMemory = (cause as NodeJS.ErrnoException | null)?.code === "ERR_WORKER_OUT_OF_MEMORY";
  return new DesksideError(
    "PARSE_FAILED",
    outOfMemory
      ? "Reading this file needed more memory than allowed; it may be too large. Other files are not affected."
      : "The document reader stopped unexpectedly on this file. Other files are not affected.",
    cause ? {cause} : undefined,
  );
}

/**
 * The worker file sits next to this module: parse-worker.js in a bundle, or parse-worker.ts when
 * running from sources (vitest, tsx), started through a small loader that registers tsx first.
 */
function workerEntry(override?: URL): {url: URL; workerData?: {tsEntry: string}} {
  const fromSources = /\.[mc]?ts$/.test(new URL(import.meta.url).pathname);
  const url = override ?? new URL(fromSources ? "./parse-worker.ts" : "./parse-worker.js", import.meta.url);
  if (!/\.[mc]?ts$/.test(url.pathname)) return {url};
  return {url: new URL("./ts-worker-loader.mjs", import.meta.url), workerData: {tsEntry: url.href}};
}
