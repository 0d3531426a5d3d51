import {DesksideError} from "../../../shared/errors.js";
import {abortable} from "./abortable.js";
import type {Reranker, RerankerKind} from "./reranker-types.js";
import {SerialQueue} from "./serial-queue.js";

/**
 * The Reranker both kinds of model share: one scoring call at a time (so concurrent searches do not
 * oversubscribe the CPU), a cancelled caller released at once, and close() after the queued calls.
 */
export function serializedReranker(
  modelId: string,
  kind: RerankerKind,
  scoreAll: (query: string, passages: string[], signal: AbortSignal | undefined) => Promise<number[]>,
  dispose: () => Promise<void>,
): Reranker {
  const queue = new SerialQueue();
  let closed = false;
  return {
    modelId,
    kind,
    score(query, passages, options = {}) {
      if (closed) return Promise.reject(new DesksideError("MODEL_NOT_LOADED", `The re-ranking model "${modelId}" has been closed.`));
      if (passages.length === 0) return Promise.resolve([]);
      return abortable(
        queue.run(() => scoreAll(query, passages, options.signal)),
        options.signal,
        "Re-ranking was cancelled.",
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      // After the calls already queued, so no evaluation runs on a disposed model.
      await queue.run(dispose);
    },
  };
}
