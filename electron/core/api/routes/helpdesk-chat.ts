import type {FastifyInstance} from "fastify";
import {TokenBuffer} from "../../../../shared/token-buffer.js";
import {toHttpError, ApiError} from "../http-errors.js";
import {waitForModel} from "../model-wait.js";
import {abandon, callerOf, type RouteContext} from "../route-context.js";
import {errorResponse, helpdeskChatRequest, helpdeskChatResponse, type HelpdeskChatRequest} from "../schemas.js";
import {SseWriter} from "../sse-writer.js";
import {replyView} from "../views.js";

export function registerHelpdeskChatRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "chat" | "events" | "metrics" | "engine" | "localEngine" | "limits">): void {
  app.post(
    "/api/chat",
    {
      config: {accepts: "json"},
      schema: {
        tags: ["Help desk"],
        summary: "Asks the assistant; the session keeps the history. With `stream: true` the reply comes as server-sent events `token` ({text}) and a final `done` (this response body).",
        body: helpdeskChatRequest,
        response: {200: helpdeskChatResponse, 400: errorResponse, 404: errorResponse, 429: errorResponse, 503: errorResponse},
      },
    },
    async (request, reply) => {
      const body = request.body as HelpdeskChatRequest;
      const life = request.lifecycle;
      // Answered with the model once it has loaded, not in retrieval-only mode because it was loading.
      if (!(await waitForModel(ctx, life.signal))) return abandon(reply);
      const sse = body.stream ? new SseWriter(reply) : null;
      let streamed = false;
      let assistantId: string | null = null;
      // Tokens can be emitted before send() resolves with the message id; keep them until then.
      const early = new TokenBuffer();
      const forward = (text: string) => {
        streamed = true;
        sse?.send({text}, "token");
      };
      const offTokens = sse
        ? ctx.events.on("chat.token", (event) => {
            if (assistantId === null) early.add(event.messageId, event.text);
            else if (event.messageId === assistantId) forward(event.text);
          })
        : () => undefined;
      // Waiting for a free slot: the stream opens at once with `event: queue` and the place in line.
      const earlyQueue = new Map<string, number>();
      const offQueue = sse
        ? ctx.events.on("chat.queued", (event) => {
            if (assistantId === null) earlyQueue.set(event.messageId, event.position);
            else if (event.messageId === assistantId) sse.send({position: event.position}, "queue");
          })
        : () => undefined;
      const off = () => {
        offTokens();
        offQueue();
      };

      try {
        const handle = await ctx.chat.send({conversationId: body.session_id, message: body.message, owner: callerOf(request).owner});
        assistantId = handle.assistantMessageId;
        const place = earlyQueue.get(assistantId);
        if (place !== undefined) sse?.send({position: place}, "queue");
        earlyQueue.clear();
        for (const text of early.take(assistantId)) forward(text);
        early.clear();
        const stop = () => void ctx.chat.stop(handle.conversationId, callerOf(request).owner).catch(() => undefined);
        life.signal.addEventListener("abort", stop, {once: true});
        const message = await handle.done.finally(() => life.signal.removeEventListener("abort", stop));
        const metrics = message.metrics;
        ctx.metrics.observeGeneration("api.chat", metrics?.usage?.completionTokens ?? 0, metrics?.timings?.timeToFirstTokenMs ?? null);

        if (life.signal.aborted) {
          if (sse?.isOpen) sse.end();
          return abandon(reply);
        }
        if (message.status === "error") {
          const failure = toHttpError(message.error ?? {code: "GENERATION_FAILED", message: "The answer could not be generated."});
          if (!sse?.isOpen) throw new ApiError(failure.status, failure.code, failure.message, {retryAfterSeconds: failure.retryAfterSeconds ?? undefined});
          ctx.metrics.observeError(request.routeOptions.url ?? "unmatched", failure.code);
          sse.send({code: failure.code, message: failure.message}, "error");
          return sse.end();
        }
        const view = replyView(handle.conversationId, message);
        if (!sse) return view;
        if (!streamed && message.content) forward(message.content);
        sse.send(view, "done");
        return sse.end();
      } finally {
        off();
      }
    },
  );
}
