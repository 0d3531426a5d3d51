import type {FastifyInstance} from "fastify";
import {callerOf, type RouteContext} from "../route-context.js";
import {errorResponse, idParams} from "../schemas.js";
import {sessionView} from "../views.js";

const tags = ["Help desk"];

export function registerHelpdeskSessionRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "chat">): void {
  // Each token sees and touches its own sessions only; another's id is 404, as one that does not exist.
  app.get("/api/sessions", {schema: {tags, summary: "This token's sessions (conversations), newest first."}}, async (request) => {
    const list = await ctx.chat.list(undefined, callerOf(request).owner);
    return {sessions: list.map((c) => ({session_id: c.id, title: c.title, created_at: c.createdAt, updated_at: c.updatedAt, message_count: c.messageCount}))};
  });

  app.get("/api/sessions/:id", {schema: {tags, summary: "A session with its messages and their sources.", params: idParams, response: {404: errorResponse}}}, async (request) => {
    const {id} = request.params as {id: string};
    return sessionView(await ctx.chat.get(id, callerOf(request).owner));
  });

  app.delete("/api/sessions/:id", {schema: {tags, summary: "Deletes a session.", params: idParams, response: {404: errorResponse}}}, async (request) => {
    const {id} = request.params as {id: string};
    const {owner} = callerOf(request);
    await ctx.chat.get(id, owner);
    await ctx.chat.delete(id, owner);
    return {session_id: id, deleted: true};
  });

  app.post(
    "/api/sessions/:id/reset",
    {config: {accepts: "json"}, schema: {tags, summary: "Clears the history and keeps the session.", params: idParams, response: {404: errorResponse}}},
    async (request) => {
      const {id} = request.params as {id: string};
      return sessionView(await ctx.chat.reset(id, callerOf(request).owner));
    },
  );
}
