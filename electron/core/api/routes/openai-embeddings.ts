import type {FastifyInstance} from "fastify";
import {DesksideError} from "../../../../shared/errors.js";
import {ApiError} from "../http-errors.js";
import type {RouteContext} from "../route-context.js";
import {embeddingsRequest, embeddingsResponse, openaiErrorResponse, type EmbeddingsRequest} from "../schemas.js";

/** OpenAI's base64 encoding: the float32 values' little-endian bytes. */
function toBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

export function registerOpenAiEmbeddingRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "embeddings">): void {
  app.post(
    "/v1/embeddings",
    {
      config: {accepts: "json"},
      schema: {
        tags: ["OpenAI-compatible"],
        summary: "Embeds text with the knowledge base's embedding model.",
        body: embeddingsRequest,
        response: {200: embeddingsResponse, 400: openaiErrorResponse},
      },
    },
    async (request) => {
      const body = request.body as EmbeddingsRequest;
      const model = ctx.embeddings.modelId();
      if (!model) throw new DesksideError("EMBEDDING_MODEL_MISSING", "No embedding model is available; add one in Settings → Knowledge.");
      const texts = typeof body.input === "string" ? [body.input] : body.input;
      const out = await ctx.embeddings.embed(texts, request.lifecycle.signal);
      const dimension = out.vectors[0]?.length ?? 0;
      if (body.dimensions !== undefined && body.dimensions !== dimension)
        throw new ApiError(400, "INVALID_INPUT", `This embedding model produces ${dimension}-dimensional vectors; leave out "dimensions" or set it to ${dimension}.`, {param: "dimensions"});
      const base64 = body.encoding_format === "base64";
      return {
        object: "list",
        data: out.vectors.map((vector, index) => ({object: "embedding", index, embedding: base64 ? toBase64(vector) : vector})),
        model: out.model,
        usage: {prompt_tokens: out.promptTokens, total_tokens: out.promptTokens},
      };
    },
  );
}
