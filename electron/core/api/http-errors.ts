import {ERROR_CODES, isDesksideError} from "../../../shared/errors.js";
import {scrubPaths} from "./path-scrub.js";

/**
 * Codes only the HTTP layer produces. Everything else uses shared/errors.ts so a client sees the
 * same code over IPC, /rpc and the REST routes.
 */
export type HttpOnlyCode = "METHOD_NOT_ALLOWED" | "TIMEOUT";

/** An error whose status and sentence are already decided (routing, content type, limits). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {param?: string | null; retryAfterSeconds?: number; allow?: string[]} = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A request part failed its zod schema; the message lists each problem by field. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = "FST_ERR_VALIDATION";
  constructor(
    message: string,
    readonly param: string | null,
  ) {
    super(message);
    this.name = "RequestValidationError";
  }
}

export interface HttpError {
  status: number;
  code: string;
  message: string;
  param: string | null;
  retryAfterSeconds: number | null;
  allow: string[] | null;
  /** True when nothing about the request explains it; these get logged with full detail. */
  internal: boolean;
}

const INTERNAL_MESSAGE = "Something went wrong inside Deskside; details are in the log.";
const MAX_MESSAGE = 800;

function clean(message: string): string {
  const scrubbed = scrubPaths(message).replace(/\s+at\s+\S+\s+\(.*?\)/g, "");
  return scrubbed.length > MAX_MESSAGE ? `${scrubbed.slice(0, MAX_MESSAGE)}…` : scrubbed;
}

function make(status: number, code: string, message: string, rest: Partial<HttpError> = {}): HttpError {
  return {status, code, message: clean(message), param: null, retryAfterSeconds: null, allow: null, internal: false, ...rest};
}

/** Framework and plugin errors that are the client's doing, with a sentence for each. */
const FRAMEWORK: Record<string, (error: {message: string}) => HttpError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => make(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this server accepts; send less data or raise the API body limit in Settings."),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => make(415, "UNSUPPORTED_TYPE", "This content type is not accepted here; send application/json."),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => make(400, "INVALID_INPUT", "The body is empty although the content type says JSON."),
  FST_ERR_CTP_INVALID_JSON_BODY: () => make(400, "INVALID_INPUT", "The request body is not valid JSON."),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => make(400, "INVALID_INPUT", "The Content-Length header does not match the body."),
  FST_ERR_CTP_INVALID_TYPE: () => make(415, "UNSUPPORTED_TYPE", "The Content-Type header is not valid."),
  FST_ERR_BAD_URL: () => make(400, "INVALID_INPUT", "The URL is not valid."),
  FST_ERR_ASYNC_CONSTRAINT: () => make(400, "INVALID_INPUT", "A request header is not valid."),
  FST_REQ_FILE_TOO_LARGE: () => make(413, "FILE_TOO_LARGE", "An uploaded file is larger than the upload limit; raise it in Settings or split the file."),
  FST_FILES_LIMIT: () => make(413, "BATCH_TOO_LARGE", "Too many files in one upload; send them in smaller batches."),
  FST_PARTS_LIMIT: () => make(413, "BATCH_TOO_LARGE", "Too many parts in one upload; send the files in smaller batches."),
  FST_FIELDS_LIMIT: () => make(413, "PAYLOAD_TOO_LARGE", "Too many form fields in the upload."),
  FST_PROTO_VIOLATION: () => make(400, "INVALID_INPUT", "A form field name is not allowed."),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => make(415, "UNSUPPORTED_TYPE", "Send the files as multipart/form-data."),
  FST_MP_PREMATURE_CLOSE: () => make(400, "INVALID_INPUT", "The upload ended before all of it arrived."),
};

/** Turns anything thrown while serving a request into a status, a stable code and a safe sentence. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof ApiError)
    return make(error.status, error.code, error.message, {
      param: error.extra.param ?? null,
      retryAfterSeconds: error.extra.retryAfterSeconds ?? null,
      allow: error.extra.allow ?? null,
    });
  if (error instanceof RequestValidationError) return make(400, "INVALID_INPUT", error.message, {param: error.param});
  if (isDesksideError(error)) {
    const status = ERROR_CODES[error.code] ?? 500;
    if (error.code === "INTERNAL") return make(500, "INTERNAL", INTERNAL_MESSAGE, {internal: true});
    const retry = error.code === "BUSY" || error.code === "RATE_LIMITED" || error.code === "MODEL_LOADING" ? Number(error.details?.retryAfterSeconds ?? 1) || 1 : null;
    return make(status, error.code, error.message, {retryAfterSeconds: retry});
  }
  if (error && typeof error === "object") {
    const e = error as {code?: unknown; statusCode?: unknown; status?: unknown; message?: unknown; validation?: unknown};
    const code = typeof e.code === "string" ? e.code : "";
    const message = typeof e.message === "string" ? e.message : "";
    if (FRAMEWORK[code]) return FRAMEWORK[code]({message});
    if (code === "FST_ERR_VALIDATION") return make(400, "INVALID_INPUT", message || "The request is not valid.");
    // Shared-shape errors that crossed a boundary as plain objects ({code, message}).
    if (code in ERROR_CODES && code !== "INTERNAL") return make(ERROR_CODES[code as keyof typeof ERROR_CODES], code, message);
    const status = typeof e.statusCode === "number" ? e.statusCode : typeof e.status === "number" ? e.status : 0;
    if (error instanceof SyntaxError && (status === 400 || status === 0)) return make(400, "INVALID_INPUT", "The request body is not valid JSON.");
    if (status >= 400 && status < 500) return make(status, status === 404 ? "NOT_FOUND" : status === 413 ? "PAYLOAD_TOO_LARGE" : status === 415 ? "UNSUPPORTED_TYPE" : "INVALID_INPUT", message || "The request is not valid.");
  }
  return make(500, "INTERNAL", INTERNAL_MESSAGE, {internal: true});
}

/** The help-desk and RPC shape. */
export function helpdeskErrorBody(error: HttpError): {error: {code: string; message: string}} {
  return {error: {code: error.code, message: error.message}};
}

/** OpenAI's shape, so SDKs raise their usual exception classes. */
export function openaiErrorBody(error: HttpError): {error: {message: string; type: string; param: string | null; code: string}} {
  const type =
    error.status === 401
      ? "authentication_error"
      : error.status === 403
        ? "permission_error"
        : error.status === 404
          ? "not_found_error"
          : error.status === 429
            ? "rate_limit_error"
            : error.status >= 500
              ? "server_error"
              : "invalid_request_error";
  return {error: {message: error.message, type, param: error.param, code: error.code.toLowerCase()}};
}

export function isOpenAiPath(url: string): boolean {
  return url === "/v1" || url.startsWith("/v1/") || url.startsWith("/v1?");
}
