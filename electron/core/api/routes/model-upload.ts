import type {Readable} from "node:stream";
import type {FastifyInstance} from "fastify";
import {z} from "zod";
import type {RouteContext} from "../route-context.js";
import {errorResponse} from "../schemas.js";

const tags = ["Help desk"];
/** A model upload may be this large; the disk filling up first ends it with DISK_FULL. */
const MAX_MODEL_BYTES = 256 * 1024 ** 3;

const nameParams = z.object({name: z.string().min(1).max(400)}).strict();
const uploadedModel = z.object({
  model: z.object({
    id: z.string(),
    name: z.string(),
    architecture: z.string(),
    parameters: z.string(),
    quantization: z.string(),
    size_bytes: z.number(),
    trained_context: z.number().nullable(),
    has_chat_template: z.boolean(),
  }),
});

/**
 * PUT /api/models/{name}: a .gguf sent as the body, streamed into the models folder (never held in
 * memory), checked, and listed with the other models. How a browser adds a model; `curl -T` works too.
 */
export function registerModelUploadRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "models">): void {

  app.put(
    "/api/models/:name",
    {
      config: {accepts: "binary", longLived: true, maxBodyBytes: () => MAX_MODEL_BYTES},
      schema: {
        tags,
        summary: "Uploads a .gguf model (the file as the body, Content-Type: application/octet-stream) into the models folder; it is checked before it is listed.",
        params: nameParams,
        response: {201: uploadedModel, 413: errorResponse, 415: errorResponse, 422: errorResponse, 507: errorResponse},
      },
    },
    async (request, reply) => {
      const {name} = request.params as z.infer<typeof nameParams>;
      const model = await ctx.models.importUpload(name, request.body as Readable, {maxBytes: MAX_MODEL_BYTES, signal: request.lifecycle.signal});
      reply.code(201);
      return {model: {id: model.id, name: model.name, architecture: model.architecture, parameters: model.parameters, quantization: model.quantization, size_bytes: model.sizeBytes, trained_context: model.trainedContext, has_chat_template: model.hasChatTemplate}};
    },
  );
}
