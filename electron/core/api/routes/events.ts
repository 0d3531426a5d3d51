import type {FastifyInstance} from "fastify";
import {forHttp} from "../client-views.js";
import type {RouteContext} from "../route-context.js";
import {SseWriter} from "../sse-writer.js";

/**
 * Every core event as server-sent events (`event: <name>`, `data: <json>`), for the renderer in a
 * browser (local paths cut down as on /rpc). EventSource cannot send headers, so this route also
 * takes the token as `?token=`.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "events" | "heartbeatMs">): void {
  app.get(
    "/events",
    {
      config: {longLived: true},
      schema: {tags: ["RPC (browser mode)"], summary: "Server-sent events of every core event; token as Bearer header or `?token=`.", querystring: {type: "object", properties: {token: {type: "string"}}}},
    },
    async (request, reply) => {
      const sse = new SseWriter(reply);
      sse.open();
      sse.retry(3000);
      sse.comment("connected");
      const off = ctx.events.onAny((name, payload) => sse.send(forHttp(name, payload), name));
      const heartbeat = setInterval(() => sse.comment("ping"), ctx.heartbeatMs);
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
