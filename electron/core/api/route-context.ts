import type {FastifyRequest} from "fastify";
import type {ApiCaller} from "../../../shared/api-tokens.js";
import type {RequestLimits} from "./api-options.js";
import type {ApiServices} from "./api-services.js";
import type {ApiMetrics} from "./metrics.js";
import type {OpenApiRouteConfig} from "./zod-compiler.js";
import type {RequestLifecycle} from "./request-lifecycle.js";

/** What route modules get from the server; each takes only the parts it uses (Pick<RouteContext, …>). */
export interface RouteContext extends ApiServices {
  metrics: ApiMetrics;
  /** The request limits in effect now (Settings → API); read per request, never kept. */
  limits(): RequestLimits;
  /** Interval of comment lines on long-lived event streams, so proxies and browsers keep them open. */
  heartbeatMs: number;
  rendererDir: string | null;
}

declare module "fastify" {
  interface FastifyRequest {
    lifecycle: RequestLifecycle;
    /** Who sent a token-protected request (set once its token is checked); null on public routes. */
    caller: ApiCaller | null;
  }
  interface FastifyContextConfig {
    /** Body type this route takes; anything else is 415 before the body is read. */
    accepts?: "json" | "multipart" | "binary";
    /** No request deadline: event streams stay open until the client leaves. */
    longLived?: boolean;
    /** This route's body limit from the limits in effect; left out: the API body limit. */
    maxBodyBytes?: (limits: RequestLimits) => number;
    openapi?: OpenApiRouteConfig;
  }
}

/** The id clients see for the chat model in use: the GGUF file name, or the remote model. */
export function currentModelId(engine: Pick<ApiServices["engine"], "status" | "modelName">): string | null {
  const status = engine.status();
  return status.model?.id ?? status.remote?.model ?? engine.modelName() ?? null;
}

/** The caller of a token-protected route; its token was checked before the handler runs. */
export function callerOf(request: FastifyRequest): ApiCaller {
  if (!request.caller) throw new Error("callerOf on a route without a checked token");
  return request.caller;
}

/** The client is gone (or the deadline already answered): make sure nothing else is written. */
export function abandon(reply: import("fastify").FastifyReply): void {
  if (!reply.sent) reply.hijack();
}
