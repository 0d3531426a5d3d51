import type {FastifyInstance} from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import {zodSwaggerTransform} from "./zod-compiler.js";

const DESCRIPTION = [
  "Deskside's local API. Every route except `/health`, `/docs`, `/openapi.json` and the web interface's files needs",
  "`Authorization: Bearer <token>` (the token is in Settings → API). Help-desk and RPC errors are `{error: {code, message}}`;",
  "`/v1/*` errors use OpenAI's `{error: {message, type, param, code}}`.",
].join(" ");

/** Collects route schemas; must be registered before any route. */
export function registerOpenApiSpec(app: FastifyInstance, version: string): void {
  void app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {title: "Deskside local API", version, description: DESCRIPTION},
      components: {securitySchemes: {bearerAuth: {type: "http", scheme: "bearer"}}},
      security: [{bearerAuth: []}],
      tags: [
        {name: "OpenAI-compatible", description: "For tools that speak the OpenAI API (base URL `<server>/v1`)."},
        {name: "Help desk", description: "Sessions, knowledge search, uploads and ticket drafts."},
        {name: "RPC (browser mode)", description: "The renderer's typed contract (shared/contract.ts) over HTTP."},
        {name: "Operations", description: "Health and metrics."},
      ],
    },
    transform: zodSwaggerTransform,
  });
}

/** Swagger UI from the package's own assets, so it works offline; no validator badge (it calls out). */
export async function registerDocsUi(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    uiConfig: {validatorUrl: null, deepLinking: true, persistAuthorization: false},
    staticCSP: true,
  });
}
