import {DesksideError, ERROR_CODES, type ErrorCode, type ErrorInfo, isDesksideError} from "../../../../shared/errors.js";
import type {ParsedDocument} from "./types.js";

/** Messages between the parser pool and its worker threads; errors travel as plain data. */

export type ParseJob = {id: number; fileName: string} & ({path: string; bytes?: undefined} | {bytes: Uint8Array; path?: undefined});

export type ParseReply =
  | {id: number; ok: true; document: ParsedDocument}
  /** `cause` is the underlying library message, for the log only. */
  | {id: number; ok: false; error: ErrorInfo; cause?: string};

export function failureReply(id: number, error: unknown): ParseReply {
  const cause = isDesksideError(error) ? error.cause : error;
  const causeText = cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? undefined : String(cause);
  const info: ErrorInfo = isDesksideError(error)
    ? error.toInfo()
    : {code: "PARSE_FAILED", message: "This file could not be read; it may be damaged."};
  return causeText === undefined ? {id, ok: false, error: info} : {id, ok: false, error: info, cause: causeText};
}

/** Rebuilds the error on this side of the thread boundary with the same code and message. */
export function errorFromReply(reply: Extract<ParseReply, {ok: false}>): DesksideError {
  const code: ErrorCode = reply.error.code in ERROR_CODES ? reply.error.code : "PARSE_FAILED";
  return new DesksideError(code, reply.error.message, {
    details: reply.error.details,
    cause: reply.cause === undefined ? undefined : new Error(reply.cause),
  });
}
