import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import {createEmbedder, type Embedder} from "./embedder.js";
import type {EmbedderReply, EmbedderRequest, WireError} from "./embedder-process.js";

/**
 * The embedding process (see embedder-process.ts): opens one transformers.js model folder, embeds
 * what the app sends, and exits when told to close or when the app goes away.
 */

if (!process.send) throw new Error("the embedding process must be started by the app, with an IPC channel.");
const reply = (message: EmbedderReply, then?: () => void) => process.send!(message, undefined, {}, () => then?.());

function wireError(error: unknown): WireError {
  const cause = error instanceof DesksideError ? error.cause : error;
  const info = toErrorInfo(error);
  return cause instanceof Error ? {...info, cause: cause.message} : info;
}

let model: Embedder | null = null;
const running = new Map<number, AbortController>();

async function open(request: Extract<EmbedderRequest, {type: "open"}>): Promise<void> {
  try {
    model = await createEmbedder(request.modelPath, request.options);
    reply({type: "ready", pid: process.pid, dimension: model.dimension});
  } catch (error) {
    // Nothing more to do here; the app sees the same error as opening the model in-process.
    reply({type: "failed", error: wireError(error)}, () => process.exit(0));
  }
}

async function embed(request: Extract<EmbedderRequest, {type: "embed"}>): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    if (!model) throw new DesksideError("MODEL_NOT_LOADED", "The embedding model is not open.");
    const current = model;
    const onProgress = request.progress ? (done: number, total: number) => reply({type: "progress", id: request.id, done, total}) : undefined;
    const vectors = await current.embed(request.texts, {signal: controller.signal, onProgress});
    const data = new Float32Array(vectors.length * current.dimension);
    vectors.forEach((vector, i) => data.set(vector, i * current.dimension));
    reply({type: "vectors", id: request.id, data, ...(request.counts ? {tokens: request.texts.map((text) => current.countTokens(text))} : {})});
  } catch (error) {
    reply({type: "error", id: request.id, error: wireError(error)});
  } finally {
    running.delete(request.id);
  }
}

process.on("message", (request: EmbedderRequest) => {
  switch (request.type) {
    case "open":
      void open(request);
      break;
    case "embed":
      void embed(request);
      break;
    case "cancel":
      running.get(request.id)?.abort();
      break;
    case "close":
      for (const controller of running.values()) controller.abort();
      void (model?.close() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
      break;
  }
});

// The app is gone (closed, crashed, killed): nothing is left to embed for.
process.on("disconnect", () => process.exit(0));
