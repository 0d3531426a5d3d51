import {DesksideError} from "../../../shared/errors.js";

/**
 * Failures of the network path to an object store, as LanceDB's object_store client words them
 * ("HTTP error: error sending request", a connect or DNS failure, a timeout). An S3 error answer
 * (access denied, no such bucket) is not one of them: the server was reached and said no.
 */
const UNREACHABLE = [/error sending request/i, /connection refused/i, /connect(ion)? (error|timed out)/i, /dns error/i, /operation timed out/i, /tcp connect/i, /timed out/i];

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    parts.push(cause instanceof Error ? cause.message : String(cause));
    cause = cause instanceof Error ? (cause as Error & {cause?: unknown}).cause : undefined;
  }
  return parts.join(" | ");
}

export function isUnreachable(error: unknown): boolean {
  if (error instanceof DesksideError) return error.code === "STORE_UNREACHABLE";
  const text = messages(error);
  return UNREACHABLE.some((pattern) => pattern.test(text));
}

export function unreachableError(uri: string | null, cause?: unknown): DesksideError {
  return new DesksideError(
    "STORE_UNREACHABLE",
    `The shared knowledge base${uri ? ` at ${uri}` : ""} cannot be reached (network, endpoint or storage server down); search and import work again once it is back. Conversations are not affected.`,
    {cause},
  );
}

/** The error as it should reach a caller: STORE_UNREACHABLE for a network failure, else unchanged. */
export function asStoreError(uri: string, error: unknown): unknown {
  if (error instanceof DesksideError && error.code !== "STORE_ERROR") return error;
  return isUnreachable(error) || (error instanceof DesksideError && isUnreachable(error.cause)) ? unreachableError(uri, error) : error;
}
