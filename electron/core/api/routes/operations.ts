import type {FastifyInstance} from "fastify";
import type {GpuInfo} from "../../../../shared/models.js";
import {MODEL_LOADING_RETRY_SECONDS} from "../model-wait.js";
import {currentModelId, type RouteContext} from "../route-context.js";
import {healthResponse, readinessResponse} from "../schemas.js";

/** Health must answer fast even while the core is busy; anything slower than this reads as unknown. */
const PROBE_TIMEOUT_MS = 1500;

async function probe<T>(work: () => Promise<T> | T): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(work),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), PROBE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export function registerOperationRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "engine" | "localEngine" | "knowledge" | "chat" | "version" | "metrics">): void {
  let gpu: Promise<GpuInfo | null> | null = null;
  const gpuInfo = () => {
    // Starting the llama.cpp backend just to answer /health would be wasteful; ask once it runs.
    if (ctx.engine.kind !== "local" || !ctx.localEngine.isReady()) return Promise.resolve(null);
    gpu ??= probe(() => ctx.localEngine.gpuInfo()).then((info) => {
      if (!info) gpu = null;
      return info;
    });
    return gpu;
  };

  /** The local model's load; start-up finding its model already counts as loading. */
  const modelLoad = () => {
    const local = ctx.localEngine.status();
    const loading = local.state === "loading" || (ctx.localEngine.isLoadPending() && local.state !== "loaded");
    return {
      state: loading ? ("loading" as const) : local.state,
      progress: loading ? (local.progress ?? 0) : null,
      error: local.state === "loaded" || loading ? null : (local.error?.code ?? null),
    };
  };

  app.get(
    "/health",
    {schema: {tags: ["Operations"], summary: "Liveness: always 200 while the server runs, with the model's state in the body; needs no token.", security: [], response: {200: healthResponse}}},
    async () => {
      const status = ctx.engine.status();
      // The document count from memory, not the whole of stats(): /health is asked every few seconds.
      const [info, stats, sessions] = await Promise.all([
        gpuInfo(),
        probe(async () => ({documents: ctx.knowledge.listDocuments().filter((doc) => doc.status === "ready").length})),
        probe(() => ctx.chat.count()),
      ]);
      const ready = ctx.engine.isReady();
      const load = modelLoad();
      return {
        status: ready ? "ok" : load.state === "loading" ? "loading" : "degraded",
        ready,
        engine: {kind: status.engine, state: status.state, queue: status.queue},
        model: currentModelId(ctx.engine),
        model_load: load,
        gpu: info ? {backend: info.backend, devices: info.devices} : null,
        documents: stats?.documents ?? null,
        sessions: sessions ?? null,
        version: ctx.version,
      };
    },
  );

  app.get(
    "/health/ready",
    {
      schema: {
        tags: ["Operations"],
        summary: "Readiness: 503 with Retry-After while a model loads (start-up included), 200 once a model answers or retrieval-only mode is settled; needs no token.",
        security: [],
        response: {200: readinessResponse, 503: readinessResponse},
      },
    },
    async (_request, reply) => {
      const ready = ctx.engine.isReady();
      const load = modelLoad();
      const loading = !ready && load.state === "loading";
      if (loading) reply.code(503).header("retry-after", String(MODEL_LOADING_RETRY_SECONDS));
      return {status: ready ? "ok" : loading ? "loading" : "retrieval-only", ready: !loading, model: currentModelId(ctx.engine), model_load: load};
    },
  );

  app.get("/metrics", {schema: {tags: ["Operations"], summary: "Prometheus metrics (text exposition format)."}}, async (_request, reply) => {
    reply.type(ctx.metrics.contentType);
    return ctx.metrics.text();
  });

  app.get("/openapi.json", {schema: {hide: true}}, async () => app.swagger());
}
