/** Models, GPU and generation types shared by every client. */
import type {GpuChoice} from "./settings.js";

export type ModelSource = "settings" | "data" | "env" | "bundled" | "path";

/** What a GGUF in the models folders is for: answering, or one of the two jobs of search. */
export type ModelRole = "chat" | "embedding" | "reranking";

/**
 * A GGUF's role from its file name, the rule the knowledge base finds retrieval models by:
 * bge-reranker-v2-m3-Q8_0.gguf and Qwen3-Reranker-0.6B.gguf re-rank; nomic-embed-text-v1.5.Q8_0.gguf,
 * bge-small-en-v1.5-f16.gguf and multilingual-e5-base.gguf embed; anything else is a chat model.
 */
export function ggufRole(fileName: string): ModelRole {
  if (!/\.gguf$/i.test(fileName)) return "chat";
  if (/rerank/i.test(fileName)) return "reranking";
  if (/embed|bge-|e5-|gte-|nomic/i.test(fileName)) return "embedding";
  return "chat";
}

export interface ModelFit {
  /** 0..1; 1 means the model and the chosen context fit fully in GPU memory (or RAM on CPU). */
  score: number;
  fits: boolean;
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  vramBytes: number;
  ramBytes: number;
}

export interface ModelInfo {
  /** File name, unique within the discovered list. */
  id: string;
  path: string;
  source: ModelSource;
  name: string;
  architecture: string;
  /** e.g. "3B", from metadata or estimated from the tensors. */
  parameters: string;
  parameterCount: number;
  quantization: string;
  sizeBytes: number;
  trainedContext: number | null;
  hasChatTemplate: boolean;
  /** By its file name (ggufRole): embedding and re-ranking models serve search, not chat. */
  role: ModelRole;
  fit: ModelFit | null;
}

export interface GpuInfo {
  /** The backend actually in use: cuda, vulkan, metal or cpu. */
  backend: "cuda" | "vulkan" | "metal" | "cpu";
  requested: GpuChoice;
  devices: string[];
  /** GPU memory; all zero when running on the CPU without a GPU. */
  vram: {total: number; used: number; free: number};
  /** System memory (RAM), which the CPU backend runs models in. */
  ram: {total: number; free: number};
  /** CPU cores the engine counts for its math. */
  cpuThreads: number;
  /** CPU threads a model is loaded with when none are chosen (load option or setting 0). */
  defaultThreads: number;
  /** Set when the requested backend could not be used and another was picked. */
  notice: string | null;
}

export type ModelState = "none" | "loading" | "loaded" | "unloading" | "failed";

export interface LoadedModel {
  id: string;
  path: string;
  name: string;
  contextSize: number;
  gpuLayers: number;
  sequences: number;
  threads: number;
  loadMs: number;
  /** Speculative decoding in use: off, prompt lookup, or the draft model's name. */
  speculative?: string;
}

export interface EngineStatus {
  engine: "local" | "remote";
  state: ModelState;
  model: LoadedModel | null;
  /** 0..1 while loading. */
  progress: number | null;
  error: {code: string; message: string} | null;
  /** A load is under way or announced (start-up still choosing its model): "none" is not the final word yet. */
  pending?: boolean;
  queue: {active: number; waiting: number; capacity: number; limit: number};
  remote: {baseUrl: string; model: string; reachable: boolean | null} | null;
}

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Of the prompt's tokens, those already in the model's context from an earlier request (not evaluated again). */
  cachedPromptTokens?: number;
}

export interface GenerationTimings {
  /** Waiting for a free sequence. */
  queueMs: number;
  /** From start of generation (sequence acquired) to the first streamed text. */
  timeToFirstTokenMs: number | null;
  totalMs: number;
  tokensPerSecond: number | null;
}

export type FinishReason = "stop" | "length" | "abort";

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  usage: GenerationUsage;
  timings: GenerationTimings;
  engine: "local" | "remote";
  model: string;
}
