import type {FastifyInstance} from "fastify";
import {LOCAL_OWNER} from "../../../../shared/api-tokens.js";
import {eventVisibleTo} from "../../event-audience.js";
import {forHttp} from "../client-views.js";
import {callerOf, type RouteContext} from "../route-context.js";
import {SseWriter} from "../sse-writer.js";

/**
 * The core's events as server-sent events (`event: <name>`, `data: <json>`), for the renderer in a
 * browser (local paths cut down as on /rpc). Each client hears what its token may: a conversation's
 * events only when the conversation is its own, the rest only with the admin scope. EventSource
 * cannot send headers, so this route also takes the token as `?token=`.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "events" | "heartbeatMs" | "apiTokens">): void {
  app.get(
    "/events",
    {
      config: {longLived: true},
      schema: {tags: ["RPC (browser mode)"], summary: "Server-sent events of the core's events this token may hear (its own conversations'; everything else with the admin scope); token as Bearer header or `?token=`.", querystring: {type: "object", properties: {token: {type: "string"}}}},
    },
    async (request, reply) => {
      const sse = new SseWriter(reply);
      sse.open();
      sse.retry(3000);
      sse.comment("connected");
      const caller = callerOf(request);
      // A named token revoked while its stream is open loses the stream too: checked when the
      // settings change (a revocation is one) and at each heartbeat, not on every token of an answer.
      const revoked = () => caller.owner !== LOCAL_OWNER && !ctx.apiTokens.isCurrent(caller.owner);
      const off = ctx.events.onAny((name, payload, audience) => {
        if (name === "settings.changed" && revoked()) return stop();
        if (eventVisibleTo(audience, caller)) sse.send(forHttp(name, payload), name);
      });
      const heartbeat = setInterval(() => (revoked() ? stop() : sse.comment("ping")), ctx.heartbeatMs);
      heartbeat.unref();
      const stop = () => {
        off();
        clearInterval(heartbeat);
        sse.end();
      };
      request.lifecycle.signal.addEventListener("abort", stop, {once: true});
      reply.raw.once("close", stop);
    },
  );
}
