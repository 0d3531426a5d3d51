import path from "node:path";
import type {Llama, LlamaEmbeddingContext, Token} from "node-llama-cpp";
import {DesksideError} from "../../../shared/errors.js";
import {abortable, cancelledError} from "./abortable.js";
import type {EmbedOptions, Embedder} from "./embedder.js";
import {ggufRole} from "../../../shared/models.js";
import {ggufThreads, loadGgufModel} from "./gguf-model.js";
import {SerialQueue} from "./serial-queue.js";

export interface CreateGgufEmbedderOptions {
  /** The app's node-llama-cpp runtime; without it a CPU-only one is created and owned. */
  llama?: Llama;
  /** CPU threads for evaluation (node-llama-cpp's default when unset). */
  threads?: number;
  /** Most tokens per text; longer texts are cut to fit. Default 512, never above the trained size. */
  contextSize?: number;
  /** Tokens per evaluation step; a text longer than this is cut to it too (encoders see a text in one step). Default: contextSize. */
  batchSize?: number;
}

export const DEFAULT_GGUF_EMBED_CONTEXT = 512;
/** Progress is reported every this many texts (one evaluation per text). */
const PROGRESS_EVERY = 16;

/** nomic-embed-text-v1.5.Q8_0.gguf, bge-small-en-v1.5-f16.gguf, multilingual-e5-base.gguf … but no re-ranker. */
export function isEmbeddingGgufName(name: string): boolean {
  return /\.gguf$/i.test(name) && ggufRole(name) === "embedding";
}

function normalize(vector: readonly number[]): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const out = Float32Array.from(vector);
  // An all-zero vector stays zero rather than becoming NaN.
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < out.length; i++) out[i] *= scale;
  }
  return out;
}

/** Embeddings from a GGUF model through node-llama-cpp, one text per evaluation. */
export async function createGgufEmbedder(modelPath: string, options: CreateGgufEmbedderOptions = {}): Promise<Embedder> {
  const file = path.resolve(modelPath);
  const name = path.basename(file);
  const loaded = await loadGgufModel(file, {
    llama: options.llama,
    failureCode: "EMBEDDING_FAILED",
    missingCode: "EMBEDDING_MODEL_MISSING",
    check: (insights) => {
      if (insights.supportsRanking) throw new DesksideError("MODEL_INVALID", `${name} is a re-ranking model, not an embedding model; choose it as the re-ranker instead.`);
    },
  });
  const {model} = loaded;
  const contextSize = Math.min(options.contextSize ?? DEFAULT_GGUF_EMBED_CONTEXT, model.trainContextSize);
  const batchSize = Math.min(options.batchSize ?? contextSize, contextSize);
  let context: LlamaEmbeddingContext;
  try {
    context = await model.createEmbeddingContext({contextSize, batchSize, threads: ggufThreads(options.threads, loaded.llama)});
  } catch (error) {
    await loaded.release();
    throw new DesksideError("EMBEDDING_FAILED", `${name} could not start: ${(error as Error)?.message ?? error}`, {cause: error});
  }
  // User text is tokenized without special tokens, so a "</s>" in a document is just text.
  const tokenize = (text: string): Token[] => model.tokenize(text, false);
  const probe = tokenize("a")[0] ?? (0 as Token);
  // The context adds its begin/end tokens and refuses an input as long as itself.
  const maxTokens = Math.min(contextSize, batchSize) - 1 - (context.calculateInputLength([probe]) - 1);
  // An empty text still gets a vector, from the special tokens alone (BERT embeds "" as [CLS][SEP]).
  const emptyInput: Token[] = [model.tokens.bos ?? model.tokens.eos ?? probe];
  const queue = new SerialQueue();
  let closed = false;

  async function embedOne(text: string): Promise<Float32Array> {
    const tokens = tokenize(text).slice(0, maxTokens);
    try {
      const {vector} = await context.getEmbeddingFor(tokens.length ? tokens : emptyInput);
      return normalize(vector);
    } catch (error) {
      throw new DesksideError("EMBEDDING_FAILED", "The embedding model failed on a piece of text.", {cause: error});
    }
  }

  const probeVector = await queue
    .run(async () => {
      const vector = await embedOne("dimension probe");
      if (vector.length === 0) throw new DesksideError("EMBEDDING_FAILED", `${name} produces no embeddings.`);
      return vector;
    })
    .catch(async (error) => {
      await context.dispose();
      await loaded.release();
      throw error;
    });

  return {
    modelId: name,
    modelPath: file,
    dimension: probeVector.length,
    countTokens: (text) => tokenize(text).length,
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const {signal, onProgress} = embedOptions;
      const vectors: Float32Array[] = [];
      for (const text of texts) {
        if (closed) throw new DesksideError("MODEL_NOT_LOADED", `The embedding model ${name} has been closed.`);
        if (signal?.aborted) throw cancelledError("Embedding was cancelled.");
        // Queued per text, so a search's query is not stuck behind a whole import.
        const queued = queue.run(() => (signal?.aborted ? Promise.reject(cancelledError("Embedding was cancelled.")) : embedOne(text)));
        vectors.push(await abortable(queued, signal, "Embedding was cancelled."));
        if (vectors.length % PROGRESS_EVERY === 0 || vectors.length === texts.length) onProgress?.(vectors.length, texts.length);
      }
      return vectors;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue.run(async () => {
        await context.dispose();
        await loaded.release();
      });
    },
  };
}
