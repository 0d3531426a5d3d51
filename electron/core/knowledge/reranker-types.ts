import type {Llama} from "node-llama-cpp";

/** The re-ranker contract, apart from the factory so the implementations need not import it back. */

/** Scores query–passage pairs with a model that reads both together (more precise than vectors, slower). */
export interface Reranker {
  /** The model file's or folder's name. */
  readonly modelId: string;
  readonly kind: RerankerKind;
  /** One relevance score per passage, higher = more relevant, in input order. Serialized internally so concurrent calls don't oversubscribe CPU. */
  score(query: string, passages: string[], options?: {signal?: AbortSignal}): Promise<number[]>;
  close(): Promise<void>;
}

export type RerankerKind = "gguf" | "cross-encoder";

export interface RerankerCandidate {
  path: string;
  kind: RerankerKind;
  modelId: string;
}

export interface CreateRerankerOptions {
  /** GGUF only: the app's node-llama-cpp runtime; without it a CPU-only one is created and owned. */
  llama?: Llama;
  /** GGUF only: CPU threads for evaluation (node-llama-cpp's default when unset). */
  threads?: number;
  /** Most tokens of one query–passage pair; longer passages are cut to fit. Default 512. */
  contextSize?: number;
  /** Cross-encoder only: pairs per forward pass. Default 8. */
  batchSize?: number;
}

export const DEFAULT_RERANK_CONTEXT = 512;
