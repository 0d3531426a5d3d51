import {createHash, timingSafeEqual} from "node:crypto";

/** Paths under these prefixes are the API; everything else is the renderer's static files. */
export const API_PREFIXES = ["/v1", "/api", "/rpc", "/events", "/metrics"] as const;

export function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * What answers without a token, and why:
 * - GET /health: launchers and monitors probe it before they know the token; it reveals counts only.
 * - the renderer's static files (/, /assets/*, SPA routes): the page must load before it can ask
 *   for the token; it contains no data.
 * - /docs and /openapi.json: the API description is public knowledge (it is in this repository).
 * - CORS preflights: browsers never attach credentials to them.
 * Everything under API_PREFIXES needs `Authorization: Bearer <token>`.
 */
export function isPublicRequest(method: string, path: string): boolean {
  if (method === "OPTIONS") return true;
  if (path === "/health" || path === "/openapi.json" || path === "/docs" || path.startsWith("/docs/")) return true;
  return !isApiPath(path);
}

export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1] : null;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time: hashing first makes both sides the same length, so nothing leaks through timing. */
export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null || expected === "") return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** A short stable key for per-token accounting that does not keep the token itself around. */
export function tokenKey(token: string): string {
  return digest(token).toString("hex").slice(0, 16);
}
