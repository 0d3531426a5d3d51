/**
 * Every route and every contract method has a scope on purpose: a new one missing from
 * electron/core/api/route-scopes.ts would quietly need `admin` (deny by default), which is safe but
 * may not be what its author meant, so this fails until it is classified.
 */
import fs from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {METHOD_NAMES} from "../../shared/contract.js";
import {isApiPath} from "../../electron/core/api/bearer-auth.js";
import {METHOD_SCOPES, ROUTE_SCOPES, isClassified, requiredScope, scopeCovers} from "../../electron/core/api/route-scopes.js";
import {createApiServer, type ApiServer} from "../../electron/core/api/server.js";
import {createFixtureCore, harnessOptions} from "../helpers/api-server.js";
import type {DesksideCore} from "../../electron/core/app-core.js";

let core: DesksideCore;
let dataDir: string;
let server: ApiServer;
const routes: {method: string; url: string}[] = [];

beforeAll(async () => {
  ({core, dataDir} = await createFixtureCore());
  server = createApiServer(core.api.services, harnessOptions(core));
  // Added before the server's plugins load, so it sees every route they register.
  server.app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({method, url: route.url});
  });
  await server.app.ready();
});
afterAll(async () => {
  await server?.close();
  await core?.close();
  if (dataDir) fs.rmSync(dataDir, {recursive: true, force: true});
});

describe("scopes", () => {
  it("classifies every contract method", () => {
    const missing = METHOD_NAMES.filter((name) => !Object.hasOwn(METHOD_SCOPES, name));
    expect(missing, "add these to METHOD_SCOPES in electron/core/api/route-scopes.ts").toEqual([]);
  });

  it("classifies every route that needs a token", () => {
    const api = routes.filter((r) => r.method !== "OPTIONS" && isApiPath(r.url.replace(/\*$/, "")));
    expect(api.length).toBeGreaterThan(METHOD_NAMES.length);
    const missing = api.filter((r) => !isClassified(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(missing, "add these to ROUTE_SCOPES in electron/core/api/route-scopes.ts").toEqual([]);
  });

  it("lets ask tokens chat and read their own data, and keeps everything else for admin", () => {
    for (const name of ["chat.send", "chat.list", "chat.get", "chat.feedback", "knowledge.search", "models.status"]) expect(METHOD_SCOPES[name], name).toBe("ask");
    for (const name of ["settings.update", "apiTokens.create", "models.load", "models.download", "knowledge.upload", "knowledge.delete", "chat.saveToKnowledge"]) expect(METHOD_SCOPES[name], name).toBe("admin");
    expect(requiredScope("POST", "/rpc/:method", "chat.send")).toBe("ask");
    expect(requiredScope("POST", "/rpc/:method", "no.such.method")).toBe("admin");
    expect(requiredScope("POST", "/rpc/:method", "constructor")).toBe("admin");
    expect(requiredScope("POST", "/rpc/chat.get")).toBe("ask");
    expect(requiredScope("HEAD", "/v1/models")).toBe("ask");
    expect(requiredScope("GET", "/api/some-new-route")).toBe("admin");
    expect(ROUTE_SCOPES["GET /metrics"]).toBe("admin");
    expect(scopeCovers("ask", "admin")).toBe(false);
    expect(scopeCovers("admin", "ask")).toBe(true);
  });
});
