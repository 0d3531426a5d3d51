import {randomBytes} from "node:crypto";
import type {ChatMessage, FinishReason, GenerationUsage} from "../../../shared/models.js";
import type {Settings} from "../../../shared/settings.js";
import type {GenerateOptions} from "../llm/engine.js";
import {checkSchemaBounds} from "../llm/json-schema-bounds.js";
import {ApiError} from "./http-errors.js";
import {SCHEMA_LIMITS} from "./request-limits.js";
import type {ChatCompletionRequest} from "./schemas.js";

export const RAG_MODEL_ID = "deskside-rag";

export function completionId(): string {
  return `chatcmpl-${randomBytes(12).toString("base64url")}`;
}

/** OpenAI messages → the engine's: developer counts as system, tool results as user turns, text parts only. */
export function toChatMessages(messages: ChatCompletionRequest["messages"]): ChatMessage[] {
  return messages.map((message, index) => {
    let content: string;
    if (typeof message.content === "string") content = message.content;
    else if (Array.isArray(message.content)) {
      const bad = message.content.findIndex((part) => part.type !== "text" || typeof part.text !== "string");
      if (bad !== -1)
        throw new ApiError(400, "INVALID_INPUT", `messages.${index}.content.${bad}: only text content parts are supported by this server.`, {param: `messages.${index}.content`});
      content = message.content.map((part) => part.text as string).join("\n");
    } else content = "";
    if (message.role === "tool") return {role: "user", content: `Tool result:\n${content}`};
    return {role: message.role === "developer" ? "system" : message.role, content};
  });
}

/** Seeds arrive as any 64-bit integer; llama.cpp takes an unsigned 32-bit one. */
export function toSeed(seed: number | null | undefined): number | undefined {
  if (seed === null || seed === undefined) return undefined;
  return Math.abs(seed) % 2 ** 32;
}

export function toStops(stop: ChatCompletionRequest["stop"]): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  return Array.isArray(stop) ? stop : [stop];
}

/**
 * The answer's token limit. Above the model's context size a request is refused as OpenAI does
 * (400 naming the limit): it could never be reached, and generating toward it would hold a sequence
 * until the request deadline. The Settings default is narrowed to the context instead.
 * `contextSize` 0 means unknown (no local model; a remote server applies its own limit).
 */
export function toMaxTokens(body: Pick<ChatCompletionRequest, "max_tokens" | "max_completion_tokens">, fallback: number, contextSize: number): number {
  for (const field of ["max_completion_tokens", "max_tokens"] as const) {
    const value = body[field];
    if (contextSize > 0 && typeof value === "number" && value > contextSize)
      throw new ApiError(400, "INVALID_INPUT", `${field} is too large: ${value}. The loaded model's context holds ${contextSize} tokens, so ${field} may be at most ${contextSize}.`, {param: field});
  }
  const requested = body.max_completion_tokens ?? body.max_tokens;
  if (requested !== null && requested !== undefined) return requested;
  return contextSize > 0 ? Math.min(fallback, contextSize) : fallback;
}

/** response_format.json_schema.schema within SCHEMA_LIMITS, measured before any library reads it. */
export function assertResponseSchema(schema: Record<string, unknown>): void {
  const bounds = checkSchemaBounds(schema, SCHEMA_LIMITS);
  if (bounds.ok) return;
  const param = "response_format.json_schema.schema";
  if (bounds.limit === "type") throw new ApiError(400, "INVALID_INPUT", `${param} ${bounds.message}.`, {param});
  throw new ApiError(400, "SCHEMA_TOO_COMPLEX", `${param} ${bounds.message}; simplify the schema (limits: README, Request limits).`, {param});
}

/**
 * Request fields → GenerateOptions; what the caller leaves out comes from the app's generation
 * settings. `contextSize` is the serving model's context (0: unknown), the ceiling of max_tokens.
 */
export function toGenerateOptions(body: ChatCompletionRequest, defaults: Settings["generation"], contextSize = 0): GenerateOptions {
  const format = body.response_format;
  if (format?.type === "json_schema" && format.json_schema.schema) assertResponseSchema(format.json_schema.schema);
  const options: GenerateOptions = {
    maxTokens: toMaxTokens(body, defaults.maxTokens, contextSize),
    temperature: body.temperature ?? defaults.temperature,
    topP: body.top_p ?? defaults.topP,
    topK: body.top_k ?? defaults.topK,
    repeatPenalty: body.repeat_penalty ?? defaults.repeatPenalty,
    frequencyPenalty: body.frequency_penalty ?? undefined,
    presencePenalty: body.presence_penalty ?? undefined,
    seed: toSeed(body.seed) ?? defaults.seed ?? undefined,
    stop: toStops(body.stop),
  };
  if (format?.type === "json_object") options.jsonObject = true;
  if (format?.type === "json_schema") {
    if (!format.json_schema.schema) throw new ApiError(400, "INVALID_INPUT", "response_format.json_schema.schema is required.", {param: "response_format.json_schema.schema"});
    options.jsonSchema = format.json_schema.schema;
  }
  return options;
}

/** OpenAI has no "abort": a generation cut short by the server reads as a length stop. */
export function toFinishReason(reason: FinishReason): "stop" | "length" {
  return reason === "stop" ? "stop" : "length";
}

export function usageView(usage: GenerationUsage | null | undefined) {
  return {
    prompt_tokens: usage?.promptTokens ?? 0,
    completion_tokens: usage?.completionTokens ?? 0,
    total_tokens: usage?.totalTokens ?? 0,
    // OpenAI's field for prompt caching: the prompt's leading tokens that were reused, not evaluated again.
    ...(usage?.cachedPromptTokens !== undefined ? {prompt_tokens_details: {cached_tokens: usage.cachedPromptTokens}} : {}),
  };
}

export interface ChunkBase {
  id: string;
  created: number;
  model: string;
}

export function chunk(base: ChunkBase, delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) {
  return {id: base.id, object: "chat.completion.chunk", created: base.created, model: base.model, system_fingerprint: null, choices: [{index: 0, delta, logprobs: null, finish_reason: finishReason}], ...extra};
}
