/**
 * Every request the HTTP routes accept, as zod schemas. The same objects validate requests (see
 * zod-compiler.ts) and become the OpenAPI document (z.toJSONSchema), so the two cannot drift.
 * Help-desk routes are strict (a typo in a field is an error); OpenAI routes accept unknown
 * fields because SDKs send many optional ones this server does not use. Size bounds come from
 * request-limits.ts.
 */
import {z} from "zod";
import {CHAT_LIMITS, EMBEDDING_LIMITS} from "./request-limits.js";

const id = z.string().min(1).max(200);
const collection = z.string().max(200).nullable();

// ─── OpenAI-compatible ────────────────────────────────────────────────────────────────────────

const contentPart = z
  .object({type: z.string().max(64), text: z.string().max(CHAT_LIMITS.maxMessageChars).optional()})
  .loose()
  .describe("A content part; only `text` parts are supported.");

/** OpenAI's rule: only an assistant turn that made tool calls may leave its content out (or null). */
function requireContent(message: {role: string; content?: unknown; tool_calls?: unknown; function_call?: unknown}, context: z.core.$RefinementCtx): void {
  if (message.content !== null && message.content !== undefined) return;
  const calledTools = message.role === "assistant" && ((Array.isArray(message.tool_calls) && message.tool_calls.length > 0) || (message.function_call !== null && typeof message.function_call === "object"));
  if (calledTools) return;
  context.addIssue({
    code: "custom",
    path: ["content"],
    message: `a ${message.role} message needs content (a string or text parts); only an assistant message with tool_calls may leave it out`,
  });
}

export const openaiMessage = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool"]),
    content: z.union([z.string().max(CHAT_LIMITS.maxMessageChars), z.array(contentPart).max(CHAT_LIMITS.maxContentParts), z.null()]).optional(),
    name: z.string().max(CHAT_LIMITS.maxNameChars).optional(),
  })
  .loose()
  .superRefine(requireContent);

/** Characters of text in all messages; past the limit it stops counting. */
function messageChars(messages: {content?: unknown}[]): number {
  let total = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === "string") total += content.length;
    else if (Array.isArray(content)) for (const part of content as {text?: unknown}[]) if (typeof part.text === "string") total += part.text.length;
    if (total > CHAT_LIMITS.maxTotalChars) break;
  }
  return total;
}

const stop = z
  .union([z.string().min(1).max(CHAT_LIMITS.maxStopChars), z.array(z.string().min(1).max(CHAT_LIMITS.maxStopChars)).max(CHAT_LIMITS.maxStops)])
  .nullable();

const responseFormat = z.discriminatedUnion("type", [
  z.object({type: z.literal("text")}).loose(),
  z.object({type: z.literal("json_object")}).loose(),
  z
    .object({
      type: z.literal("json_schema"),
      json_schema: z
        .object({
          name: z.string().min(1).max(CHAT_LIMITS.maxSchemaNameChars),
          description: z.string().max(CHAT_LIMITS.maxSchemaDescriptionChars).optional(),
          // Its size is measured by json-schema-bounds.ts before anything else reads it.
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        })
        .loose(),
    })
    .loose(),
]);

export const chatCompletionRequest = z
  .object({
    model: z.string().min(1).max(CHAT_LIMITS.maxNameChars).describe("The loaded model's id from /v1/models, or `deskside-rag` to answer from the knowledge base."),
    messages: z
      .array(openaiMessage)
      .min(1)
      .max(CHAT_LIMITS.maxMessages)
      .refine((messages) => messageChars(messages) <= CHAT_LIMITS.maxTotalChars, {message: `the messages hold more than ${CHAT_LIMITS.maxTotalChars} characters in all`}),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({include_usage: z.boolean().optional()}).loose().nullable().optional(),
    max_tokens: z.number().int().min(1).max(CHAT_LIMITS.maxTokens).nullable().optional().describe("At most the loaded model's context size."),
    max_completion_tokens: z.number().int().min(1).max(CHAT_LIMITS.maxTokens).nullable().optional().describe("At most the loaded model's context size."),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    stop: stop.optional(),
    seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    n: z.literal(1).nullable().optional().describe("Only one choice is generated."),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    top_k: z.number().int().min(0).max(1000).nullable().optional().describe("As llama.cpp's server takes it; default: Settings → Generation."),
    repeat_penalty: z.number().min(1).max(2).nullable().optional().describe("As llama.cpp's server takes it (1 turns it off); default: Settings → Generation."),
    response_format: responseFormat.optional(),
    user: z.string().max(CHAT_LIMITS.maxNameChars).optional(),
    deskside: z
      .object({collection: collection.optional().describe("Restricts `deskside-rag` retrieval to one collection.")})
      .strict()
      .optional(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

export const embeddingsRequest = z
  .object({
    model: z.string().min(1).max(CHAT_LIMITS.maxNameChars),
    input: z.union([
      z.string().min(1).max(EMBEDDING_LIMITS.maxInputChars),
      z
        .array(z.string().min(1).max(EMBEDDING_LIMITS.maxInputChars))
        .min(1)
        .max(EMBEDDING_LIMITS.maxInputs)
        .refine((texts) => texts.reduce((sum, text) => sum + text.length, 0) <= EMBEDDING_LIMITS.maxTotalChars, {
          message: `the inputs hold more than ${EMBEDDING_LIMITS.maxTotalChars} characters in all`,
        }),
    ]),
    encoding_format: z.enum(["float", "base64"]).optional(),
    dimensions: z.number().int().min(1).max(65_536).optional(),
    user: z.string().max(CHAT_LIMITS.maxNameChars).optional(),
  })
  .loose();
export type EmbeddingsRequest = z.infer<typeof embeddingsRequest>;

export const modelParams = z.object({model: z.string().min(1).max(CHAT_LIMITS.maxNameChars)}).strict();

const openaiModel = z.object({id: z.string(), object: z.literal("model"), created: z.number(), owned_by: z.string()});
export const modelList = z.object({object: z.literal("list"), data: z.array(openaiModel)});

/** A character range [start, end) inside a text, e.g. the excerpt to highlight. */
const textRange = z.object({start: z.number().int(), end: z.number().int()});

const usage = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: z.object({cached_tokens: z.number()}).optional(),
});
export const apiCitation = z.object({
  index: z.number(),
  document_id: z.string(),
  chunk_id: z.string(),
  title: z.string(),
  source: z.string().describe("File name of the source document."),
  heading_path: z.array(z.string()),
  page: z.number().nullable(),
  row: z.number().nullable(),
  snippet: z.string(),
  score: z.number(),
  ocr: z.boolean().describe("The passage's text was recognised by OCR from a scanned page or an image; it may hold misread words."),
  passage: z
    .object({text: z.string(), highlight: textRange.describe("Where the cited excerpt sits in `text` (character offsets).")})
    .optional()
    .describe("The whole section around the cited excerpt, when retrieval provided it."),
});
const stageMs = z.number().nullable();
const answerTimings = z
  .object({
    redaction_ms: stageMs,
    retrieval_ms: stageMs,
    embed_ms: stageMs,
    retrieve_ms: stageMs,
    rerank_ms: stageMs,
    prompt_ms: stageMs,
    queue_ms: stageMs,
    first_token_ms: stageMs,
    tokens_per_second: stageMs,
  })
  .describe("Where the time before the first token went, stage by stage (ms); null where a stage did not run.");
const desksideExtra = z.object({sources: z.array(apiCitation), mode: z.string().nullable(), notice: z.string().nullable(), timings: answerTimings.optional()});

export const chatCompletionResponse = z.object({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number(),
      message: z.object({role: z.literal("assistant"), content: z.string(), refusal: z.null()}),
      finish_reason: z.enum(["stop", "length"]),
      logprobs: z.null(),
    }),
  ),
  usage,
  deskside: desksideExtra.optional().describe("Only for `deskside-rag`: the knowledge-base excerpts the answer cites."),
});

export const embeddingsResponse = z.object({
  object: z.literal("list"),
  data: z.array(z.object({object: z.literal("embedding"), index: z.number(), embedding: z.union([z.array(z.number()), z.string()])})),
  model: z.string(),
  usage: z.object({prompt_tokens: z.number(), total_tokens: z.number()}),
});

// ─── Help desk ────────────────────────────────────────────────────────────────────────────────

export const helpdeskChatRequest = z
  .object({
    message: z.string().min(1).max(32_000),
    session_id: id.optional().describe("Continue this session; left out, a new one is started."),
    stream: z.boolean().optional().describe("Reply as server-sent events: `token` events, then one `done` event."),
  })
  .strict();
export type HelpdeskChatRequest = z.infer<typeof helpdeskChatRequest>;

export const helpdeskChatResponse = z.object({
  session_id: z.string(),
  reply: z.string(),
  sources: z.array(apiCitation),
  mode: z.string().nullable(),
  notice: z.string().nullable(),
});

export const idParams = z.object({id}).strict();

export const searchRequest = z
  .object({
    query: z.string().min(1).max(4000),
    top_k: z.number().int().min(1).max(20).optional(),
    collection: collection.optional(),
    mode: z.enum(["hybrid", "vector", "text"]).optional(),
    min_score: z.number().min(0).max(1).optional(),
    exclude_collections: z.array(z.string().max(200)).max(100).optional().describe("Collections left out of the search, e.g. `Starter articles`."),
    passages: z.boolean().optional().describe("Also return each hit's surrounding section as `passage`."),
  })
  .strict();
export type SearchRequestBody = z.infer<typeof searchRequest>;

export const searchResponse = z.object({
  hits: z.array(
    z.object({
      chunk_id: z.string(),
      document_id: z.string(),
      title: z.string(),
      source: z.string(),
      heading_path: z.array(z.string()),
      page: z.number().nullable(),
      row: z.number().nullable(),
      text: z.string(),
      collection: z.string().nullable(),
      score: z.number(),
      scores: z.object({vector: z.number().optional(), text: z.number().optional(), fused: z.number().optional()}),
      ocr: z.boolean().describe("The passage's text was recognised by OCR from a scanned page or an image; it may hold misread words."),
      passage: z
        .object({
          text: z.string(),
          from_ordinal: z.number().int(),
          to_ordinal: z.number().int(),
          highlight: textRange.describe("Where the hit's own excerpt sits in `text` (character offsets)."),
        })
        .optional()
        .describe("Only with `passages: true`: the section around the hit, its neighbouring excerpts included."),
    }),
  ),
  mode: z.string(),
  effective_mode: z.string(),
  took_ms: z.number(),
  timings: z
    .object({embed_ms: z.number(), retrieve_ms: z.number(), rerank_ms: z.number().optional()})
    .nullable()
    .describe("Where the time went: embedding the query, retrieval and fusion, re-ranking (when a re-ranker ran)."),
  reranker: z.string().nullable().describe("The re-ranking model that ordered the hits, or null when none did."),
  notice: z.string().nullable(),
});

/** `{name}` of /api/collections/{name}: any collection name, URL-encoded. */
export const collectionParams = z.object({name: z.string().min(1).max(200)}).strict();

export const deleteCollectionResponse = z.object({collection: z.string(), deleted: z.number().int().describe("Documents deleted.")});

export const documentTextQuery = z
  .object({chunk_id: z.string().min(1).max(300).optional().describe("An excerpt's `chunk_id` (from search hits or chat sources) to locate in the text.")})
  .strict();

export const documentTextResponse = z.object({
  document: z.object({id: z.string(), title: z.string(), source: z.string(), kind: z.string(), collection: z.string().nullable(), chunk_count: z.number()}).loose(),
  text: z.string().describe("The document's whole text as indexed (excerpts joined, overlaps written once)."),
  highlight: textRange.nullable().describe("Where the `chunk_id` excerpt sits in `text`; null without one."),
  truncated: z.boolean().describe("True when a very long document was cut; open the file itself for the rest."),
});

/** The multipart form's one text field; files come as any number of file parts. */
export const uploadFields = z.object({collection: collection.optional()}).strict();

export const uploadResponse = z.object({
  job_id: z.string(),
  job: z.object({id: z.string(), state: z.string(), counts: z.record(z.string(), z.number()), files: z.array(z.record(z.string(), z.unknown()))}).loose(),
});

/** `?collection=` of GET and POST /api/knowledge/pack. */
export const packQuery = z
  .object({collection: z.string().min(1).max(200).optional().describe("GET: the collection to export (left out: the whole knowledge base). POST: put every document into this collection instead of its own.")})
  .strict();

const packManifestView = z.object({
  format: z.string(),
  format_version: z.number().int(),
  created_at: z.string(),
  app_version: z.string(),
  collection: z.string().nullable().describe("The collection exported; null: the whole knowledge base."),
  collections: z.array(z.string()),
  counts: z.object({documents: z.number().int(), chunks: z.number().int(), vectors: z.number().int()}),
  embedding: z.object({model: z.string(), dimension: z.number().int()}).nullable(),
  payload: z.object({encoding: z.string(), bytes: z.number().int(), sha256: z.string()}),
});

export const packImportResponse = z.object({
  imported: z.array(z.object({id: z.string(), title: z.string(), collection: z.string().nullable(), chunks: z.number().int()})),
  skipped: z.array(z.object({title: z.string(), collection: z.string().nullable(), reason: z.string(), document_id: z.string().nullable()})).describe("The same content already in the collection (or earlier in the pack)."),
  replaced: z.array(z.object({id: z.string(), title: z.string()})).describe("Earlier versions (same source, same collection) that imported documents replaced."),
  chunks: z.number().int(),
  vectors: z.enum(["pack", "embedded", "none"]).describe("pack: the pack's own vectors (same embedding model); embedded: made again with the model in use; none: stored text-only."),
  embedding_model: z.string().nullable(),
  took_ms: z.number(),
  manifest: packManifestView,
});

export const folderRequest = z
  .object({
    path: z.string().min(1).max(4096).describe("Absolute path of the folder on the computer running Deskside."),
    collection: collection.nullable().optional().describe("Collection its documents go into."),
  })
  .strict();
export const folderUpdate = z.object({paused: z.boolean().describe("true: stop following changes (documents stay); false: resume with a full rescan.")}).strict();
export const folderRemoveQuery = z
  .object({keep_documents: z.enum(["true", "false"]).optional().describe("true: keep the folder's documents as ordinary documents; left out or false: delete them.")})
  .strict();
const folderProblem = z.object({file: z.string().describe("Path inside the folder."), code: z.string(), message: z.string()});
export const folderResponse = z.object({
  id: z.string(),
  path: z.string(),
  collection: z.string().nullable(),
  state: z.enum(["scanning", "syncing", "watching", "paused", "missing", "error"]),
  paused: z.boolean(),
  files: z.number().int().describe("Synced files in the folder (document types; temporary, lock and hidden files are not synced)."),
  documents: z.number().int(),
  failed: z.number().int().describe("Files that could not be imported (listed in errors)."),
  left_out: z.number().int().describe("Files with nothing to import (FILE_EMPTY: empty, a picture without text, a page that only points to others); not failures."),
  pending: z.number().int().describe("Changes seen, not yet in the knowledge base."),
  added_at: z.string(),
  last_sync_at: z.string().nullable(),
  last_scan_at: z.string().nullable(),
  error: z.object({code: z.string(), message: z.string()}).nullable(),
  errors: z.array(folderProblem).describe("Files and sub-folders that could not be imported or read, first 100."),
  left_out_files: z.array(folderProblem).describe("Files left out for having nothing to import, first 100, each with the reason."),
});
export const folderListResponse = z.object({folders: z.array(folderResponse)});
export const folderRemoveResponse = z.object({ok: z.literal(true), deleted: z.number().int()});

export const ticketDraftRequest = z.object({session_id: id}).strict();

export const errorResponse = z.object({error: z.object({code: z.string(), message: z.string()})});
export const openaiErrorResponse = z.object({
  error: z.object({message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string()}),
});

/** The local model's load: `loading` from the moment start-up looks for a model until it is loaded or has failed. */
const modelLoadView = z.object({
  state: z.enum(["none", "loading", "loaded", "unloading", "failed"]),
  progress: z.number().nullable(),
  /** The code of the latest load's failure (shared/errors.ts), while no model is loaded. */
  error: z.string().nullable(),
});

export const healthResponse = z.object({
  status: z.enum(["ok", "loading", "degraded"]),
  ready: z.boolean(),
  engine: z.object({kind: z.string(), state: z.string(), queue: z.object({active: z.number(), waiting: z.number(), capacity: z.number(), limit: z.number()})}),
  model: z.string().nullable(),
  model_load: modelLoadView,
  gpu: z.object({backend: z.string(), devices: z.array(z.string())}).nullable(),
  documents: z.number().nullable(),
  sessions: z.number().nullable(),
  version: z.string(),
});

export const readinessResponse = z.object({
  /** `ok`: a model answers; `retrieval-only`: none will (none found, or its load failed); `loading`: answered 503 until one of those. */
  status: z.enum(["ok", "retrieval-only", "loading"]),
  ready: z.boolean(),
  model: z.string().nullable(),
  model_load: modelLoadView,
});

export const rpcResponse = z.union([
  z.object({ok: z.literal(true), result: z.unknown()}),
  z.object({ok: z.literal(false), error: z.object({code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional()})}),
]);
