import {createOcrReader} from "./ocr/ocr-reader.js";
import {loadReaderFor, parseDocument} from "./parse-document.js";
import {readDocumentFile} from "./parse-file.js";
import {prepareDocument} from "./prepare-document.js";
import type {ParseContext} from "./types.js";
import {CHUNK_BATCH, failureReply, type ParseJob, type ParseReply} from "./worker-protocol.js";
import {tokenCounterFor} from "./worker-tokenizer.js";

/**
 * Entry of a parser worker process (see parser-process.ts): parsing a 300-page PDF or a 50 MB
 * CSV, and cutting it into chunks, takes seconds of pure CPU and can take a lot of memory, which
 * must not freeze or endanger the window or the HTTP server. One job at a time.
 */

if (!process.send) throw new Error("parse-worker must be started by the parser pool, with an IPC channel.");
const send = (reply: ParseReply) => process.send!(reply);

process.on("message", (job: ParseJob) => {
  void handle(job).then((reply) => {
    try {
      send(reply);
    } catch (error) {
      send(failureReply(job.id, error));
    }
  });
});
// The app went away (even killed): nothing is left to report to.
process.on("disconnect", () => process.exit(0));

/** This process's memory: the pool replaces a worker that grew large. */
function memoryBytes(): number {
  return process.memoryUsage().rss;
}

async function handle(job: ParseJob): Promise<ParseReply> {
  try {
    const bytes = job.path !== undefined ? await readDocumentFile(job.path) : job.bytes;
    // Loading code is the machine's cost, not the file's: the pool starts the file's clock after it.
    await Promise.all([loadReaderFor(bytes, job.fileName), job.chunking ? tokenCounterFor(job.chunking.tokenizer).catch(() => undefined) : undefined]);
    send({id: job.id, reading: true});
    const context = parseContext(job);
    if (!job.chunking) return {id: job.id, ok: true, document: await parseDocument(bytes, job.fileName, job.limits, context), memoryBytes: memoryBytes()};
    const countTokens = await tokenCounterFor(job.chunking.tokenizer);
    const {chunks, ...prepared} = await prepareDocument(bytes, job.fileName, job.chunking, countTokens, job.limits, context);
    for (let start = 0; start < chunks.length; start += CHUNK_BATCH) send({id: job.id, chunks: chunks.slice(start, start + CHUNK_BATCH)});
    return {id: job.id, ok: true, prepared, memoryBytes: memoryBytes()};
  } catch (error) {
    return {...failureReply(job.id, error), memoryBytes: memoryBytes()};
  }
}

/**
 * OCR runs here, in the worker that reads the file: a recogniser that crashes or runs away takes
 * only this process, and with it this file, and cancelling the file stops it by ending the process.
 * The engine stays warm between files.
 */
function parseContext(job: ParseJob): ParseContext {
  if (!job.ocr || job.ocr.languages.length === 0) return {};
  const options = job.ocr;
  return {ocr: createOcrReader(async () => (await import("./ocr/ocr-engine.js")).sharedOcrEngine(options), job.limits, {onProgress: (ocr) => send({id: job.id, ocr})})};
}
