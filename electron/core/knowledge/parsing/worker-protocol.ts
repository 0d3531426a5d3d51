import {DesksideError, ERROR_CODES, type ErrorCode, type ErrorInfo, isDesksideError} from "../../../../shared/errors.js";
import type {FileLimits} from "./file-limits.js";
import type {OcrOptions} from "./ocr/ocr-options.js";
import type {OcrProgress} from "./ocr/ocr-reader.js";
import type {ChunkingRequest, PreparedDocument} from "./prepare-document.js";
import type {Chunk, ParsedDocument} from "./types.js";

/**
 * Messages between the parser pool and its worker processes; errors travel as plain data.
 * `memoryBytes` is the worker's resident memory after the job, so the pool can replace one that grew.
 */

export type ParseJob = {
  id: number;
  fileName: string;
  limits: FileLimits;
  /** Present: parse and chunk (the reply streams chunks); absent: parse only. */
  chunking?: ChunkingRequest;
  /** Present with languages: pages without a text layer and image files are read by OCR. */
  ocr?: OcrOptions | null;
} & ({path: string; bytes?: undefined} | {bytes: Uint8Array; path?: undefined});

/** Chunks travel in batches of this many, so no single message takes the main thread long to read. */
export const CHUNK_BATCH = 256;

export type ParseReply =
  /** The file is read from disk and the code to parse it is loaded: its time limit starts now. */
  | {id: number; reading: true}
  | {id: number; ok: true; document: ParsedDocument; memoryBytes: number}
  /** One batch of a prepared document's chunks, in order; the final reply follows the last batch. */
  | {id: number; chunks: Chunk[]}
  /** OCR progress: the first (done 0) says how many pages the file has to recognise. */
  | {id: number; ocr: OcrProgress}
  | {id: number; ok: true; prepared: Omit<PreparedDocument, "chunks">; memoryBytes: number}
  /** `cause` is the underlying library message, for the log only. */
  | {id: number; ok: false; error: ErrorInfo; cause?: string; memoryBytes?: number};

export type FailureReply = Extract<ParseReply, {ok: false}>;

export function failureReply(id: number, error: unknown): FailureReply {
  const cause = isDesksideError(error) ? error.cause : error;
  const causeText = cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? undefined : String(cause);
  const info: ErrorInfo = isDesksideError(error)
    ? error.toInfo()
    : {code: "PARSE_FAILED", message: "This file could not be read; it may be damaged."};
  return causeText === undefined ? {id, ok: false, error: info} : {id, ok: false, error: info, cause: causeText};
}

/** Rebuilds the error on this side of the thread boundary with the same code and message. */
export function errorFromReply(reply: FailureReply): DesksideError {
  const code: ErrorCode = reply.error.code in ERROR_CODES ? reply.error.code : "PARSE_FAILED";
  return new DesksideError(code, reply.error.message, {
    details: reply.error.details,
    cause: reply.cause === undefined ? undefined : new Error(reply.cause),
  });
}
