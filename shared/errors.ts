/**
 * Stable error codes a user can meet. The code never changes once released; the message is a
 * sentence a technician understands. Stack traces and local paths stay in the log.
 */
export const ERROR_CODES = {
  // input and contract
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  UNAUTHORIZED: 401,
  PAYLOAD_TOO_LARGE: 413,
  /** A JSON schema for structured output is past a size limit (nesting, values, length, enum values). */
  SCHEMA_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  // models and engine
  MODEL_NOT_FOUND: 404,
  MODEL_INVALID: 422,
  MODEL_TOO_LARGE: 422,
  MODEL_NOT_LOADED: 409,
  /** A model is still loading; the request may be sent again in a moment (HTTP: with Retry-After). */
  MODEL_LOADING: 503,
  CONTEXT_TOO_LARGE: 422,
  GPU_UNAVAILABLE: 422,
  BUSY: 429,
  GENERATION_FAILED: 500,
  REMOTE_UNREACHABLE: 502,
  REMOTE_ERROR: 502,
  DOWNLOAD_FAILED: 502,
  /** The link, or a redirect, leads to a host or address not on the download allowlist. */
  DOWNLOAD_NOT_ALLOWED: 403,
  /** No connection could be made (refused, unreachable, no such host, or none within the connect timeout). */
  NETWORK_UNREACHABLE: 502,
  /** Connected, but the server sent nothing for longer than the idle timeout. */
  DOWNLOAD_TIMEOUT: 504,
  // knowledge
  UNSUPPORTED_TYPE: 415,
  FILE_TOO_LARGE: 413,
  /** The file is within the size limit but would take too long, or too deep a structure, to read. */
  FILE_TOO_COMPLEX: 422,
  FILE_UNREADABLE: 422,
  FILE_EMPTY: 422,
  PARSE_FAILED: 422,
  PDF_ENCRYPTED: 422,
  /** Text had to be read from images (a scanned page, an image file), but OCR is off or its language data is missing. */
  OCR_UNAVAILABLE: 422,
  BATCH_TOO_LARGE: 413,
  EMBEDDING_MODEL_MISSING: 409,
  EMBEDDING_FAILED: 500,
  RERANKER_FAILED: 500,
  STORE_ERROR: 500,
  /** Part of the knowledge base or history was unreadable at start; what survived keeps working. */
  STORE_DAMAGED: 500,
  STORE_URI_INVALID: 400,
  /** The shared knowledge base's object store (s3://, gs://, az://) cannot be reached; retry once it is back. */
  STORE_UNREACHABLE: 503,
  ALREADY_IMPORTED: 409,
  /** A watched folder's path does not exist or is not a folder (when adding it). */
  FOLDER_NOT_FOUND: 404,
  /** The folder, a folder inside it or one containing it is already watched; or it holds Deskside's own data. */
  FOLDER_ALREADY_WATCHED: 409,
  /** A watched folder disappeared (deleted, renamed, a drive unplugged); its documents are kept until it returns or is removed. */
  FOLDER_MISSING: 404,
  /** A watched folder, or a folder inside it, cannot be read (permissions); what was imported from it is kept. */
  FOLDER_UNREADABLE: 422,
  /** The operating system stopped reporting changes (e.g. too many watches); rescans every minute keep the folder in sync meanwhile. */
  WATCH_FAILED: 500,
  /** Not a knowledge pack, or one that is cut off, altered or damaged since it was made; nothing was imported. */
  PACK_INVALID: 422,
  /** A knowledge pack from a newer Deskside, in a pack format this version cannot read; nothing was imported. */
  PACK_VERSION_UNSUPPORTED: 422,
  // settings and server
  SETTINGS_INVALID: 400,
  SETTINGS_CORRUPT: 500,
  /** A setting that decides who can reach Deskside, changed over HTTP: only the computer running it may. */
  SETTING_LOCAL_ONLY: 403,
  /** The API token's scope does not cover this route or method (an `ask` token calling an `admin` one). */
  FORBIDDEN_SCOPE: 403,
  PORT_IN_USE: 409,
  /** Another Deskside process (desktop app or `npm run serve`) holds the data folder. */
  DATA_DIR_IN_USE: 409,
  /** The disk that would hold the file is full; nothing half-written is kept. */
  DISK_FULL: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Optional machine-readable extras (never paths or stack traces). */
  details?: Record<string, unknown>;
}

export class DesksideError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options?: {cause?: unknown; details?: Record<string, unknown>}) {
    super(message, options?.cause === undefined ? undefined : {cause: options.cause});
    this.name = "DesksideError";
    this.code = code;
    this.details = options?.details;
  }

  /** HTTP status that matches the code. */
  get status(): number {
    return ERROR_CODES[this.code];
  }

  toInfo(): ErrorInfo {
    return this.details ? {code: this.code, message: this.message, details: this.details} : {code: this.code, message: this.message};
  }
}

export function isDesksideError(error: unknown): error is DesksideError {
  return error instanceof DesksideError;
}

/** Turns anything thrown into the shape shown to users; unknown errors become INTERNAL without detail. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (isDesksideError(error)) return error.toInfo();
  if (error && typeof error === "object" && "code" in error && "message" in error) {
    const code = String((error as {code: unknown}).code);
    if (code in ERROR_CODES) return {code: code as ErrorCode, message: String((error as {message: unknown}).message)};
  }
  return {code: "INTERNAL", message: "Something went wrong inside Deskside; details are in the log."};
}
