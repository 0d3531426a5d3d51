import type {FastifyInstance} from "fastify";
import {callerOf, type RouteContext} from "../route-context.js";
import {errorResponse, ticketDraftRequest} from "../schemas.js";

export function registerHelpdeskTicketRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "chat">): void {
  app.post(
    "/api/tickets/draft",
    {
      config: {accepts: "json"},
      schema: {tags: ["Help desk"], summary: "Drafts a ticket (title, category, priority, steps…) from a session; always valid JSON.", body: ticketDraftRequest, response: {404: errorResponse}},
    },
    async (request) => {
      const {session_id} = request.body as {session_id: string};
      return {session_id, ticket: await ctx.chat.draftTicket(session_id, callerOf(request).owner)};
    },
  );
}
