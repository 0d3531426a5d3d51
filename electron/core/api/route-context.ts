import type {AppCore} from "../core-types.js";
import type {ApiMetrics} from "./metrics.js";
import type {OpenApiRouteConfig} from "./zod-compiler.js";
import type {RequestLifecycle} from "./request-lifecycle.js";

/** What every route module gets from the server. */
export interface RouteContext {
  core: AppCore;
  metrics: ApiMetrics;
  uploadLimitBytes: number;
  /** Interval of comment lines on long-lived event streams, so proxies and browsers keep them open. */
  heartbeatMs: number;
  rendererDir: string | null;
}

declare module "fastify" {
  interface FastifyRequest {
    lifecycle: RequestLifecycle;
  }
  interface FastifyContextConfig {
    /** Body type this route takes; anything else is 415 before the body is read. */
    accepts?: "json" | "multipart";
    /** No request deadline: event streams stay open until the client leaves. */
    longLived?: boolean;
    openapi?: OpenApiRouteConfig;
  }
}

/** The id clients see for the chat model in use: the GGUF file name, or the remote model. */
export function currentModelId(core: AppCore): string | null {
  const status = core.engine.status();
  return status.model?.id ?? status.remote?.model ?? core.engine.modelName() ?? null;
}

/** The client is gone (or the deadline already answered): make sure nothing else is written. */
export function abandon(reply: import("fastify").FastifyReply): void {
  if (!reply.sent) reply.hijack();
}
