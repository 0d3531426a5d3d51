import {createReadStream} from "node:fs";
import type {FastifyInstance} from "fastify";
import type {z} from "zod";
import type {PackImportResult, PackManifest} from "../../../../shared/knowledge.js";
import type {RouteContext} from "../route-context.js";
import {PACK_UPLOAD_LIMITS} from "../request-limits.js";
import {errorResponse, packImportResponse, packQuery} from "../schemas.js";

const tags = ["Help desk"];

function manifestView(manifest: PackManifest) {
  return {
    format: manifest.format,
    format_version: manifest.formatVersion,
    created_at: manifest.createdAt,
    app_version: manifest.appVersion,
    collection: manifest.collection,
    collections: manifest.collections,
    counts: manifest.counts,
    embedding: manifest.embedding,
    payload: manifest.payload,
  };
}

export function packImportView(result: PackImportResult) {
  return {
    imported: result.imported,
    skipped: result.skipped.map((s) => ({title: s.title, collection: s.collection, reason: s.reason, document_id: s.documentId})),
    replaced: result.replaced,
    chunks: result.chunks,
    vectors: result.vectors,
    embedding_model: result.embeddingModel,
    took_ms: result.tookMs,
    manifest: manifestView(result.manifest),
  };
}

/** `attachment; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Knowledge packs over HTTP: GET writes one (a collection, or everything) to a temporary file and
 * streams it as a download; POST streams the body to a temporary file, checks the whole pack, then
 * imports it and answers with what went in. See knowledge/knowledge-pack.ts for the format.
 */
export function registerKnowledgePackRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "knowledge">): void {
  app.get(
    "/api/knowledge/pack",
    {
      config: {longLived: true},
      schema: {
        tags,
        summary:
          "Downloads a knowledge pack (.deskpack: documents, passages, vectors and a manifest with a SHA-256 checksum) of one collection (`?collection=`) or of the whole knowledge base. Import it elsewhere with POST /api/knowledge/pack.",
        querystring: packQuery,
        produces: ["application/octet-stream"],
        response: {404: errorResponse},
      },
    },
    async (request, reply) => {
      const {collection} = request.query as z.infer<typeof packQuery>;
      const pack = await ctx.knowledge.exportPackDownload({collection: collection ?? null, signal: request.lifecycle.signal});
      const stream = createReadStream(pack.path);
      // The temporary file goes once the response is over, however it ended.
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        void pack.release().catch(() => undefined);
      };
      stream.once("close", release);
      reply.raw.once("close", release);
      reply
        .header("content-type", "application/octet-stream")
        .header("content-disposition", attachment(pack.fileName))
        .header("content-length", String(pack.sizeBytes))
        .header("x-deskside-pack-documents", String(pack.manifest.counts.documents))
        .header("x-deskside-pack-chunks", String(pack.manifest.counts.chunks));
      return reply.send(stream);
    },
  );

  app.post(
    "/api/knowledge/pack",
    {
      config: {
        accepts: "binary",
        longLived: true,
        maxBodyBytes: () => PACK_UPLOAD_LIMITS.maxBytes,
        openapi: {consumes: ["application/octet-stream"], body: {type: "string", format: "binary", description: "The .deskpack file as it was downloaded."}},
      },
      schema: {
        tags,
        summary:
          "Imports a knowledge pack sent as the body (Content-Type: application/octet-stream; curl --data-binary @file.deskpack). The whole pack is checked first: a file that is not a pack, cut off, altered, or from a newer Deskside changes nothing (422 PACK_INVALID / PACK_VERSION_UNSUPPORTED). Same embedding model: its vectors are used as they are; another one: its passages are embedded again. Documents already in the collection are skipped. Answers once the documents are searchable.",
        querystring: packQuery,
        response: {200: packImportResponse, 413: errorResponse, 415: errorResponse, 422: errorResponse, 507: errorResponse},
      },
    },
    async (request, reply) => {
      const {collection} = request.query as z.infer<typeof packQuery>;
      try {
        const result = await ctx.knowledge.importPackStream(request.body as AsyncIterable<Uint8Array>, {
          maxBytes: PACK_UPLOAD_LIMITS.maxBytes,
          collection: collection ?? null,
          signal: request.lifecycle.signal,
        });
        return packImportView(result);
      } catch (error) {
        // Refused before all of it arrived (not a pack, too large): the rest is never read, so the
        // connection closes after the answer instead of being reused half-read.
        if (!request.raw.complete) reply.header("connection", "close");
        throw error;
      }
    },
  );
}
