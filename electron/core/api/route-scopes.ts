/**
 * What each route and each /rpc method needs of an API token's scope. `ask`: chat, search, its own
 * conversations, the model list and the events of its own data; everything else is `admin`. A route
 * or method missing here needs `admin` (deny by default); test/core/api-token-scopes.test.ts fails
 * when one is missing, so a new one is classified on purpose.
 */
import type {ApiScope} from "../../../shared/api-tokens.js";

/** Every contract method, as served at POST /rpc/<method>. */
export const METHOD_SCOPES: Readonly<Record<string, ApiScope>> = {
  "app.info": "ask",
  "app.completeFirstRun": "admin",

  "settings.get": "admin",
  "settings.update": "admin",
  "settings.reset": "admin",
  "settings.regenerateToken": "admin",
  "settings.apiToken": "admin",

  "apiTokens.list": "admin",
  "apiTokens.create": "admin",
  "apiTokens.revoke": "admin",

  "models.list": "admin",
  "models.gpu": "admin",
  "models.status": "ask",
  "models.load": "admin",
  "models.unload": "admin",
  "models.cancelLoad": "admin",
  "models.import": "admin",
  "models.download": "admin",
  "models.downloads": "admin",
  "models.cancelDownload": "admin",

  "knowledge.import": "admin",
  "knowledge.upload": "admin",
  "knowledge.jobs": "admin",
  "knowledge.job": "admin",
  "knowledge.cancelJob": "admin",
  "knowledge.list": "admin",
  "knowledge.delete": "admin",
  "knowledge.setCollection": "admin",
  "knowledge.reindex": "admin",
  "knowledge.retrievalModels": "admin",
  "knowledge.ocrLanguages": "admin",
  "knowledge.search": "ask",
  "knowledge.stats": "admin",
  // Opening a cited passage is part of reading an answer.
  "knowledge.document": "ask",
  "knowledge.deleteCollection": "admin",
  "knowledge.exportPack": "admin",
  "knowledge.importPack": "admin",
  "knowledge.folders": "admin",
  "knowledge.addFolder": "admin",
  "knowledge.pauseFolder": "admin",
  "knowledge.rescanFolder": "admin",
  "knowledge.removeFolder": "admin",

  // Conversation methods act on the caller's own conversations only (chat-service.ts).
  "chat.list": "ask",
  "chat.create": "ask",
  "chat.get": "ask",
  "chat.rename": "ask",
  "chat.delete": "ask",
  "chat.reset": "ask",
  "chat.export": "ask",
  "chat.send": "ask",
  "chat.stop": "ask",
  "chat.regenerate": "ask",
  "chat.editLast": "ask",
  "chat.feedback": "ask",
  "chat.draftTicket": "ask",
  // Writes into the knowledge base everyone searches.
  "chat.saveToKnowledge": "admin",
};

/** Every token-protected route but /rpc, as "METHOD /path" with fastify's `:param` names. */
export const ROUTE_SCOPES: Readonly<Record<string, ApiScope>> = {
  "GET /v1/models": "ask",
  "GET /v1/models/:model": "ask",
  "POST /v1/chat/completions": "ask",
  "POST /v1/embeddings": "ask",

  "POST /api/chat": "ask",
  "GET /api/sessions": "ask",
  "GET /api/sessions/:id": "ask",
  "DELETE /api/sessions/:id": "ask",
  "POST /api/sessions/:id/reset": "ask",
  "POST /api/tickets/draft": "ask",
  "POST /api/search": "ask",
  "GET /api/documents/:id/text": "ask",

  "POST /api/documents": "admin",
  "PUT /api/documents/:name": "admin",
  "GET /api/documents": "admin",
  "DELETE /api/documents/:id": "admin",
  "DELETE /api/collections/:name": "admin",
  "GET /api/jobs/:id": "admin",
  "PUT /api/models/:name": "admin",
  "GET /api/knowledge/pack": "admin",
  "POST /api/knowledge/pack": "admin",
  "GET /api/knowledge/folders": "admin",
  "POST /api/knowledge/folders": "admin",
  "PATCH /api/knowledge/folders/:id": "admin",
  "POST /api/knowledge/folders/:id/rescan": "admin",
  "DELETE /api/knowledge/folders/:id": "admin",

  // Each event is filtered by its audience (event-audience.ts).
  "GET /events": "ask",
  "GET /metrics": "admin",
};

const RPC_ROUTE = /^\/rpc\/(.+)$/;

/**
 * The scope a request needs: `route` is the matched route's URL pattern, `rpcMethod` the method a
 * `/rpc/:method` request names. HEAD is GET's.
 */
export function requiredScope(method: string, route: string, rpcMethod?: string): ApiScope {
  const verb = method === "HEAD" ? "GET" : method;
  if (route === "/rpc/:method") return lookup(METHOD_SCOPES, rpcMethod ?? "");
  const rpc = RPC_ROUTE.exec(route);
  if (rpc && verb === "POST") return lookup(METHOD_SCOPES, rpc[1]);
  return lookup(ROUTE_SCOPES, `${verb} ${route}`);
}

/** Own entries only: a name like "constructor" must not find Object's. */
function lookup(table: Readonly<Record<string, ApiScope>>, key: string): ApiScope {
  return Object.hasOwn(table, key) ? table[key] : "admin";
}

/** Whether a caller of `scope` may use what needs `needed`. */
export function scopeCovers(scope: ApiScope, needed: ApiScope): boolean {
  return scope === "admin" || needed === "ask";
}

/** Whether a route has an entry of its own (the rest default to admin). */
export function isClassified(method: string, route: string): boolean {
  if (route === "/rpc/:method") return true;
  const rpc = RPC_ROUTE.exec(route);
  if (rpc && method === "POST") return Object.hasOwn(METHOD_SCOPES, rpc[1]);
  return Object.hasOwn(ROUTE_SCOPES, `${method === "HEAD" ? "GET" : method} ${route}`);
}
