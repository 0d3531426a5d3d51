import type {FastifyInstance, FastifySchema} from "fastify";
import {ERROR_CODES} from "../../../../shared/errors.js";
import {METHOD_NAMES, contract, type RpcResponse} from "../../../../shared/contract.js";
import type {ApiCaller} from "../../../../shared/api-tokens.js";
import {forHttp} from "../client-views.js";
import {scrubPaths} from "../path-scrub.js";
import {callerOf, type RouteContext} from "../route-context.js";
import {rpcResponse} from "../schemas.js";

/** Base64 makes uploads about 4/3 larger than the files they carry. */
const BASE64_OVERHEAD = 4 / 3;

/**
 * The renderer's transport in browser mode: POST /rpc/<method> with the input as JSON, answered
 * with the same RpcResponse IPC gives. One route per method so each input schema shows in /docs;
 * the dispatcher (not fastify) validates, exactly as it does for IPC.
 */
export function registerRpcRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "rpc">): void {
  // The caller (its token's owner and scope; the scope was checked before the body was read) goes
  // with the call, so conversation methods act on its own conversations only.
  const respond = async (method: string, input: unknown, caller: ApiCaller): Promise<{status: number; body: RpcResponse<unknown>}> => {
    const response = await ctx.rpc.respond(method, input, {transport: "http", caller});
    if (response.ok) return {status: 200, body: {ok: true, result: forHttp(method, response.result)}};
    const code = response.error.code as keyof typeof ERROR_CODES;
    const status = ERROR_CODES[code] ?? 500;
    return {status, body: {ok: false, error: {...response.error, message: scrubPaths(response.error.message)}}};
  };

  for (const method of METHOD_NAMES) {
    // Typed loosely: the reply's status is the error's, not only the documented 200.
    const schema: FastifySchema = {tags: ["RPC (browser mode)"], summary: contract[method].description, response: {200: rpcResponse}};
    app.post(
      `/rpc/${method}`,
      {
        config: {
          accepts: "json",
          maxBodyBytes: method === "knowledge.upload" ? (limits) => Math.ceil(limits.uploadLimitBytes * BASE64_OVERHEAD) + 65_536 : undefined,
          openapi: {body: contract[method].input},
        },
        schema,
      },
      async (request, reply) => {
        const {status, body} = await respond(method, request.body ?? undefined, callerOf(request));
        return reply.code(status).send(body);
      },
    );
  }

  app.post("/rpc/:method", {config: {accepts: "json"}, schema: {hide: true}}, async (request, reply) => {
    const {method} = request.params as {method: string};
    const {status, body} = await respond(method, request.body ?? undefined, callerOf(request));
    return reply.code(status).send(body);
  });
}
