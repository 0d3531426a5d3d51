import Fastify, {LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest} from "fastify";
import cors from "@fastify/cors";
import multipart from "@fastify/multipart";
import {DesksideError} from "../../../shared/errors.js";
import {Transform, type Readable} from "node:stream";
import {current, type ApiServerOptions, type MessageLogger, type RequestLimits} from "./api-options.js";
import type {ApiServices} from "./api-services.js";
import {AuthThrottle} from "./auth-throttle.js";
import {bearerToken, isPublicRequest, pathOf} from "./bearer-auth.js";
import {identifyCaller} from "./caller-auth.js";
import {clientErrorHandler} from "./client-errors.js";
import {assertHostAllowed, isLoopbackHost, listenError} from "./host-policy.js";
import {ApiError, helpdeskErrorBody, isOpenAiPath, openaiErrorBody, toHttpError, type HttpError} from "./http-errors.js";
import {registerJsonBodyParser} from "./json-body.js";
import {MethodRegistry} from "./method-registry.js";
import {ApiMetrics} from "./metrics.js";
import {registerDocsUi, registerOpenApiSpec} from "./openapi.js";
import {RateLimiter} from "./rate-limiter.js";
import {RequestLifecycle} from "./request-lifecycle.js";
import {requiredScope, scopeCovers} from "./route-scopes.js";
import type {RouteContext} from "./route-context.js";
import {registerEventRoutes} from "./routes/events.js";
import {registerHelpdeskChatRoutes} from "./routes/helpdesk-chat.js";
import {registerHelpdeskKnowledgeRoutes} from "./routes/helpdesk-knowledge.js";
import {registerHelpdeskSessionRoutes} from "./routes/helpdesk-sessions.js";
import {registerHelpdeskTicketRoutes} from "./routes/helpdesk-tickets.js";
import {registerKnowledgePackRoutes} from "./routes/knowledge-pack.js";
import {registerKnowledgeFolderRoutes} from "./routes/knowledge-folders.js";
import {registerOpenAiChatRoutes} from "./routes/openai-chat.js";
import {registerOpenAiEmbeddingRoutes} from "./routes/openai-embeddings.js";
import {registerOpenAiModelRoutes} from "./routes/openai-models.js";
import {registerModelUploadRoutes} from "./routes/model-upload.js";
import {registerOperationRoutes} from "./routes/operations.js";
import {registerRendererRoutes, trySpaFallback} from "./routes/renderer.js";
import {registerRpcRoutes} from "./routes/rpc.js";
import {jsonSerializerCompiler, zodValidatorCompiler} from "./zod-compiler.js";

export type {ApiServerOptions} from "./api-options.js";

export interface ApiServer {
  listen(): Promise<{url: string}>;
  /** Stops at once: open streams and generations are ended. */
  close(): Promise<void>;
  /** Stops accepting connections (the port is free again); requests in progress carry on. */
  stopAccepting(): void;
  /**
   * Stops accepting, lets requests in progress finish (streams included), then closes: long-lived
   * event streams are ended last, and whatever is still open after `limitMs` is ended as by close().
   */
  drain(limitMs: number): Promise<void>;
  app: FastifyInstance;
}

/**
 * fastify's own body limit sits above anything Settings allow (uploads of 4 GB as base64); the limit
 * in effect is checked per request in preParsing, so a new value applies without a restart.
 */
const BODY_LIMIT_CEILING = 8 * 1024 * 1024 * 1024;

/** How long generation requests wait for a loading model when the options leave it out. */
const DEFAULT_MODEL_WAIT_MS = 30_000;

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\s*(;|$)/;
/** Lets a plugin's hooks and handlers apply to the whole server (what fastify-plugin does). */
const SKIP_OVERRIDE = Symbol.for("skip-override");

function sendError(request: FastifyRequest, reply: FastifyReply, error: HttpError, metrics: ApiMetrics): void {
  metrics.observeError(request.routeOptions?.url ?? "unmatched", error.code);
  if (error.retryAfterSeconds !== null) reply.header("retry-after", String(error.retryAfterSeconds));
  if (error.allow) reply.header("allow", error.allow.join(", "));
  const path = pathOf(request.url);
  const body = isOpenAiPath(path) ? openaiErrorBody(error) : path.startsWith("/rpc/") ? {ok: false, ...helpdeskErrorBody(error)} : helpdeskErrorBody(error);
  void reply.code(error.status).type("application/json; charset=utf-8").send(body);
}

/** Keeps `?token=` (EventSource) out of logged URLs. */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, "$1[redacted]");
}

/** The core's logger takes plain messages; fastify wants pino's shape. */
function fromMessageLogger(log: MessageLogger): FastifyBaseLogger {
  const text = (args: unknown[]) =>
    args
      .map((a) => (a instanceof Error ? (a.stack ?? a.message) : a && typeof a === "object" && "err" in a ? String((a as {err: Error}).err?.stack ?? (a as {err: unknown}).err) : String(a)))
      .join(" ");
  const adapter = {
    level: "info",
    info: (...args: unknown[]) => log.info(text(args)),
    warn: (...args: unknown[]) => log.warn(text(args)),
    error: (...args: unknown[]) => log.error(text(args)),
    fatal: (...args: unknown[]) => log.error(text(args)),
    debug: () => undefined,
    trace: () => undefined,
    silent: () => undefined,
    child: () => adapter,
  };
  return adapter as unknown as FastifyBaseLogger;
}

function loggerOptions(logger: ApiServerOptions["logger"], fallback: MessageLogger) {
  // Access logs stay off: metrics count requests, and URLs can carry ?token= for /events.
  const base = {logController: new LogController({disableRequestLogging: true})};
  const chosen = logger ?? fallback;
  if (chosen === false) return {...base, logger: false as const};
  if (chosen === true) return {...base, logger: true};
  if (typeof (chosen as FastifyBaseLogger).child === "function") return {...base, loggerInstance: chosen as FastifyBaseLogger};
  return {...base, loggerInstance: fromMessageLogger(chosen as MessageLogger)};
}

function tooLarge(): ApiError {
  return new ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this server accepts; send less data or raise the API body limit in Settings.");
}

/** Passes a body without a declared length through, failing it with 413 once it grows past `max`. */
function capBody(payload: Readable, max: number): Readable {
  let seen = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) callback(tooLarge());
      else callback(null, chunk);
    },
  });
  payload.on("error", (error) => capped.destroy(error));
  return payload.pipe(capped);
}

function urlFor(host: string, port: number): string {
  // A wildcard bind is reached locally through loopback.
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}

/**
 * The HTTP API over the given services: it listens and closes, nothing more. Where it is reachable
 * is recorded by startApi (start-api.ts), which owns the API's status.
 */
export function createApiServer(services: ApiServices, options: ApiServerOptions): ApiServer {
  const token = () => current(options.token);
  const limits = (): RequestLimits => ({
    bodyLimitBytes: current(options.bodyLimitBytes),
    uploadLimitBytes: current(options.uploadLimitBytes),
    rateLimitPerMinute: current(options.rateLimitPerMinute),
    requestTimeoutMs: current(options.requestTimeoutMs),
    modelWaitMs: current(options.modelWaitMs ?? DEFAULT_MODEL_WAIT_MS),
  });
  const metrics = new ApiMetrics(services);
  const app = Fastify({
    ...loggerOptions(options.logger, services.logger),
    bodyLimit: BODY_LIMIT_CEILING,
    // Node's limit on receiving the request itself (headers and body), against slow senders; kept
    // in step with the setting on every request.
    requestTimeout: limits().requestTimeoutMs,
    forceCloseConnections: true,
    routerOptions: {ignoreTrailingSlash: true, maxParamLength: 256},
    frameworkErrors: (error, request, reply) => sendError(request, reply, toHttpError(error), metrics),
    clientErrorHandler,
  }) as unknown as FastifyInstance;

  const limiter = new RateLimiter(() => current(options.rateLimitPerMinute));
  const wrongTokens = new AuthThrottle(options.wrongTokenLimit);
  const registry = new MethodRegistry();
  /** Requests in progress, each marked long-lived (event streams) or not. */
  const live = new Map<RequestLifecycle, boolean>();
  const ctx: RouteContext = {...services, metrics, limits, heartbeatMs: options.heartbeatMs ?? 15_000, rendererDir: options.rendererDir ?? null};
  let accepting = true;
  let draining = false;
  let closing: Promise<void> | null = null;
  /** Called whenever a request ends while draining. */
  let onRequestEnded: (() => void) | null = null;

  app.setValidatorCompiler(zodValidatorCompiler);
  // Nesting and member count of every JSON body are bounded before it is parsed (request-limits.ts).
  // Its size limit is the ceiling: the one in effect is checked per request in preParsing.
  registerJsonBodyParser(app, BODY_LIMIT_CEILING);
  app.setSerializerCompiler(jsonSerializerCompiler);
  app.decorateRequest("lifecycle", null as unknown as RequestLifecycle);
  app.decorateRequest("caller", null);
  app.addHook("onRoute", (route) => registry.add(route.url, route.method));

  // Set before any plugin adds routes (CORS adds OPTIONS *), so every route answers errors in the API's shape.
  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.internal) request.log.error({err: error, url: redactUrl(request.url)}, "request failed");
    if (reply.sent || reply.raw.headersSent) return;
    sendError(request, reply, mapped, metrics);
  });

  registerOpenApiSpec(app, services.version);
  // The allowed origins are read per request; with none, CORS is off (no headers, preflights unanswered).
  void app.register(cors, {
    hideOptionsRoute: true,
    delegator: (_request, callback) => {
      const origins = current(options.corsOrigins);
      if (origins.length === 0) return callback(null, {origin: false});
      const any = origins.includes("*");
      callback(null, {
        origin: (origin, answer) => answer(null, any || (origin !== undefined && origins.includes(origin))),
        methods: ["GET", "POST", "DELETE", "OPTIONS"],
        allowedHeaders: ["Authorization", "Content-Type"],
        exposedHeaders: ["Retry-After"],
        maxAge: 600,
      });
    },
  });
  // Uploads pass their own per-request limits to request.parts() (routes/helpdesk-knowledge.ts).
  void app.register(multipart, {limits: {fileSize: limits().uploadLimitBytes}});

  const serverPlugin = async (instance: FastifyInstance) => {
    // Per-request deadline, disconnect signal and metrics, for every route including 404s.
    instance.addHook("onRequest", async (request, reply) => {
      const started = performance.now();
      const longLived = request.routeOptions.config?.longLived === true;
      const timeoutMs = current(options.requestTimeoutMs);
      if (app.server.requestTimeout !== timeoutMs) app.server.requestTimeout = timeoutMs;
      // A listener being retired answers what reaches it on open connections, then lets them go.
      if (draining) reply.header("connection", "close");
      request.lifecycle = new RequestLifecycle(
        reply,
        longLived ? null : timeoutMs,
        () => {
          if (reply.sent || reply.raw.headersSent) return;
          sendError(request, reply, toHttpError(new ApiError(503, "TIMEOUT", `The request took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; try again or raise the API request timeout in Settings.`)), metrics);
          // Whatever the handler returns later is not sent again.
          reply.hijack();
        },
        (lifecycle) => {
          live.delete(lifecycle);
          metrics.observeRequest(request.method, request.routeOptions.url ?? "unmatched", reply.raw.statusCode, (performance.now() - started) / 1000);
          onRequestEnded?.();
        },
      );
      live.set(request.lifecycle, longLived);
    });

    instance.addHook("onRequest", async (request) => {
      const path = pathOf(request.url);
      if (request.is404 || isPublicRequest(request.method, path)) return;
      // Checked before the token, so a client that is waiting learns nothing about its guesses.
      const wait = wrongTokens.retryAfterSeconds(request.ip);
      if (wait !== null)
        throw new ApiError(429, "RATE_LIMITED", `Too many requests with a wrong API token from this address; wait ${wait} s, then use the current token (Settings → API).`, {retryAfterSeconds: wait});
      let given = bearerToken(request.headers.authorization);
      if (given === null && path === "/events") {
        const query = request.query as {token?: unknown} | undefined;
        given = typeof query?.token === "string" ? query.token : null;
      }
      // The main token, or a named one (read again from settings.json if another process changed it).
      const identified = identifyCaller(given, token(), services.apiTokens);
      if (!identified) {
        // A missing token is a client not yet set up, not a guess.
        if (given !== null) wrongTokens.fail(request.ip);
        throw new ApiError(
          401,
          "UNAUTHORIZED",
          given === null ? "This route needs the API token: send Authorization: Bearer <token> (Settings → API)." : "The API token is not valid; copy the current one from Settings → API.",
        );
      }
      const {caller} = identified;
      request.caller = caller;
      metrics.observeTokenRequest(caller);
      const perMinute = identified.rateLimitPerMinute ?? limiter.limit;
      const verdict = limiter.take(identified.bucket, perMinute);
      if (!verdict.ok)
        throw new ApiError(429, "RATE_LIMITED", `More than ${perMinute} requests a minute with this token; wait a moment or raise the limit in Settings.`, {
          retryAfterSeconds: verdict.retryAfterSeconds,
        });
      // Checked before the body is read: an ask token never reaches an admin route's handler.
      const route = request.routeOptions.url ?? "";
      const rpcMethod = (request.params as {method?: unknown} | undefined)?.method;
      const needed = requiredScope(request.method, route, typeof rpcMethod === "string" ? rpcMethod : undefined);
      if (!scopeCovers(caller.scope, needed))
        throw new ApiError(
          403,
          "FORBIDDEN_SCOPE",
          `This API token (${caller.name}) has the "${caller.scope}" scope, which covers chat, search and its own conversations; ${request.method} ${route.startsWith("/rpc/") ? route.replace(":method", String(rpcMethod)) : route} needs an "admin" token.`,
        );
    });

    // Wrong body types are refused before the body is read; so are bodies past the limit in effect.
    instance.addHook("preParsing", async (request, _reply, payload) => {
      const config = request.routeOptions.config;
      const now = limits();
      const max = config?.maxBodyBytes?.(now) ?? now.bodyLimitBytes;
      const declared = Number(request.headers["content-length"] ?? Number.NaN);
      if (declared > max) throw tooLarge();
      const accepts = config?.accepts;
      const type = (request.headers["content-type"] ?? "").toLowerCase();
      if (accepts === "binary") {
        if (!type.startsWith("application/octet-stream")) throw new ApiError(415, "UNSUPPORTED_TYPE", "Send the file itself as the body with Content-Type: application/octet-stream (for example curl -T model.gguf).");
        // The route counts what it reads against its own limit.
        return payload;
      }
      if (accepts === "multipart") {
        if (!type.startsWith("multipart/form-data")) throw new ApiError(415, "UNSUPPORTED_TYPE", "Upload files as multipart/form-data (for example curl -F file=@runbook.md).");
        // The upload route counts what it reads against the upload limit itself.
        return payload;
      }
      if (accepts) {
        const hasBody = declared > 0 || request.headers["transfer-encoding"] !== undefined;
        if (hasBody && !JSON_TYPE.test(type)) throw new ApiError(415, "UNSUPPORTED_TYPE", "Send the body as JSON with Content-Type: application/json.");
      }
      // Node delivers no more than a declared length; a body without one is counted as it arrives.
      return Number.isNaN(declared) && request.headers["transfer-encoding"] !== undefined ? capBody(payload, max) : payload;
    });

    instance.setNotFoundHandler((request, reply) => {
      const path = pathOf(request.url);
      const allowed = registry.allowed(path);
      if (allowed.length > 0 && !allowed.includes(request.method))
        return sendError(request, reply, toHttpError(new ApiError(405, "METHOD_NOT_ALLOWED", `${request.method} is not allowed here; use ${allowed.join(" or ")}.`, {allow: allowed})), metrics);
      if (trySpaFallback(request, reply, ctx)) return;
      sendError(request, reply, toHttpError(new ApiError(404, "NOT_FOUND", "There is no such route; /docs lists them.")), metrics);
    });

    instance.addHook("preClose", async () => {
      for (const lifecycle of live.keys()) lifecycle.end("shutdown");
    });

    registerOpenAiModelRoutes(instance, ctx);
    // Binary bodies (a model, a document) reach their routes as the streams they are; nothing buffers them whole.
    instance.addContentTypeParser("application/octet-stream", (_request, payload, done) => done(null, payload));
    registerModelUploadRoutes(instance, ctx);
    registerOpenAiChatRoutes(instance, ctx);
    registerOpenAiEmbeddingRoutes(instance, ctx);
    registerHelpdeskChatRoutes(instance, ctx);
    registerHelpdeskSessionRoutes(instance, ctx);
    registerHelpdeskKnowledgeRoutes(instance, ctx);
    registerKnowledgePackRoutes(instance, ctx);
    registerKnowledgeFolderRoutes(instance, ctx);
    registerHelpdeskTicketRoutes(instance, ctx);
    registerRpcRoutes(instance, ctx);
    registerEventRoutes(instance, ctx);
    registerOperationRoutes(instance, ctx);
    await registerDocsUi(instance);
    await registerRendererRoutes(instance, ctx);
  };
  (serverPlugin as unknown as Record<symbol, boolean>)[SKIP_OVERRIDE] = true;
  void app.register(serverPlugin);

  return {
    app,
    async listen() {
      try {
        assertHostAllowed(options.host, options.allowLan);
        if (!token()) throw new DesksideError("SETTINGS_INVALID", "The API token is empty; regenerate it in Settings → API before starting the API.");
        await app.listen({host: options.host, port: options.port});
      } catch (error) {
        throw error instanceof DesksideError ? error : listenError(error, options.host, options.port);
      }
      const address = app.server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      const url = urlFor(options.host, port);
      if (!isLoopbackHost(options.host)) {
        const message = `The local API listens on ${options.host}:${port}, reachable from other computers on the network; keep the API token secret.`;
        app.log.warn(message);
        if (options.logger === false) console.warn(`[deskside] ${message}`);
        services.events.emit("app.notice", {level: "warning", code: "API_LAN", message});
      }
      return {url};
    },
    close() {
      closing ??= (async () => {
        accepting = false;
        await app.close();
        metrics.close();
      })();
      return closing;
    },
    stopAccepting() {
      if (!accepting) return;
      accepting = false;
      draining = true;
      // Frees the port at once; connections already open stay until they finish (see drain).
      if (app.server.listening) app.server.close(() => undefined);
      app.server.closeIdleConnections();
    },
    async drain(limitMs) {
      this.stopAccepting();
      if (closing) return closing;
      const busy = () => [...live.values()].some((longLived) => !longLived);
      if (busy())
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, limitMs);
          timer.unref();
          function done() {
            clearTimeout(timer);
            onRequestEnded = null;
            resolve();
          }
          onRequestEnded = () => {
            // Keep-alive connections whose last response has gone are closed as they become idle.
            app.server.closeIdleConnections();
            if (!busy()) done();
          };
        });
      await this.close();
    },
  };
}
