import {DesksideError} from "../../../shared/errors.js";

export function cancelledError(message: string): DesksideError {
  return new DesksideError("CANCELLED", message);
}

/**
 * Settles like `work`, or rejects with CANCELLED as soon as `signal` aborts, so a caller waiting
 * behind other work in a queue is released at once. The work itself must notice the signal and
 * stop; its late outcome is ignored.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, message: string): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(cancelledError(message));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(message));
    signal.addEventListener("abort", onAbort, {once: true});
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
