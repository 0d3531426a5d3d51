/**
 * Every request the HTTP routes accept, as zod schemas. The same objects validate requests (see
 * zod-compiler.ts) and become the OpenAPI document (z.toJSONSchema), so the two cannot drift.
 * Help-desk routes are strict (a typo in a field is an error); OpenAI routes accept unknown
 * fields because SDKs send many optional ones this server does not use.
 */
import {z} from "zod";

const id = z.string().min(1).max(200);
const collection = z.string().max(200).nullable();

// ─── OpenAI-compatible ────────────────────────────────────────────────────────────────────────

const contentPart = z
  .object({type: z.string().max(64), text: z.string().max(1_000_000).optional()})
  .loose()
  .describe("A content part; only `text` parts are supported.");

export const openaiMessage = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool"]),
    content: z.union([z.string().max(1_000_000), z.array(contentPart).max(1000), z.null()]).optional(),
    name: z.string().max(256).optional(),
  })
  .loose();

const stop = z.union([z.string().min(1).max(500), z.array(z.string().min(1).max(500)).max(4)]).nullable();

const responseFormat = z.discriminatedUnion("type", [
  z.object({type: z.literal("text")}).loose(),
  z.object({type: z.literal("json_object")}).loose(),
  z
    .object({
      type: z.literal("json_schema"),
      json_schema: z
        .object({
          name: z.string().min(1).max(64),
          description: z.string().max(2000).optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        })
        .loose(),
    })
    .loose(),
]);

export const chatCompletionRequest = z
  .object({
    model: z.string().min(1).max(256).describe("The loaded model's id from /v1/models, or `deskside-rag` to answer from the knowledge base."),
    messages: z.array(openaiMessage).min(1).max(1000),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({include_usage: z.boolean().optional()}).loose().nullable().optional(),
    max_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
    max_completion_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    stop: stop.optional(),
    seed: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    n: z.literal(1).nullable().optional().describe("Only one choice is generated."),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    response_format: responseFormat.optional(),
    user: z.string().max(256).optional(),
    deskside: z
      .object({collection: collection.optional().describe("Restricts `deskside-rag` retrieval to one collection.")})
      .strict()
      .optional(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

export const embeddingsRequest = z
  .object({
    model: z.string().min(1).max(256),
    input: z.union([z.string().min(1).max(200_000), z.array(z.string().min(1).max(200_000)).min(1).max(2048)]),
    encoding_format: z.enum(["float", "base64"]).optional(),
    dimensions: z.number().int().min(1).max(65_536).optional(),
    user: z.string().max(256).optional(),
  })
  .loose();
export type EmbeddingsRequest = z.infer<typeof embeddingsRequest>;

export const modelParams = z.object({model: z.string().min(1).max(256)}).strict();

const openaiModel = z.object({id: z.string(), object: z.literal("model"), created: z.number(), owned_by: z.string()});
export const modelList = z.object({object: z.literal("list"), data: z.array(openaiModel)});

/** A character range [start, end) inside a text, e.g. the excerpt to highlight. */
const textRange = z.object({start: z.number().int(), end: z.number().int()});

const usage = z.object({prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number()});
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
  passage: z
    .object({text: z.string(), highlight: textRange.describe("Where the cited excerpt sits in `text` (character offsets).")})
    .optional()
    .describe("The whole section around the cited excerpt, when retrieval provided it."),
});
const desksideExtra = z.object({sources: z.array(apiCitation), mode: z.string().nullable(), notice: z.string().nullable()});

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

export const ticketDraftRequest = z.object({session_id: id}).strict();

export const errorResponse = z.object({error: z.object({code: z.string(), message: z.string()})});
export const openaiErrorResponse = z.object({
  error: z.object({message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string()}),
});

export const healthResponse = z.object({
  status: z.enum(["ok", "loading", "degraded"]),
  ready: z.boolean(),
  engine: z.object({kind: z.string(), state: z.string(), queue: z.object({active: z.number(), waiting: z.number(), capacity: z.number(), limit: z.number()})}),
  model: z.string().nullable(),
  gpu: z.object({backend: z.string(), devices: z.array(z.string())}).nullable(),
  documents: z.number().nullable(),
  sessions: z.number().nullable(),
  version: z.string(),
});

export const rpcResponse = z.union([
  z.object({ok: z.literal(true), result: z.unknown()}),
  z.object({ok: z.literal(false), error: z.object({code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional()})}),
]);
