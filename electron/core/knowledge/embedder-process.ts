import type {ChildProcess} from "node:child_process";
import path from "node:path";
import {DesksideError, type ErrorInfo} from "../../../shared/errors.js";
import type {CreateEmbedderOptions, EmbedOptions, Embedder} from "./embedder.js";
import {launchChild, siblingEntry} from "./parsing/child-launch.js";
import {approximateTokenCount} from "./parsing/token-count.js";

/**
 * A transformers.js embedding model in a child process of its own (embedder-process-entry.ts).
 * transformers.js and ONNX Runtime cost about 170 MB the moment they are imported, and a process
 * never gives that back; in a child it goes back to the OS when the model closes (the lazy
 * embedder closes it when idle). Inference also stops blocking the app's event loop.
 *
 * The child is forked by the app itself, not by the parser spawner: it starts only when the model
 * opens (minutes apart at most), and the spawner's children run at lowered priority, which a
 * search waiting for its query vector should not.
 */

export type EmbedderRequest =
  | {type: "open"; modelPath: string; options: CreateEmbedderOptions}
  | {type: "embed"; id: number; texts: string[]; progress: boolean; counts: boolean}
  | {type: "cancel"; id: number}
  | {type: "close"};

/** An error as it crosses the process boundary, with what caused it (for the log). */
export type WireError = ErrorInfo & {cause?: string};

export type EmbedderReply =
  | {type: "ready"; pid: number; dimension: number}
  | {type: "failed"; error: WireError}
  | {type: "progress"; id: number; done: number; total: number}
  /** One flat array of texts × dimension, and (when asked) each text's token count (model tokenizer, no special tokens). */
  | {type: "vectors"; id: number; data: Float32Array; tokens?: number[]}
  | {type: "error"; id: number; error: WireError};

export interface EmbedderProcessOptions extends CreateEmbedderOptions {
  /** The child's entry; tests point it elsewhere. */
  entry?: URL;
  /** How long close() waits for the child to exit before killing it. */
  closeTimeoutMs?: number;
}

/** The embedder, and the child's process id (for tests and diagnostics; null while none runs). */
export interface ProcessEmbedder extends Embedder {
  pid(): number | null;
}

interface Pending {
  texts: string[];
  resolve(vectors: Float32Array[]): void;
  reject(error: unknown): void;
  onProgress?: (done: number, total: number) => void;
}

interface Session {
  child: ChildProcess;
  pid: number;
  dimension: number;
  pending: Map<number, Pending>;
  exited: Promise<void>;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 2000;
/** Token counts of recently embedded texts are kept up to this many characters in all. */
const TOKEN_CACHE_CHARS = 1_000_000;

export const fromWireError = (error: WireError): DesksideError =>
  new DesksideError(error.code, error.message, {details: error.details, cause: error.cause === undefined ? undefined : new Error(error.cause)});

const cancelled = () => new DesksideError("CANCELLED", "Embedding was cancelled.");

export async function createEmbedderProcess(modelPath: string, options: EmbedderProcessOptions = {}): Promise<ProcessEmbedder> {
  const folder = path.resolve(modelPath);
  const modelId = path.basename(folder);
  const entry = options.entry ?? siblingEntry("embedder-process-entry", import.meta.url);
  const {entry: _entry, closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS, ...createOptions} = options;
  let session: Promise<Session> | null = null;
  let live: Session | null = null;
  let closed = false;
  let nextId = 1;
  const closedError = () => new DesksideError("MODEL_NOT_LOADED", `The embedding model ${modelId} has been closed.`);
  const stoppedError = (cause: unknown) => new DesksideError("EMBEDDING_FAILED", `The embedding model "${modelId}" stopped unexpectedly; the next request starts it again.`, {cause});

  // countTokens is synchronous and the tokenizer lives in the child, so the counts the child sends
  // with a batch (when asked, EmbedOptions.tokenCounts) are remembered: the embeddings API asks for
  // them right after embedding. Other texts are estimated, as they are before a lazily opened model is open.
  const tokenCounts = new Map<string, number>();
  let cachedChars = 0;
  const rememberCount = (text: string, count: number) => {
    if (text.length > TOKEN_CACHE_CHARS || tokenCounts.has(text)) return;
    while (cachedChars + text.length > TOKEN_CACHE_CHARS) {
      const oldest = tokenCounts.keys().next().value!;
      tokenCounts.delete(oldest);
      cachedChars -= oldest.length;
    }
    tokenCounts.set(text, count);
    cachedChars += text.length;
  };

  // An idle child must not keep the app alive (tools and tests end without closing it); one with work must.
  const updateRef = ({child, pending}: Pick<Session, "child" | "pending">) => {
    const channel = child.channel as {ref(): void; unref(): void} | null | undefined;
    if (pending.size > 0) {
      child.ref();
      channel?.ref();
    } else {
      child.unref();
      channel?.unref();
    }
  };

  const start = (): Promise<Session> =>
    new Promise<Session>((resolve, reject) => {
      let ready = false;
      let markExited: () => void = () => undefined;
      const exited = new Promise<void>((done) => (markExited = done));
      const pending = new Map<number, Pending>();
      const child = launchChild(
        entry,
        [],
        {
          onMessage(message) {
            const reply = message as EmbedderReply;
            if (reply.type === "ready") {
              ready = true;
              const current: Session = {child, pid: reply.pid, dimension: reply.dimension, pending, exited};
              live = current;
              updateRef(current);
              resolve(current);
            } else if (reply.type === "failed") {
              reject(fromWireError(reply.error));
              child.kill("SIGKILL");
            } else if (reply.type === "progress") {
              pending.get(reply.id)?.onProgress?.(reply.done, reply.total);
            } else {
              // A request given up on (cancelled) has no entry any more; its late answer is dropped.
              const request = pending.get(reply.id);
              if (!request) return;
              pending.delete(reply.id);
              updateRef({child, pending});
              if (reply.type === "error") request.reject(fromWireError(reply.error));
              else {
                const size = reply.data.length / request.texts.length;
                const vectors: Float32Array[] = [];
                for (let i = 0; i < request.texts.length; i++) {
                  vectors.push(reply.data.slice(i * size, (i + 1) * size));
                  if (reply.tokens) rememberCount(request.texts[i], reply.tokens[i]);
                }
                request.resolve(vectors);
              }
            }
          },
          onExit(outOfMemory, detail) {
            markExited();
            // Before "ready" the opening promise is rejected below and dropped by whoever awaited it.
            if (live?.child === child) {
              live = null;
              session = null;
            }
            const cause = new Error(detail);
            if (!ready) {
              reject(new DesksideError("EMBEDDING_FAILED", `The embedding model "${modelId}" could not be loaded.`, {cause}));
              return;
            }
            // The next embed starts a new child; what was in flight is lost.
            if (pending.size === 0) return;
            const error = outOfMemory
              ? new DesksideError("EMBEDDING_FAILED", `The embedding model "${modelId}" ran out of memory; the next request starts it again.`, {cause})
              : stoppedError(cause);
            const lost = [...pending.values()];
            pending.clear();
            for (const request of lost) request.reject(error);
          },
        },
        {background: false},
      );
      child.send({type: "open", modelPath: folder, options: createOptions} satisfies EmbedderRequest, () => undefined);
    });

  const ensure = (): Promise<Session> => {
    if (session) return session;
    const opening = start().then((current) => {
      if (current.dimension !== dimension) {
        current.child.kill("SIGKILL");
        throw new DesksideError("EMBEDDING_FAILED", `The embedding model "${modelId}" now makes ${current.dimension}-dimensional vectors instead of ${dimension}.`);
      }
      return current;
    });
    session = opening;
    opening.catch(() => {
      if (session === opening) session = null;
    });
    return opening;
  };

  // The first start learns the vector size, and fails as opening the model in-process would.
  const first = start();
  session = first;
  let dimension: number;
  try {
    dimension = (await first).dimension;
  } catch (error) {
    session = null;
    throw error;
  }

  const stop = async (current: Session) => {
    try {
      current.child.send({type: "close"} satisfies EmbedderRequest, () => undefined);
    } catch {
      // the channel is already gone
    }
    const timer = setTimeout(() => current.child.kill("SIGKILL"), closeTimeoutMs);
    await current.exited;
    clearTimeout(timer);
  };

  return {
    modelId,
    modelPath: folder,
    dimension,
    pid: () => live?.pid ?? null,
    countTokens(text: string): number {
      return tokenCounts.get(text) ?? approximateTokenCount(text);
    },
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      if (closed) throw closedError();
      if (texts.length === 0) return [];
      const {signal, onProgress, tokenCounts: counts = false} = embedOptions;
      if (signal?.aborted) throw cancelled();
      return new Promise<Float32Array[]>((resolve, reject) => {
        let settled = false;
        let request: {session: Session; id: number} | null = null;
        const finish = (fn: () => void) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          fn();
        };
        // Rejects at once; the child may finish the batch, and its answer is then ignored.
        const onAbort = () => {
          if (request && request.session.pending.delete(request.id)) {
            updateRef(request.session);
            try {
              request.session.child.send({type: "cancel", id: request.id} satisfies EmbedderRequest, () => undefined);
            } catch {
              // the child is gone; nothing to stop
            }
          }
          finish(() => reject(cancelled()));
        };
        signal?.addEventListener("abort", onAbort, {once: true});
        ensure().then(
          (current) => {
            if (settled) return;
            if (closed) return finish(() => reject(closedError()));
            const id = nextId++;
            request = {session: current, id};
            current.pending.set(id, {
              texts,
              resolve: (vectors) => finish(() => resolve(vectors)),
              reject: (error) => finish(() => reject(error)),
              onProgress,
            });
            updateRef(current);
            current.child.send({type: "embed", id, texts, progress: Boolean(onProgress), counts} satisfies EmbedderRequest, (error) => {
              if (!error) return;
              // Lost with the channel: the exit handler rejects it, unless it was already answered.
              if (current.pending.delete(id)) finish(() => reject(stoppedError(error)));
            });
          },
          (error) => finish(() => reject(error)),
        );
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      tokenCounts.clear();
      cachedChars = 0;
      const current = await session?.catch(() => null);
      session = null;
      if (!current) return;
      const lost = [...current.pending.values()];
      current.pending.clear();
      for (const request of lost) request.reject(closedError());
      await stop(current);
    },
  };
}
