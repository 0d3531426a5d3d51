import fs from "node:fs";
import type {FastifyInstance, FastifyReply, FastifyRequest} from "fastify";
import fastifyStatic from "@fastify/static";
import {isApiPath, pathOf} from "../bearer-auth.js";
import type {RouteContext} from "../route-context.js";

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Deskside</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>Deskside is running</h1>
<p>The local API is up, but the web interface has not been built, so there is nothing to show here yet.</p>
<p>Build it with <code>npm run build:renderer</code> and restart the server, or use the API directly:</p>
<ul><li><a href="/docs">/docs</a> — interactive API reference</li><li><a href="/health">/health</a> — status of the model and knowledge base</li></ul>
<p>API calls need the token from Settings → API (or <code>DESKSIDE_API_TOKEN</code>) as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>`;

export function rendererAvailable(dir: string | null): dir is string {
  return dir !== null && fs.existsSync(`${dir}/index.html`);
}

/** Serves the built renderer at / ; without one, a page that says how to build it. */
export async function registerRendererRoutes(app: FastifyInstance, ctx: Pick<RouteContext, "rendererDir">): Promise<void> {
  if (!rendererAvailable(ctx.rendererDir)) {
    app.get("/", {schema: {hide: true}}, async (_request, reply) => reply.type("text/html; charset=utf-8").send(NOT_BUILT_PAGE));
    return;
  }
  await app.register(fastifyStatic, {
    root: ctx.rendererDir,
    prefix: "/",
    wildcard: true,
    index: ["index.html"],
    // The API's paths are never files, whatever the build folder holds.
    allowedPath: (pathName: string) => !isApiPath(pathName),
    // Hashed asset names never change content; index.html must always be fresh.
    setHeaders: (reply, filePath) => reply.header("cache-control", /[\\/]assets[\\/]/.test(filePath) ? "public, max-age=31536000, immutable" : "no-cache"),
  });
}

/** Client-side routes (/chat/123) load index.html; the renderer's router takes it from there. */
export function trySpaFallback(request: FastifyRequest, reply: FastifyReply, ctx: Pick<RouteContext, "rendererDir">): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (!rendererAvailable(ctx.rendererDir)) return false;
  const path = pathOf(request.url);
  if (isApiPath(path) || path === "/docs" || path.startsWith("/docs/")) return false;
  const wantsHtml = (request.headers.accept ?? "").includes("text/html");
  const looksLikeFile = /\.[A-Za-z0-9]{1,8}$/.test(path);
  if (!wantsHtml || looksLikeFile) return false;
  reply.header("cache-control", "no-cache");
  void reply.sendFile("index.html");
  return true;
}
