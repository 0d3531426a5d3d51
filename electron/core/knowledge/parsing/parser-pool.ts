import {statSync} from "node:fs";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {availableParallelism, tmpdir} from "node:os";
import path from "node:path";
import {DesksideError} from "../../../../shared/errors.js";
import {fileTooComplex, outOfMemory as outOfMemoryError, resolveLimits, timeBudgetMs, type FileLimits} from "./file-limits.js";
import {baseNameOf} from "./file-name.js";
import type {OcrOptions} from "./ocr/ocr-options.js";
import type {OcrProgress} from "./ocr/ocr-reader.js";
import {startParserProcess, type ParserProcess} from "./parser-process.js";
import {createSpawner} from "./parser-spawner.js";
import {siblingEntry} from "./child-launch.js";
import type {ChunkingRequest, PreparedDocument} from "./prepare-document.js";
import type {Chunk, ParsedDocument} from "./types.js";
import {errorFromReply, type ParseJob} from "./worker-protocol.js";


/**
 * Parses and chunks documents in worker processes so the Electron main process and the HTTP
 * server stay responsive and out of harm's way. Each worker takes one file at a time, within the
 * file's limits (time, memory, output): a worker that crashes, runs out of memory or exceeds the
 * time limit fails only the file it was working on and is replaced for the next one. A worker that
 * grew large on a file, or sat idle, is let go, so memory returns to what it was before the import.
 */

export interface ParserPoolOptions {
  /** Worker processes; defaults to one less than the CPU count, at most 4. */
  size?: number;
  /** Per-file limits (see file-limits.ts); unset ones keep their defaults. */
  limits?: Partial<FileLimits>;
  /** Shorthand: a fixed per-file time limit, whatever the file's size. */
  timeoutMs?: number;
  /** Shorthand for limits.maxMemoryMb. */
  maxMemoryMb?: number;
  /** A worker whose resident memory exceeds this after a file is replaced. Default 512 MB. */
  recycleBytes?: number;
  /** Workers idle this long are stopped; the next file starts a fresh one. Default 60 s. */
  idleMs?: number;
  /** Where the worker entry lives, for bundles that do not place parse-worker.js next to this module. */
  workerUrl?: URL;
  /** Likewise for the spawner process's entry (parser-spawner-entry.js). */
  spawnerUrl?: URL;
}

type Source = ({path: string; fileName?: string} | {bytes: Uint8Array; fileName: string}) & {
  signal?: AbortSignal;
  /** Read pages without a text layer, and image files, by OCR with these options; absent or null: OCR off. */
  ocr?: OcrOptions | null;
  /** Pages recognised so far; the first report (done 0) comes before the first page. */
  onOcrProgress?: (progress: OcrProgress) => void;
  /** This file's time and output limits where they differ from the pool's (the worker's heap stays the pool's). */
  limits?: Partial<FileLimits>;
};
export type ParseRequest = Source;
export type PrepareRequest = Source & {chunking: ChunkingRequest};

export interface ParserPool {
  parse(path: string): Promise<ParsedDocument>;
  parse(bytes: Uint8Array, fileName: string): Promise<ParsedDocument>;
  parse(request: ParseRequest): Promise<ParsedDocument>;
  /** Parses and chunks in a worker; only the chunks come back. */
  prepare(request: PrepareRequest): Promise<PreparedDocument>;
  /** Worker processes alive now (idle ones are let go after `idleMs`). */
  liveWorkers(): number;
  /** Stops all workers; files still queued or in progress fail with CANCELLED. */
  close(): Promise<void>;
}

interface Task {
  job: ParseJob;
  timeoutMs: number;
  /** The time the timer runs for now: the file's own budget, or one OCR page's. */
  allowedMs: number;
  /** Pages the file reads by OCR (once the worker has said), and how many are done. */
  ocr: OcrProgress | null;
  onOcrProgress?: (progress: OcrProgress) => void;
  /** Chunks received so far, for prepare jobs. */
  chunks: Chunk[];
  resolve: (value: ParsedDocument | PreparedDocument) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

interface Slot {
  worker: ParserProcess | null;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
}

type Outcome = {value: ParsedDocument | PreparedDocument; memoryBytes: number} | {error: unknown; memoryBytes?: number};

/** A worker with the tokenizer and the PDF, HTML and Word readers loaded sits near 300 MB. */
const DEFAULT_RECYCLE_BYTES = 512 * 1024 * 1024;
const HANDOVER_BYTES = 256 * 1024;
const DEFAULT_IDLE_MS = 60_000;
/**
 * Time for a worker to start, read the file from disk and load the reader and tokenizer it needs
 * (seconds on a loaded two-core machine) before the file's own limit begins; a file cannot
 * lengthen this phase, since detecting its type looks at its first megabyte only.
 */
const STARTUP_ALLOWANCE_MS = 60_000;

export function createParserPool(options: ParserPoolOptions = {}): ParserPool {
  const size = Math.max(1, Math.floor(options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1))));
  const poolLimits = resolveLimits({
    ...options.limits,
    ...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs, timeoutPerMbMs: 0} : {}),
    ...(options.maxMemoryMb !== undefined ? {maxMemoryMb: options.maxMemoryMb} : {}),
  });
  const recycleBytes = options.recycleBytes ?? DEFAULT_RECYCLE_BYTES;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const entry = options.workerUrl ?? siblingEntry("parse-worker");
  const spawner = createSpawner(options.spawnerUrl);
  spawner.warm();
  const slots: Slot[] = Array.from({length: size}, () => ({worker: null, task: null, timer: null, idleTimer: null}));
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (slot: Slot): ParserProcess => {
    const worker: ParserProcess = startParserProcess(spawner, entry, poolLimits.maxMemoryMb, {
      onReply(reply) {
        const task = slot.task;
        if (slot.worker !== worker || !task || task.job.id !== reply.id) return;
        if ("reading" in reply) {
          armTimer(slot, task, task.timeoutMs);
          return;
        }
        if ("chunks" in reply) {
          for (const chunk of reply.chunks) task.chunks.push(chunk);
          return;
        }
        if ("ocr" in reply) {
          // OCR takes seconds a page: while pages are being read, each gets its own time (the
          // first's includes starting the engine); after the last, the file's own time starts again.
          task.ocr = reply.ocr;
          armTimer(slot, task, reply.ocr.done < reply.ocr.total ? task.job.limits.ocrPageTimeoutMs : task.timeoutMs);
          task.onOcrProgress?.(reply.ocr);
          return;
        }
        if (!reply.ok) settle(slot, {error: errorFromReply(reply), memoryBytes: reply.memoryBytes});
        else if ("document" in reply) settle(slot, {value: reply.document, memoryBytes: reply.memoryBytes});
        else settle(slot, {value: {...reply.prepared, chunks: task.chunks}, memoryBytes: reply.memoryBytes});
      },
      onExit(outOfMemory, detail) {
        if (slot.worker !== worker) return;
        slot.worker = null;
        if (slot.task) settle(slot, {error: crashError(outOfMemory, detail, poolLimits)});
        else dispatch();
      },
    });
    return worker;
  };

  const retire = (slot: Slot): void => {
    const worker = slot.worker;
    slot.worker = null;
    worker?.kill();
  };

  const settle = (slot: Slot, outcome: Outcome): void => {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker?.setBusy(false);
    // A worker that grew on a big or hostile file gives its memory back by ending.
    if ((outcome.memoryBytes ?? 0) > recycleBytes) retire(slot);
    if (task) {
      task.cleanup();
      if ("value" in outcome) task.resolve(outcome.value);
      else task.reject(outcome.error);
    }
    dispatch();
  };

  const armTimer = (slot: Slot, task: Task, ms: number, phase: "startup" | "reading" = "reading"): void => {
    if (slot.timer) clearTimeout(slot.timer);
    task.allowedMs = ms;
    slot.timer = setTimeout(() => abandon(slot, phase === "startup" ? startupError(ms) : timeoutError(task.allowedMs, task.ocr)), ms);
  };

  /** Fails the running file and discards its worker: the only way to stop synchronous parsing. */
  const abandon = (slot: Slot, error: DesksideError): void => {
    retire(slot);
    settle(slot, {error});
  };

  const dispatch = (): void => {
    if (closed) return;
    for (const slot of slots) {
      if (slot.task) continue;
      if (queue.length === 0) {
        if (slot.worker && !slot.idleTimer) {
          slot.idleTimer = setTimeout(() => {
            slot.idleTimer = null;
            if (!slot.task) retire(slot);
          }, idleMs);
          slot.idleTimer.unref();
        }
        continue;
      }
      const task = queue.shift()!;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker ??= spawn(slot);
      slot.task = task;
      slot.worker.setBusy(true);
      // Until the worker says it is reading, the time goes to starting it and loading its readers.
      armTimer(slot, task, Math.max(task.timeoutMs, STARTUP_ALLOWANCE_MS), "startup");
      slot.worker.send(task.job);
    }
  };

  /**
   * Bytes larger than HANDOVER_BYTES reach the worker through a private temporary file: sending
   * them over the IPC channel serializes them on the calling thread (about 5 ms per MB, which a
   * 50 MB upload would turn into a quarter-second stall), while the file is written off-thread.
   */
  let stagingDir: Promise<string> | null = null;
  const stage = async (bytes: Uint8Array, id: number): Promise<{path: string; remove: () => Promise<void>}> => {
    stagingDir ??= mkdtemp(path.join(tmpdir(), "deskside-parse-"));
    const file = path.join(await stagingDir, `${id}.bin`);
    await writeFile(file, bytes, {mode: 0o600});
    return {path: file, remove: () => rm(file, {force: true})};
  };

  const enqueue = async <T extends ParsedDocument | PreparedDocument>(request: Source, chunking?: ChunkingRequest): Promise<T> => {
    if (closed) throw new DesksideError("CANCELLED", "The document parser has been shut down.");
    if (request.signal?.aborted) throw cancelledError();

    const id = nextId++;
    const staged = "bytes" in request && request.bytes.byteLength > HANDOVER_BYTES ? await stage(request.bytes, id) : null;
    try {
      if (closed) throw new DesksideError("CANCELLED", "The document parser has been shut down.");
      if (request.signal?.aborted) throw cancelledError();
      let job: ParseJob;
      let bytes: number;
      const limits = request.limits ? {...poolLimits, ...request.limits} : poolLimits;
      if ("bytes" in request) {
        // Small files travel in the message (copied; the caller's bytes stay usable), large ones as a file.
        job = staged ? {id, fileName: request.fileName, path: staged.path, limits, chunking, ocr: request.ocr} : {id, fileName: request.fileName, bytes: request.bytes, limits, chunking, ocr: request.ocr};
        bytes = request.bytes.byteLength;
      } else {
        job = {id, fileName: request.fileName ?? baseNameOf(request.path), path: request.path, limits, chunking, ocr: request.ocr};
        bytes = sizeOf(request.path);
      }
      return await new Promise<T>((resolve, reject) => {
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
        const task: Task = {
          job,
          timeoutMs: timeBudgetMs(limits, bytes),
          allowedMs: 0,
          ocr: null,
          onOcrProgress: request.onOcrProgress,
          chunks: [],
          resolve: resolve as Task["resolve"],
          reject,
          cleanup: () => signal?.removeEventListener("abort", onAbort),
        };
        signal?.addEventListener("abort", onAbort, {once: true});
        queue.push(task);
        dispatch();
      });
    } finally {
      await staged?.remove();
    }
  };

  function parse(path: string): Promise<ParsedDocument>;
  function parse(bytes: Uint8Array, fileName: string): Promise<ParsedDocument>;
  function parse(request: ParseRequest): Promise<ParsedDocument>;
  function parse(input: string | Uint8Array | ParseRequest, fileName?: string): Promise<ParsedDocument> {
    const request: ParseRequest =
      typeof input === "string" ? {path: input} : input instanceof Uint8Array ? {bytes: input, fileName: fileName ?? ""} : input;
    return enqueue<ParsedDocument>(request);
  }

  const prepare = (request: PrepareRequest): Promise<PreparedDocument> => enqueue<PreparedDocument>(request, request.chunking);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const error = new DesksideError("CANCELLED", "The document parser was shut down before this file was read.");
    for (const task of queue.splice(0)) {
      task.cleanup();
      task.reject(error);
    }
    for (const slot of slots) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      retire(slot);
      settle(slot, {error});
    }
    spawner.close();
    if (stagingDir) await rm(await stagingDir, {recursive: true, force: true}).catch(() => undefined);
  };

  return {parse, prepare, close, liveWorkers: () => slots.filter((slot) => slot.worker !== null).length};
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function cancelledError(): DesksideError {
  return new DesksideError("CANCELLED", "Reading this file was cancelled.");
}

function timeoutError(timeoutMs: number, ocr: OcrProgress | null): DesksideError {
  const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  if (ocr && ocr.done < ocr.total)
    return fileTooComplex(`Reading page text by OCR took longer than ${limit} for one page (${ocr.done} of ${ocr.total} pages were done), so this file was stopped; a page this slow is usually an enormous image. Scan at a lower resolution or split the file.`, {
      timeoutMs,
      ocrPages: ocr.total,
      ocrDone: ocr.done,
    });
  return fileTooComplex(`Reading this file took longer than ${limit} and was stopped; it is too large or too intricate to import as it is. Split it or save it in a simpler format.`, {
    timeoutMs,
  });
}

function startupError(ms: number): DesksideError {
  return new DesksideError("BUSY", `The document reader did not get ready within ${Math.round(ms / 1000)} s; the computer is too busy. Try this file again in a moment.`, {
    details: {timeoutMs: ms},
  });
}

function crashError(outOfMemory: boolean, detail: string, limits: FileLimits): DesksideError {
  const cause = new Error(`parser worker ended: ${detail}`);
  if (outOfMemory) return outOfMemoryError(limits, cause);
  return new DesksideError("PARSE_FAILED", "The document reader stopped unexpectedly on this file. Other files are not affected.", {cause});
}
