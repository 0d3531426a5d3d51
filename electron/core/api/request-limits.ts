/**
 * Every bound the HTTP API puts on a request, in one place (README "Request limits" lists them).
 * Each keeps the work one request can cause small next to what an honest client sends: past any of
 * them the request gets 400 before a model, a grammar or the knowledge base is touched.
 * Settings add two more: the body size (Settings → API, `api.bodyLimitMb`, default 2 MB; uploads
 * `api.uploadLimitMb`) and the request deadline (`api.requestTimeoutMs`).
 */
import {SCHEMA_LIMITS} from "../llm/json-schema-bounds.js";

/** Any JSON body, on every route, checked on the raw text before it is parsed. */
export const BODY_LIMITS = Object.freeze({
  /** Objects and arrays inside one another. */
  maxDepth: 64,
  /** Array items and object members in all (a parsed value costs memory and time per member). */
  maxValues: 20_000,
});

/** `/v1/chat/completions`. */
export const CHAT_LIMITS = Object.freeze({
  maxMessages: 1000,
  /** One message's text (a string, or one text part). */
  maxMessageChars: 1_000_000,
  /** Text of all messages together. */
  maxTotalChars: 1_000_000,
  maxContentParts: 1000,
  /** `max_tokens` / `max_completion_tokens`, before the loaded model's context size narrows it. */
  maxTokens: 1_048_576,
  /** OpenAI's own limits on `stop`. */
  maxStops: 4,
  maxStopChars: 500,
  /** Model ids, `user`, message `name`. */
  maxNameChars: 256,
  /** `response_format.json_schema.name` (OpenAI: 64) and its description. */
  maxSchemaNameChars: 64,
  maxSchemaDescriptionChars: 2000,
});

/** `response_format.json_schema.schema`. */
export {SCHEMA_LIMITS};

/** `/v1/embeddings`. */
export const EMBEDDING_LIMITS = Object.freeze({
  maxInputs: 2048,
  maxInputChars: 200_000,
  maxTotalChars: 1_000_000,
});

/** `POST /api/knowledge/pack`: a knowledge pack, streamed to a file as it arrives (never held in memory). */
export const PACK_UPLOAD_LIMITS = Object.freeze({
  maxBytes: 4 * 1024 ** 3,
});
