import {DesksideError} from "../../shared/errors.js";

/** Awaits a promise that must fail with a DesksideError and returns that error for assertions. */
export async function expectDesksideError(promise: Promise<unknown>): Promise<DesksideError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DesksideError) return error;
    throw new Error(`expected a DesksideError, got ${String(error)}`, {cause: error});
  }
  throw new Error("expected the promise to fail");
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
