/**
 * Errors raised while pulling, verifying or packaging models. Each carries a stable code and a
 * sentence a technician can act on; the CLI prints `CODE: message` and exits non-zero.
 */
export type ModelsErrorCode =
  | "MODELS_MANIFEST_INVALID"
  | "MODELS_UNKNOWN_SELECTION"
  | "MODELS_CHECKSUM_MISSING"
  | "MODELS_CHECKSUM_MISMATCH"
  | "MODELS_SIZE_MISMATCH"
  | "MODELS_DOWNLOAD_UNREACHABLE"
  | "MODELS_DOWNLOAD_HTTP"
  | "MODELS_DOWNLOAD_TIMEOUT"
  | "MODELS_DOWNLOAD_INTERRUPTED"
  | "MODELS_BUNDLE_INCOMPLETE"
  | "MODELS_BUNDLE_TOO_LARGE";

export class ModelsError extends Error {
  readonly code: ModelsErrorCode;
  /** Whether trying the same download again may succeed (network blips, 5xx, stalls). */
  readonly retryable: boolean;

  constructor(code: ModelsErrorCode, message: string, options: {retryable?: boolean; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.name = "ModelsError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  /** `CODE: message`, the form the command-line tools print. */
  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}
