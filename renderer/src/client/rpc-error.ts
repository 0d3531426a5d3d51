/** A failed call as the UI sees it: a sentence to show and a stable code to branch on. */
export class RpcError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.details = details;
  }
}

/** The message to show for anything thrown: never a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof RpcError) return error.message;
  return "Something went wrong. Details are in the Deskside log.";
}

export function errorCode(error: unknown): string | null {
  return error instanceof RpcError ? error.code : null;
}
