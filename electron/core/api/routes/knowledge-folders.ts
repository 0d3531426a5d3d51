import type {FastifyInstance} from "fastify";
import type {z} from "zod";
import type {RouteContext} from "../route-context.js";
import {errorResponse, folderListResponse, folderRemoveQuery, folderRemoveResponse, folderRequest, folderResponse, folderUpdate, idParams} from "../schemas.js";
import {folderView} from "../views.js";

const tags = ["Help desk"];

/**
 * Watched folders over HTTP: a folder on the computer running Deskside (a team server's share or a
 * git checkout) kept in sync with the knowledge base. Its imports show at /api/jobs and in /events
 * (`knowledge.folder` carries each state change).
 */
export function registerKnowledgeFolderRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "folders">): void {
  app.get(
    "/api/knowledge/folders",
    {schema: {tags, summary: "Lists watched folders with their state, file counts, last sync and per-file errors.", response: {200: folderListResponse}}},
    async () => ({folders: ctx.folders.list().map(folderView)}),
  );

  app.post(
    "/api/knowledge/folders",
    {
      config: {accepts: "json"},
      schema: {
        tags,
        summary:
          "Watches a folder: its documents are imported now, and files created, changed, renamed or deleted there follow within seconds of settling. 404 FOLDER_NOT_FOUND, 409 FOLDER_ALREADY_WATCHED (the folder, one inside it or one holding it).",
        body: folderRequest,
        response: {201: folderResponse, 404: errorResponse, 409: errorResponse},
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof folderRequest>;
      const folder = await ctx.folders.add(body.path, body.collection ?? null);
      reply.code(201);
      return folderView(folder);
    },
  );

  app.patch(
    "/api/knowledge/folders/:id",
    {
      config: {accepts: "json"},
      schema: {tags, summary: "Pauses or resumes a watched folder (resuming rescans it).", params: idParams, body: folderUpdate, response: {200: folderResponse, 404: errorResponse}},
    },
    async (request) => {
      const {id} = request.params as z.infer<typeof idParams>;
      const {paused} = request.body as z.infer<typeof folderUpdate>;
      return folderView(await ctx.folders.setPaused(id, paused));
    },
  );

  app.post(
    "/api/knowledge/folders/:id/rescan",
    {schema: {tags, summary: "Compares every file of the folder with the knowledge base now.", params: idParams, response: {202: folderResponse, 404: errorResponse}}},
    async (request, reply) => {
      const {id} = request.params as z.infer<typeof idParams>;
      reply.code(202);
      return folderView(ctx.folders.rescan(id));
    },
  );

  app.delete(
    "/api/knowledge/folders/:id",
    {
      schema: {
        tags,
        summary: "Stops watching a folder; `?keep_documents=true` keeps its documents, otherwise they are deleted.",
        params: idParams,
        querystring: folderRemoveQuery,
        response: {200: folderRemoveResponse, 404: errorResponse},
      },
    },
    async (request) => {
      const {id} = request.params as z.infer<typeof idParams>;
      const {keep_documents: keep} = request.query as z.infer<typeof folderRemoveQuery>;
      return {ok: true as const, deleted: await ctx.folders.remove(id, keep === "true")};
    },
  );
}
