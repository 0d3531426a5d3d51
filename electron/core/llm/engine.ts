import type {ChatMessage, EngineStatus, GenerationResult} from "../../../shared/models.js";

export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  repeatPenalty?: number;
  /** OpenAI's penalties: by how often a token already appeared, and for having appeared at all. */
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  stop?: string[];
  /** Constrains the output to this JSON schema; the result always parses. */
  jsonSchema?: Record<string, unknown>;
  /** Any JSON object (OpenAI's `json_object`). */
  jsonObject?: boolean;
  signal?: AbortSignal;
  onText?: (text: string) => void;
  /** Called while the request waits for a free slot, with its place in line (1: next). */
  onQueued?: (position: number) => void;
  /**
   * Whose request this is (a token's owner). A local model reuses the tokens a previous request left
   * in its context only within one scope, so no caller can tell from timings or cached-token counts
   * what another sent. Left out: the app's own scope.
   */
  cacheScope?: string;
}

/** What chat, the HTTP API and tools call; local llama.cpp and remote servers both implement it. */
export interface ChatEngine {
  readonly kind: "local" | "remote";
  /** Whether generate() can run now (a model is loaded / a server is configured). */
  isReady(): boolean;
  status(): EngineStatus;
  /** The context window requests must fit in. */
  contextSize(): number;
  countTokens(text: string): Promise<number>;
  generate(messages: ChatMessage[], options?: GenerateOptions): Promise<GenerationResult>;
  /** Display name of the model in use. */
  modelName(): string | null;
}
