import {DesksideError} from "../../../shared/errors.js";
import type {RouteContext} from "./route-context.js";

/** What a client told "still loading" is asked to wait before sending the request again. */
export const MODEL_LOADING_RETRY_SECONDS = 5;

type WaitContext = Pick<RouteContext, "engine" | "localEngine" | "limits">;

/**
 * Lets a generation request that arrives while the model loads (or while start-up is still finding
 * the model to load) wait for that load, at most `limits().modelWaitMs`.
 *
 * - Nothing loading, or an engine already able to answer: returns true at once; the request goes on
 *   as before (no model at all stays MODEL_NOT_LOADED, or a retrieval-only answer on the chat routes).
 * - The load finishes in time: true. It fails: its error is thrown.
 * - Still loading after the wait: 503 MODEL_LOADING with Retry-After.
 * - The request ends first (client gone, request deadline, shutdown): false; the caller sends nothing.
 */
export async function waitForModel(ctx: WaitContext, signal: AbortSignal): Promise<boolean> {
  if (ctx.engine.isReady() || !ctx.localEngine.isLoadPending()) return true;
  if (signal.aborted) return false;
  const limitMs = ctx.limits().modelWaitMs;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  type Outcome = {kind: "settled"; failure: DesksideError | null} | {kind: "waited"} | {kind: "ended"};
  const outcome = await Promise.race<Outcome>([
    ctx.localEngine.whenLoadSettled().then((failure) => ({kind: "settled", failure})),
    new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({kind: "waited"}), limitMs);
    }),
    new Promise<Outcome>((resolve) => {
      onAbort = () => resolve({kind: "ended"});
      signal.addEventListener("abort", onAbort, {once: true});
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  });
  if (outcome.kind === "ended") return false;
  if (ctx.engine.isReady()) return true;
  if (outcome.kind === "settled") {
    if (outcome.failure) throw outcome.failure;
    return true;
  }
  throw loadingError(ctx.localEngine.status().progress);
}

function loadingError(progress: number | null): DesksideError {
  const done = progress !== null && progress > 0 ? ` (${Math.round(progress * 100)}% loaded)` : "";
  return new DesksideError("MODEL_LOADING", `The model is still loading${done}; send the request again in a few seconds.`, {
    details: {retryAfterSeconds: MODEL_LOADING_RETRY_SECONDS},
  });
}
