import {readdirSync} from "node:fs";
import path from "node:path";
import type {FeatureExtractionPipeline} from "@huggingface/transformers";
import {DesksideError} from "../../../shared/errors.js";
import {isLocalModelFolder, isSequenceClassifierFolder, loadLocalModel} from "./transformers-local.js";

/** Sentence embeddings from a local transformers.js model folder; never downloads anything. */
export interface Embedder {
  /** The model folder's name; stored next to the vectors so a model switch is detectable. */
  readonly modelId: string;
  readonly modelPath: string;
  readonly dimension: number;
  /** Tokens of the model's own tokenizer without special tokens, so chunk sizes fit the model. */
  countTokens(text: string): number;
  /** One normalized vector per text, in order. */
  embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called after each batch with texts embedded so far and in all. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The caller reads countTokens for these texts right after (the embeddings API's usage): an
   * embedder in another process then sends the model's counts with the vectors. Imports leave it
   * out, so their passages are not tokenized a second time.
   */
  tokenCounts?: boolean;
}

export interface CreateEmbedderOptions {
  /** Texts per forward pass; larger batches pad more, smaller ones pay more per-call overhead. */
  batchSize?: number;
}

const TOKEN_CACHE_ENTRIES = 4096;
const TOKEN_CACHE_MAX_CHARS = 8192;

/**
 * A folder transformers.js can load offline (config, tokenizer, an ONNX graph) that is not a
 * cross-encoder: a re-ranker dropped into the models folder must not be picked as the embedder.
 */
export function isEmbeddingModelFolder(folder: string): boolean {
  return isLocalModelFolder(folder) && !isSequenceClassifierFolder(folder);
}

/**
 * First usable model folder among the candidates, in order. A candidate is either a model folder
 * itself or a folder of model folders (e.g. `<data>/models/`), whose subfolders are tried by name.
 * Returns null when none is usable: the knowledge base then works text-only.
 */
export function resolveEmbeddingModel(candidates: string[]): string | null {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const folder = path.resolve(candidate);
    if (isEmbeddingModelFolder(folder)) return folder;
    let entries: string[];
    try {
      entries = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const sub = path.join(folder, entry);
      if (isEmbeddingModelFolder(sub)) return sub;
    }
  }
  return null;
}

/**
 * The candidate list for resolveEmbeddingModel: an explicit setting (a path, or a folder name looked
 * up in every models folder) is the only candidate when given, so a chosen model is never silently
 * replaced by another; otherwise every models folder in priority order.
 */
export function embeddingModelCandidates(setting: string | null | undefined, modelDirs: string[]): string[] {
  if (!setting) return modelDirs;
  if (path.isAbsolute(setting) || setting.includes("/") || setting.includes("\\")) return [setting];
  return modelDirs.map((dir) => path.join(dir, setting));
}

function loadPipeline(modelPath: string): Promise<FeatureExtractionPipeline> {
  return loadLocalModel(modelPath, async (modelId) => {
    const {pipeline} = await import("@huggingface/transformers");
    return (await pipeline("feature-extraction", modelId, {dtype: "fp32"})) as FeatureExtractionPipeline;
  });
}

export async function createEmbedder(modelPath: string, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const folder = path.resolve(modelPath);
  if (isSequenceClassifierFolder(folder))
    throw new DesksideError("MODEL_INVALID", `"${path.basename(folder)}" is a re-ranking model (cross-encoder), not an embedding model; choose it as the re-ranker instead.`);
  if (!isEmbeddingModelFolder(folder))
    throw new DesksideError("EMBEDDING_MODEL_MISSING", `No usable embedding model in "${path.basename(folder)}": it needs config.json, tokenizer.json and onnx/model.onnx.`);
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = await loadPipeline(folder);
  } catch (error) {
    throw new DesksideError("EMBEDDING_FAILED", `The embedding model "${path.basename(folder)}" could not be loaded.`, {cause: error});
  }
  const batchSize = Math.max(1, options.batchSize ?? 32);
  // The config's hidden size is not always the pooled output size, so one probe decides.
  const probe = await extractor(["dimension probe"], {pooling: "mean", normalize: true});
  const dimension = probe.dims[probe.dims.length - 1];

  // Serialized so concurrent imports and searches do not oversubscribe the CPU threads of ONNX Runtime.
  let inferenceChain: Promise<unknown> = Promise.resolve();
  const runExclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = inferenceChain.then(fn, fn);
    inferenceChain = result.catch(() => undefined);
    return result;
  };

  // The chunker measures the same pieces again while packing and overlapping (over 90% repeats on
  // a PDF page), so recent counts are remembered; the oldest entries go first.
  const tokenCounts = new Map<string, number>();

  return {
    modelId: path.basename(folder),
    modelPath: folder,
    dimension,
    countTokens(text: string): number {
      const known = tokenCounts.get(text);
      if (known !== undefined) return known;
      const count = extractor.tokenizer.encode(text, {add_special_tokens: false}).length;
      if (text.length <= TOKEN_CACHE_MAX_CHARS) {
        if (tokenCounts.size >= TOKEN_CACHE_ENTRIES) tokenCounts.delete(tokenCounts.keys().next().value!);
        tokenCounts.set(text, count);
      }
      return count;
    },
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        if (embedOptions.signal?.aborted) throw new DesksideError("CANCELLED", "Embedding was cancelled.");
        const batch = texts.slice(start, start + batchSize);
        let output;
        try {
          output = await runExclusive(() => extractor(batch, {pooling: "mean", normalize: true}));
        } catch (error) {
          throw new DesksideError("EMBEDDING_FAILED", "The embedding model failed on a piece of text.", {cause: error});
        }
        const data = output.data as Float32Array;
        for (let i = 0; i < batch.length; i++) vectors.push(data.slice(i * dimension, (i + 1) * dimension));
        embedOptions.onProgress?.(vectors.length, texts.length);
      }
      return vectors;
    },
    async close(): Promise<void> {
      await extractor.dispose();
    },
  };
}
