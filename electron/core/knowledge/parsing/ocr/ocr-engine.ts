import {createRequire} from "node:module";
import type {Worker as Thread} from "node:worker_threads";
import Tesseract from "tesseract.js";
import {DesksideError} from "../../../../../shared/errors.js";
import {locateLanguageData, unpacked} from "./ocr-languages.js";
import type {OcrOptions} from "./ocr-options.js";

/**
 * A small pool of tesseract.js recognisers (each a worker thread running tesseract's WASM build)
 * that reads the text of encoded images (PNG, JPEG, TIFF, PGM). Recognisers start on demand, up to
 * `workers`, and are let go after a while without work. Everything is local: the language data
 * comes from a folder (ocr-languages.ts), the WASM from the tesseract.js-core package, and the
 * download cache is off, so tesseract.js neither fetches nor writes files.
 */

export interface OcrLine {
  text: string;
  /** Line height in pixels, for telling headings from body text. */
  height: number;
}

export interface OcrParagraph {
  lines: OcrLine[];
  /** Tesseract's confidence, 0–100. */
  confidence: number;
}

export interface OcrRecognition {
  paragraphs: OcrParagraph[];
}

export interface RecognizeOptions {
  /** The image's resolution when known (a scanned PDF page); tesseract assumes 70 dpi otherwise. */
  dpi?: number;
  signal?: AbortSignal;
}

export interface OcrEngine {
  /** Recognisers that may run at once. */
  readonly size: number;
  recognize(image: Uint8Array, options?: RecognizeOptions): Promise<OcrRecognition>;
  /** Stops every recogniser; recognitions in progress fail with CANCELLED. */
  close(): Promise<void>;
}

interface Recogniser {
  worker: Tesseract.Worker;
  thread: Thread;
  /** Rejects when the worker thread ends or throws. */
  died: Promise<never>;
  dead: boolean;
}

interface Waiter {
  resolve: (recogniser: Recogniser) => void;
  reject: (error: unknown) => void;
}

/** Starting one (WASM compile, language data unpacked into it) takes 1–7 s; longer means it hangs. */
const START_TIMEOUT_MS = 90_000;
const DEFAULT_IDLE_MS = 30_000;

const WORKER_SCRIPT = unpacked(createRequire(import.meta.url).resolve("tesseract.js/src/worker-script/node/index.js"));

export function createOcrEngine(options: OcrOptions, settings: {idleMs?: number} = {}): OcrEngine {
  const size = Math.max(1, Math.floor(options.workers));
  const idleMs = settings.idleMs ?? DEFAULT_IDLE_MS;
  const all = new Set<Recogniser>();
  const idle: Recogniser[] = [];
  const waiters: Waiter[] = [];
  let starting = 0;
  let idleTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const start = async (): Promise<Recogniser> => {
    const data = await locateLanguageData(options.languages, options.dataDirs);
    let failStart: ((error: unknown) => void) | null = null;
    const failed = new Promise<never>((_, reject) => (failStart = reject));
    const timer = setTimeout(() => failStart?.(new Error("the OCR engine did not start in time")), START_TIMEOUT_MS);
    try {
      const worker = await Promise.race([
        Tesseract.createWorker(data.langs, Tesseract.OEM.LSTM_ONLY, {
          langPath: data.langPath,
          gzip: data.gzip,
          cacheMethod: "none",
          workerPath: WORKER_SCRIPT,
          logger: () => undefined,
          // Without a handler tesseract.js throws a job's failure from its message listener, which
          // nothing can catch; failures reach the caller through the job's promise instead.
          errorHandler: (error: unknown) => failStart?.(error),
        }),
        failed,
      ]);
      const thread = (worker as unknown as {worker: Thread}).worker;
      const recogniser: Recogniser = {worker, thread, dead: false, died: null as unknown as Promise<never>};
      recogniser.died = new Promise<never>((_, reject) => {
        const end = (reason: string) => {
          recogniser.dead = true;
          reject(new DesksideError("PARSE_FAILED", "The OCR engine stopped unexpectedly on this file. Other files are not affected.", {cause: new Error(reason)}));
        };
        thread.on("error", (error: Error) => end(`OCR worker thread failed: ${error.message}`));
        thread.on("exit", (code) => end(`OCR worker thread exited with ${code}`));
      });
      recogniser.died.catch(() => undefined);
      // An idle recogniser must not keep a command-line tool's process alive.
      thread.unref();
      return recogniser;
    } catch (error) {
      throw error instanceof DesksideError ? error : new DesksideError("OCR_UNAVAILABLE", "The OCR engine could not be started; details are in the log.", {cause: error});
    } finally {
      failStart = null;
      clearTimeout(timer);
    }
  };

  const startFor = (waiter: Waiter): void => {
    starting++;
    start()
      .then((recogniser) => {
        if (closed) {
          void recogniser.worker.terminate();
          waiter.reject(closedError());
          return;
        }
        all.add(recogniser);
        waiter.resolve(recogniser);
      }, waiter.reject)
      .finally(() => starting--);
  };

  const acquire = (signal?: AbortSignal): Promise<Recogniser> =>
    new Promise<Recogniser>((resolve, reject) => {
      if (closed) return reject(closedError());
      if (signal?.aborted) return reject(cancelledError());
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      const ready = idle.pop();
      if (ready) return resolve(ready);
      const waiter: Waiter = {resolve, reject};
      if (all.size + starting < size) return startFor(waiter);
      const onAbort = () => {
        const index = waiters.indexOf(waiter);
        if (index !== -1) waiters.splice(index, 1);
        reject(cancelledError());
      };
      signal?.addEventListener("abort", onAbort, {once: true});
      waiters.push({
        resolve: (recogniser) => (signal?.removeEventListener("abort", onAbort), resolve(recogniser)),
        reject: (error) => (signal?.removeEventListener("abort", onAbort), reject(error)),
      });
    });

  const release = (recogniser: Recogniser): void => {
    if (recogniser.dead || closed) {
      all.delete(recogniser);
      void recogniser.worker.terminate();
      const waiter = waiters.shift();
      if (waiter && !closed) startFor(waiter);
      return;
    }
    const waiter = waiters.shift();
    if (waiter) return waiter.resolve(recogniser);
    idle.push(recogniser);
    if (idle.length === all.size && !idleTimer) {
      // Each recogniser holds its language model and WASM heap; a quiet engine gives them back.
      idleTimer = setTimeout(() => {
        idleTimer = null;
        for (const spare of idle.splice(0)) {
          all.delete(spare);
          void spare.worker.terminate();
        }
      }, idleMs);
      idleTimer.unref();
    }
  };

  const recognize = async (image: Uint8Array, options: RecognizeOptions = {}): Promise<OcrRecognition> => {
    const {signal} = options;
    const recogniser = await acquire(signal);
    let abandon = false;
    const stopped = new Promise<never>((_, reject) => {
      if (!signal) return;
      const onAbort = () => reject(cancelledError());
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, {once: true});
    });
    stopped.catch(() => undefined);
    recogniser.thread.ref();
    try {
      const job = (async () => {
        await recogniser.worker.setParameters({user_defined_dpi: options.dpi ? String(Math.round(options.dpi)) : "0"});
        return recogniser.worker.recognize(Buffer.from(image.buffer, image.byteOffset, image.byteLength), {}, {text: false, blocks: true});
      })();
      job.catch(() => undefined);
      const result = await Promise.race([job, recogniser.died, stopped]);
      return toRecognition(result.data);
    } catch (error) {
      if (error instanceof DesksideError) {
        // WASM cannot be interrupted: a recogniser whose job was abandoned is stopped.
        abandon = error.code === "CANCELLED";
        throw error;
      }
      throw new DesksideError("PARSE_FAILED", "The image could not be read; it may be damaged or cut off.", {cause: error});
    } finally {
      if (abandon) recogniser.dead = true;
      if (!recogniser.dead) recogniser.thread.unref();
      release(recogniser);
    }
  };

  const close = async (): Promise<void> => {
    closed = true;
    if (idleTimer) clearTimeout(idleTimer);
    for (const waiter of waiters.splice(0)) waiter.reject(closedError());
    idle.length = 0;
    const running = [...all];
    all.clear();
    await Promise.all(running.map((recogniser) => recogniser.worker.terminate().catch(() => undefined)));
  };

  return {size, recognize, close};
}

const engines = new Map<string, OcrEngine>();

/**
 * The engine for these options, kept for the life of the process (its recognisers are let go when
 * idle), so consecutive files skip starting tesseract again.
 */
export function sharedOcrEngine(options: OcrOptions): OcrEngine {
  const key = JSON.stringify([options.languages, options.dataDirs, options.workers]);
  let engine = engines.get(key);
  if (!engine) engines.set(key, (engine = createOcrEngine(options)));
  return engine;
}

function toRecognition(page: Tesseract.Page): OcrRecognition {
  const paragraphs: OcrParagraph[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      const lines = paragraph.lines
        .map((line) => ({text: line.text.trim(), height: line.rowAttributes?.rowHeight || line.bbox.y1 - line.bbox.y0}))
        .filter((line) => line.text.length > 0);
      if (lines.length > 0) paragraphs.push({lines, confidence: paragraph.confidence});
    }
  }
  return {paragraphs};
}

function cancelledError(): DesksideError {
  return new DesksideError("CANCELLED", "Reading this file was cancelled.");
}

function closedError(): DesksideError {
  return new DesksideError("CANCELLED", "The OCR engine was shut down before this page was read.");
}
