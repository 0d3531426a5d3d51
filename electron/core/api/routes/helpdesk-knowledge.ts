import {setImmediate as nextTurn} from "node:timers/promises";
import type {FastifyInstance, FastifyRequest} from "fastify";
import {z} from "zod";
import {DesksideError} from "../../../../shared/errors.js";
import {collectBytes} from "../collect-bytes.js";
import {ApiError, toHttpError} from "../http-errors.js";
import type {RouteContext} from "../route-context.js";
import {
  collectionParams,
  deleteCollectionResponse,
  documentTextQuery,
  documentTextResponse,
  errorResponse,
  idParams,
  searchRequest,
  searchResponse,
  uploadFields,
  uploadResponse,
  type SearchRequestBody,
} from "../schemas.js";
import {documentTextView, documentView, jobView, searchView} from "../views.js";

const tags = ["Help desk"];

interface Upload {
  files: {name: string; bytes: Uint8Array}[];
  collection: string | null | undefined;
}

const PARTS_PER_TURN = 25;

const uploadNameParams = z.object({name: z.string().min(1).max(1024)}).strict();
const uploadQuery = z.object({collection: z.string().max(200).optional()}).strict();

/** Reads every file part into memory (the importer takes buffers), enforcing the total upload limit; names are passed on as sent. */
async function readUpload(request: FastifyRequest, limitBytes: number): Promise<Upload> {
  const files: Upload["files"] = [];
  const fields: Record<string, string> = {};
  let total = 0;
  try {
    // Folders in a file name are kept (they tell two runbook.md apart); the knowledge service cleans them.
    for await (const part of request.parts({preservePath: true, limits: {fileSize: limitBytes, fieldSize: 1024, fields: 10, files: 1000, parts: 1010}})) {
      if (part.type === "file") {
        const bytes = await collectBytes(part.file);
        // The parser cuts a file at the size limit and marks it; the same error toBuffer throws says so.
        if (part.file.truncated) throw new request.server.multipartErrors.RequestFileTooLargeError();
        total += bytes.length;
        if (total > limitBytes) throw new ApiError(413, "PAYLOAD_TOO_LARGE", `The upload is larger than ${Math.round(limitBytes / 1e6)} MB in all; send fewer files at once or raise the upload limit in Settings.`);
        // Cleaned (and made distinct) by the knowledge service: an odd or empty name gets a safe one.
        files.push({name: part.filename ?? "", bytes});
        // Parts that arrived together are handed over without a pause; a thousand small ones would
        // hold the event loop for half a second.
        if (files.length % PARTS_PER_TURN === 0) await nextTurn();
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    const mapped = toHttpError(error);
    // Whatever else the multipart parser throws (bad boundary, truncated part) is the body's fault.
    if (mapped.internal) throw new ApiError(400, "INVALID_INPUT", "The upload could not be read as multipart/form-data.");
    throw error;
  }
  const parsed = uploadFields.safeParse(fields);
  if (!parsed.success) throw new ApiError(400, "INVALID_INPUT", `Invalid form field: ${parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ")}`);
  if (files.length === 0) throw new ApiError(400, "INVALID_INPUT", "No file was attached; send one or more file parts.");
  return {files, collection: parsed.data.collection};
}

export function registerHelpdeskKnowledgeRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "knowledge" | "limits">): void {
  app.post(
    "/api/search",
    {config: {accepts: "json"}, schema: {tags, summary: "Searches the knowledge base (hybrid, vector or text) and returns scored excerpts.", body: searchRequest, response: {200: searchResponse, 400: errorResponse}}},
    async (request) => {
      const body = request.body as SearchRequestBody;
      const result = await ctx.knowledge.search({
        query: body.query,
        topK: body.top_k,
        mode: body.mode,
        minScore: body.min_score,
        collection: body.collection,
        excludeCollections: body.exclude_collections,
        passages: body.passages,
      });
      return searchView(result);
    },
  );

  app.post(
    "/api/documents",
    {
      config: {
        accepts: "multipart",
        // Files plus the multipart framing around them.
        maxBodyBytes: (limits) => limits.uploadLimitBytes + 1024 * 1024,
        openapi: {
          consumes: ["multipart/form-data"],
          body: {
            type: "object",
            properties: {files: {type: "array", items: {type: "string", format: "binary"}}, collection: {type: "string", maxLength: 200}},
            required: ["files"],
          },
        },
      },
      schema: {tags, summary: "Uploads one or more files (any field name) and an optional `collection` field; the import runs in the background — follow it at /api/jobs/{id}.", response: {202: uploadResponse, 413: errorResponse, 415: errorResponse}},
    },
    async (request, reply) => {
      const upload = await readUpload(request, ctx.limits().uploadLimitBytes);
      const job = await ctx.knowledge.importBuffers(upload.files, upload.collection === undefined ? {} : {collection: upload.collection});
      reply.code(202);
      return {job_id: job.id, job: jobView(job)};
    },
  );

  app.put(
    "/api/documents/:name",
    {
      config: {accepts: "binary", longLived: true, maxBodyBytes: (limits) => limits.uploadLimitBytes},
      schema: {
        tags,
        summary:
          "Uploads one file as the body (Content-Type: application/octet-stream; the name, folders included, URL-encoded in the path) and an optional `collection` query; streamed, never parsed as JSON. The import runs in the background — follow it at /api/jobs/{id}.",
        params: uploadNameParams,
        querystring: uploadQuery,
        response: {202: uploadResponse, 413: errorResponse, 415: errorResponse},
      },
    },
    async (request, reply) => {
      const {name} = request.params as z.infer<typeof uploadNameParams>;
      const {collection} = request.query as z.infer<typeof uploadQuery>;
      const limit = ctx.limits().uploadLimitBytes;
      // Past the limit it is the same FILE_TOO_LARGE a multipart upload gets. The rest of the body is
      // never read, so the connection closes after the answer instead of being reused half-read.
      const bytes = await collectBytes(request.body as AsyncIterable<Uint8Array>, {
        maxBytes: limit,
        tooLarge: () => {
          reply.header("connection", "close");
          return new request.server.multipartErrors.RequestFileTooLargeError();
        },
      });
      const job = await ctx.knowledge.importBuffers([{name, bytes}], collection === undefined ? {} : {collection});
      reply.code(202);
      return {job_id: job.id, job: jobView(job)};
    },
  );

  app.get("/api/documents", {schema: {tags, summary: "Documents in the knowledge base, failed imports included with their error; `notes` says what an import noticed about a file without failing it."}}, async () => {
    const documents = await ctx.knowledge.listDocuments();
    return {documents: documents.map(documentView)};
  });

  app.delete("/api/documents/:id", {schema: {tags, summary: "Deletes a document and its excerpts.", params: idParams, response: {404: errorResponse}}}, async (request) => {
    const {id} = request.params as {id: string};
    const documents = await ctx.knowledge.listDocuments();
    if (!documents.some((d) => d.id === id)) throw new DesksideError("NOT_FOUND", "There is no document with this id.");
    await ctx.knowledge.deleteDocument(id);
    return {document_id: id, deleted: true};
  });

  app.get(
    "/api/documents/:id/text",
    {
      schema: {
        tags,
        summary: "A document's whole text for reading; with `chunk_id`, where that excerpt (e.g. a cited one) sits in it.",
        params: idParams,
        querystring: documentTextQuery,
        response: {200: documentTextResponse, 404: errorResponse},
      },
    },
    async (request) => {
      const {id} = request.params as {id: string};
      const {chunk_id: chunkId} = request.query as {chunk_id?: string};
      return documentTextView(await ctx.knowledge.documentText(id, chunkId));
    },
  );

  app.delete(
    "/api/collections/:name",
    {schema: {tags, summary: "Deletes every document of a collection (e.g. `Starter articles`) and their excerpts.", params: collectionParams, response: {200: deleteCollectionResponse, 404: errorResponse}}},
    async (request) => {
      const {name} = request.params as {name: string};
      const deleted = await ctx.knowledge.deleteCollection(name);
      if (deleted === 0) throw new DesksideError("NOT_FOUND", "There is no collection with this name (or it holds no documents).");
      return {collection: name, deleted};
    },
  );

  app.get("/api/jobs/:id", {schema: {tags, summary: "An import job with per-file progress.", params: idParams, response: {404: errorResponse}}}, async (request) => {
    const {id} = request.params as {id: string};
    const job = await ctx.knowledge.getJob(id);
    if (!job) throw new DesksideError("NOT_FOUND", "There is no import job with this id; jobs are kept until the app restarts.");
    return jobView(job);
  });
}
