import {DesksideError} from "../../../shared/errors.js";
import type {EmbedOptions, Embedder} from "./embedder.js";
import {approximateTokenCount} from "./parsing/token-count.js";

/** What is known of a model before it is opened: its name, where it is, and its vectors' size. */
export interface EmbedderIdentity {
  modelId: string;
  modelPath: string;
  dimension: number;
}

export interface LazyEmbedder extends Embedder {
  /** Whether the model is open now. */
  isOpen(): boolean;
}

/**
 * An embedder that opens its model on first use and closes it again after `idleMs` with nothing to
 * embed, so a server nobody is searching or importing into does not hold the model (transformers.js
 * and its runtime alone are about 170 MB; a GGUF model may hold GPU memory). `idleMs` 0 keeps it open
 * once opened. The identity comes from the knowledge base, which stored the model's name and vector
 * size with the vectors; a model that opens with another size is refused rather than mixed.
 */
export function createLazyEmbedder(identity: EmbedderIdentity, open: () => Promise<Embedder>, options: {idleMs: number; initial?: Embedder}): LazyEmbedder {
  let opened: Promise<Embedder> | null = options.initial ? Promise.resolve(options.initial) : null;
  let inner: Embedder | null = options.initial ?? null;
  let busy = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const scheduleRelease = () => {
    stopTimer();
    if (options.idleMs <= 0 || closed || busy > 0) return;
    timer = setTimeout(() => void release(), options.idleMs);
    // An idle timer never keeps the process alive.
    timer.unref();
  };
  const release = async () => {
    timer = null;
    if (busy > 0 || !opened) return;
    const current = opened;
    opened = null;
    inner = null;
    await (await current.catch(() => null))?.close().catch(() => undefined);
  };

  const acquire = async (): Promise<Embedder> => {
    if (closed) throw new DesksideError("MODEL_NOT_LOADED", `The embedding model ${identity.modelId} has been closed.`);
    stopTimer();
    opened ??= open().then(
      (model) => {
        if (model.dimension !== identity.dimension) {
          void model.close().catch(() => undefined);
          throw new DesksideError(
            "EMBEDDING_FAILED",
            `The embedding model ${identity.modelId} now makes ${model.dimension}-dimensional vectors, but the knowledge base holds ${identity.dimension}-dimensional ones from it; re-index the knowledge base.`,
          );
        }
        inner = model;
        return model;
      },
      (error: unknown) => {
        opened = null;
        throw error;
      },
    );
    const result = opened;
    // A model that failed to open is tried again on the next call.
    result.catch(() => {
      if (opened === result) opened = null;
    });
    return result;
  };

  if (inner) scheduleRelease();
  return {
    modelId: identity.modelId,
    modelPath: identity.modelPath,
    dimension: identity.dimension,
    isOpen: () => inner !== null,
    // Only in-process parsing asks before anything was embedded; an estimate serves until the model is open.
    countTokens: (text) => (inner ? inner.countTokens(text) : approximateTokenCount(text)),
    async embed(texts: string[], embedOptions?: EmbedOptions): Promise<Float32Array[]> {
      busy++;
      try {
        return await (await acquire()).embed(texts, embedOptions);
      } finally {
        busy--;
        scheduleRelease();
      }
    },
    async close() {
      closed = true;
      stopTimer();
      const current = opened;
      opened = null;
      inner = null;
      await (await current?.catch(() => null))?.close().catch(() => undefined);
    },
  };
}
