import type {FastifyInstance} from "fastify";
import {ApiError} from "../http-errors.js";
import {RAG_MODEL_ID} from "../openai-format.js";
import {currentModelId, type RouteContext} from "../route-context.js";
import {modelList, modelParams, openaiErrorResponse} from "../schemas.js";

const tags = ["OpenAI-compatible"];

export function registerOpenAiModelRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "engine">): void {
  // Stable per process so clients that cache the list see the same `created` values.
  const created = Math.floor(Date.now() / 1000);
  const list = () => {
    const ids = [currentModelId(ctx.engine), RAG_MODEL_ID].filter((id): id is string => Boolean(id));
    return ids.map((id) => ({id, object: "model" as const, created, owned_by: "deskside"}));
  };

  app.get("/v1/models", {schema: {tags, summary: "The loaded chat model and `deskside-rag` (answers from the knowledge base).", response: {200: modelList}}}, async () => ({
    object: "list",
    data: list(),
  }));

  app.get(
    "/v1/models/:model",
    {schema: {tags, summary: "One model by id.", params: modelParams, response: {404: openaiErrorResponse}}},
    async (request) => {
      const {model} = request.params as {model: string};
      const found = list().find((m) => m.id === model);
      if (!found) throw new ApiError(404, "MODEL_NOT_FOUND", `There is no model "${model.slice(0, 100)}" here; GET /v1/models lists them.`, {param: "model"});
      return found;
    },
  );
}
