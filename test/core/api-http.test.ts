import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createApiServer} from "../../electron/core/api/server.js";
import {harnessOptions, readSse, startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;
const json = {"content-type": "application/json"};

beforeAll(async () => {
  h = await startApiHarness({bodyLimitBytes: 16 * 1024, heartbeatMs: 200});
});
afterAll(async () => {
  await h?.close();
});

function modelId(): string {
  return h.core.engine.status().model!.id;
}

/** A raw request, so headers fetch would normalize (or refuse) can be sent as they are. */
function rawRequest(url: string, options: http.RequestOptions, body?: string | Buffer): Promise<{status: number; headers: http.IncomingHttpHeaders; body: string}> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: data}));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("authentication", () => {
  it("needs the Bearer token on API routes and compares it exactly", async () => {
    for (const route of ["/v1/models", "/api/documents", "/metrics", "/events"]) {
      const none = await h.call(route, {auth: false});
      expect(none.status, route).toBe(401);
      const wrong = await h.call(route, {auth: `${h.token}x`});
      expect(wrong.status, route).toBe(401);
    }
    const body = await (await h.call("/api/documents", {auth: false})).json();
    expect(body).toEqual({error: {code: "UNAUTHORIZED", message: expect.stringContaining("Bearer")}});
    const rpc = await h.call("/rpc/models.status", {method: "POST", auth: false});
    expect(rpc.status).toBe(401);
    expect((await h.call("/v1/models", {headers: {authorization: `Basic ${h.token}`}})).status).toBe(401);
    expect((await h.call("/v1/models", {headers: {authorization: `bearer ${h.token}`}})).status).toBe(200);
  });

  it("serves /health, /openapi.json, /docs and / without a token", async () => {
    const health = await h.call("/health", {auth: false});
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({status: "ok", ready: true, model: modelId(), gpu: {backend: "cpu"}, documents: 0, sessions: 0, version: h.core.version});
    expect((await h.call("/openapi.json", {auth: false})).status).toBe(200);
    const docs = await h.call("/docs", {auth: false});
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger");
    const root = await h.call("/", {auth: false});
    expect(root.status).toBe(200);
    expect(await root.text()).toContain("npm run build:renderer");
  });

  it("accepts the token as ?token= on /events only", async () => {
    expect((await h.call(`/v1/models?token=${h.token}`, {auth: false})).status).toBe(401);
    const controller = new AbortController();
    const events = await h.call(`/events?token=${encodeURIComponent(h.token)}`, {auth: false, signal: controller.signal});
    expect(events.status).toBe(200);
    controller.abort();
  });
});

describe("error shapes and status codes", () => {
  it("404 for unknown routes, 405 with Allow for a wrong method", async () => {
    const missing = await h.call("/api/nothing-here");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({error: {code: "NOT_FOUND", message: expect.any(String)}});
    const openaiMissing = await h.call("/v1/nothing");
    expect(openaiMissing.status).toBe(404);
    expect((await openaiMissing.json()).error).toMatchObject({type: "not_found_error", code: "not_found"});

    const wrong = await h.call("/v1/chat/completions");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await wrong.json()).error).toMatchObject({type: "invalid_request_error", code: "method_not_allowed", param: null});
    const del = await h.call("/health", {method: "DELETE"});
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toContain("GET");
    const sessions = await h.call("/api/sessions/abc", {method: "POST", headers: json, body: "{}"});
    expect(sessions.status).toBe(405);
    expect(sessions.headers.get("allow")).toBe("DELETE, GET, HEAD");
  });

  it("400 for malformed JSON and schema violations, 415 for other content types, 413 past the body limit", async () => {
    const malformed = await h.call("/api/search", {method: "POST", headers: json, body: '{"query": "vpn",'});
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({error: {code: "INVALID_INPUT", message: "The request body is not valid JSON."}});
    const empty = await h.call("/api/search", {method: "POST", headers: json});
    expect(empty.status).toBe(400);
    const invalid = await h.call("/api/search", {method: "POST", headers: json, body: JSON.stringify({query: 5, top_k: 1e308})});
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.message).toMatch(/query/);
    const extra = await h.call("/api/search", {method: "POST", headers: json, body: JSON.stringify({query: "vpn", surprise: 1})});
    expect(extra.status).toBe(400);

    const text = await h.call("/api/search", {method: "POST", headers: {"content-type": "text/plain"}, body: "vpn"});
    expect(text.status).toBe(415);
    const xml = await h.call("/v1/chat/completions", {method: "POST", headers: {"content-type": "application/xml"}, body: "<a/>"});
    expect(xml.status).toBe(415);
    expect((await xml.json()).error.type).toBe("invalid_request_error");
    const form = new FormData();
    form.set("query", "vpn");
    expect((await h.call("/api/search", {method: "POST", body: form})).status).toBe(415);
    expect((await h.call("/api/documents", {method: "POST", headers: json, body: "{}"})).status).toBe(415);

    const big = await h.call("/api/search", {method: "POST", headers: json, body: JSON.stringify({query: "x".repeat(20 * 1024)})});
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    const bigOpenAi = await h.call("/v1/chat/completions", {method: "POST", headers: json, body: JSON.stringify({model: "m", messages: [{role: "user", content: "x".repeat(20 * 1024)}]})});
    expect(bigOpenAi.status).toBe(413);
    expect((await bigOpenAi.json()).error).toMatchObject({type: "invalid_request_error", code: "payload_too_large"});
  });

  it("never shows stack traces or local paths", async () => {
    const secret = path.join(os.homedir(), "very-private-folder", "models", "missing.gguf");
    const response = await h.call("/rpc/models.load", {method: "POST", headers: json, body: JSON.stringify({model: secret})});
    const text = await response.text();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(text).not.toContain("very-private-folder");
    expect(text).not.toContain(os.homedir());
    expect(text).not.toMatch(/\n\s+at /);
    const body = JSON.parse(text);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe("MODEL_NOT_FOUND");
  });

  it("answers /rpc with the RpcResponse shape and the error's status", async () => {
    const ok = await h.call("/rpc/models.status", {method: "POST"});
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ok: true, result: {state: "loaded"}});
    const invalid = await h.call("/rpc/chat.get", {method: "POST", headers: json, body: JSON.stringify({id: 7})});
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ok: false, error: {code: "INVALID_INPUT"}});
    const unknown = await h.call("/rpc/no.such", {method: "POST", headers: json, body: "{}"});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ok: false, error: {code: "UNKNOWN_METHOD"}});
    const notFound = await h.call("/rpc/chat.get", {method: "POST", headers: json, body: JSON.stringify({id: "nope"})});
    expect(notFound.status).toBe(404);
  });
});

describe("limits", () => {
  it("rate-limits per token with 429 and Retry-After", async () => {
    const limited = await startApiHarness({rateLimitPerMinute: 3}, {core: h.core, dataDir: h.dataDir});
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.call("/v1/models")).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const response = await limited.call("/api/documents");
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await response.json()).error.code).toBe("RATE_LIMITED");
      // Health needs no token and is not counted.
      expect((await limited.call("/health", {auth: false})).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("stops a request at its deadline with 503 and frees the generation slot", async () => {
    const slow = await startApiHarness({requestTimeoutMs: 300}, {core: h.core, dataDir: h.dataDir});
    try {
      const started = performance.now();
      const response = await slow.call("/v1/chat/completions", {method: "POST", headers: json, body: JSON.stringify({model: modelId(), messages: [{role: "user", content: "hi"}], max_tokens: h.core.engine.contextSize()})});
      expect(response.status).toBe(503);
      expect((await response.json()).error).toMatchObject({type: "server_error", code: "timeout"});
      expect(performance.now() - started).toBeLessThan(3000);
      const deadline = performance.now() + 1000;
      while (h.core.engine.status().queue.active > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(h.core.engine.status().queue.active).toBe(0);
    } finally {
      await slow.close();
    }
  });
});

describe("CORS", () => {
  it("is off by default: no Access-Control headers, preflight not answered", async () => {
    const response = await h.call("/v1/models", {headers: {origin: "http://evil.example"}});
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await rawRequest(`${h.url}/v1/models`, {method: "OPTIONS", headers: {origin: "http://evil.example", "access-control-request-method": "GET"}});
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("allows only the listed origins", async () => {
    const withCors = await startApiHarness({corsOrigins: ["http://tickets.local"]}, {core: h.core, dataDir: h.dataDir});
    try {
      const preflight = await rawRequest(`${withCors.url}/v1/chat/completions`, {
        method: "OPTIONS",
        headers: {origin: "http://tickets.local", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"},
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers["access-control-allow-origin"]).toBe("http://tickets.local");
      expect(String(preflight.headers["access-control-allow-headers"]).toLowerCase()).toContain("authorization");
      const allowed = await withCors.call("/v1/models", {headers: {origin: "http://tickets.local"}});
      expect(allowed.headers.get("access-control-allow-origin")).toBe("http://tickets.local");
      // Errors carry the header too, so the page can read why it failed.
      const denied = await withCors.call("/v1/models", {auth: false, headers: {origin: "http://tickets.local"}});
      expect(denied.status).toBe(401);
      expect(denied.headers.get("access-control-allow-origin")).toBe("http://tickets.local");
      const other = await withCors.call("/v1/models", {headers: {origin: "http://evil.example"}});
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});

describe("binding", () => {
  it("reports a port in use as PORT_IN_USE and says how to pick another", async () => {
    const port = Number(new URL(h.url).port);
    const second = createApiServer(h.core.api.services, harnessOptions(h.core, {port}));
    const error = await second.listen().catch((e) => e);
    expect(error.code).toBe("PORT_IN_USE");
    expect(error.message).toContain(String(port));
    expect(error.message).toContain("DESKSIDE_PORT");
    expect(error.message).toContain("Settings");
    await second.close();
  });

  it("refuses a non-loopback host unless LAN access is allowed", async () => {
    const lan = createApiServer(h.core.api.services, harnessOptions(h.core, {host: "0.0.0.0"}));
    const error = await lan.listen().catch((e) => e);
    expect(error.code).toBe("SETTINGS_INVALID");
    expect(error.message).toMatch(/network/);
    expect(lan.app.server.listening).toBe(false);
    await lan.close();
  });
});

describe("operations", () => {
  it("exposes Prometheus metrics", async () => {
    await h.call("/v1/chat/completions", {method: "POST", headers: json, body: JSON.stringify({model: modelId(), messages: [{role: "user", content: "hi"}], max_tokens: 5})});
    const response = await h.call("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(/deskside_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} \d+/);
    expect(text).toContain("# TYPE deskside_http_request_duration_seconds histogram");
    expect(text).toMatch(/deskside_generated_tokens_total\{endpoint="v1.chat.completions"\} [1-9]/);
    expect(text).toMatch(/deskside_time_to_first_token_seconds_count\{endpoint="v1.chat.completions"\} [1-9]/);
    expect(text).toMatch(/deskside_engine_queue_depth\{state="active"\} 0/);
    expect(text).toContain("deskside_imported_files_total");
  });

  it("publishes a valid OpenAPI 3.1 document generated from the request schemas", async () => {
    const spec = await (await h.call("/openapi.json", {auth: false})).json();
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({type: "http", scheme: "bearer"});
    for (const p of ["/v1/chat/completions", "/v1/embeddings", "/v1/models", "/api/chat", "/api/search", "/api/documents", "/api/sessions/{id}", "/api/jobs/{id}", "/api/tickets/draft", "/health", "/metrics", "/rpc/chat.send", "/events"])
      expect(spec.paths[p], p).toBeDefined();
    const chat = spec.paths["/v1/chat/completions"].post;
    const body = chat.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["model", "messages"]));
    expect(body.properties.max_tokens).toBeDefined();
    expect(spec.paths["/api/documents"].post.requestBody.content["multipart/form-data"]).toBeDefined();
    expect(spec.paths["/rpc/chat.send"].post.requestBody.content["application/json"].schema.properties.message).toBeDefined();
    expect(spec.paths["/health"].get.security).toEqual([]);
    expect(spec.paths["/api/sessions/{id}"].get.parameters[0]).toMatchObject({name: "id", in: "path", required: true});
    // Every operation documents at least one response and no schema leaked a zod object.
    for (const [p, item] of Object.entries<Record<string, {responses: object}>>(spec.paths)) for (const op of Object.values(item)) expect(Object.keys(op.responses ?? {}).length, p).toBeGreaterThan(0);
    expect(JSON.stringify(spec)).not.toContain("_zod");
  });

  it("serves the Swagger UI's own assets (works offline)", async () => {
    const index = await (await h.call("/docs", {auth: false})).text();
    const scripts = [...index.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(index).not.toMatch(/src="https?:\/\//);
    for (const script of scripts) {
      const url = new URL(script, `${h.url}/docs`);
      expect((await fetch(url)).status, script).toBe(200);
    }
    const init = await (await h.call("/docs/static/swagger-initializer.js", {auth: false})).text();
    expect(init).toContain("validatorUrl: null");
  });

  it("streams core events on /events with heartbeats", async () => {
    const controller = new AbortController();
    const response = await h.call("/events", {signal: controller.signal});
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    setTimeout(() => h.core.events.emit("app.notice", {level: "info", code: "TEST", message: "hello"}), 50);
    const reader = response.body!.getReader();
    let raw = "";
    const deadline = performance.now() + 3000;
    while (!(raw.includes("event: app.notice") && raw.includes(": ping")) && performance.now() < deadline) raw += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(raw).toContain(`event: app.notice\ndata: {"level":"info","code":"TEST","message":"hello"}`);
    expect(raw).toContain(": ping");
  });
});

describe("shutdown", () => {
  it("closes promptly while an event stream and a generation are open", async () => {
    const other = await startApiHarness({}, {core: h.core, dataDir: h.dataDir});
    const events = await other.call("/events");
    const reader = events.body!.getReader();
    await reader.read();
    const generation = other.call("/v1/chat/completions", {method: "POST", headers: json, body: JSON.stringify({model: modelId(), messages: [{role: "user", content: "hi"}], max_tokens: h.core.engine.contextSize(), stream: true})});
    const stream = (await generation).body!.getReader();
    await stream.read();
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(2000);
    const deadline = performance.now() + 1000;
    while (h.core.engine.status().queue.active > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(h.core.engine.status().queue.active).toBe(0);
  });
});

describe("renderer", () => {
  it("serves the built renderer with SPA fallback and keeps the API out of it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-renderer-"));
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Deskside UI</title>");
    fs.writeFileSync(path.join(dir, "assets", "app.js"), "console.log('ui')");
    fs.mkdirSync(path.join(dir, "api"));
    fs.writeFileSync(path.join(dir, "api", "leak.txt"), "should not be served");
    const ui = await startApiHarness({rendererDir: dir}, {core: h.core, dataDir: h.dataDir});
    try {
      expect(await (await ui.call("/", {auth: false})).text()).toContain("Deskside UI");
      const asset = await ui.call("/assets/app.js", {auth: false});
      expect(asset.status).toBe(200);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      const deep = await ui.call("/chat/123", {auth: false, headers: {accept: "text/html"}});
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain("Deskside UI");
      expect((await ui.call("/assets/missing.js", {auth: false})).status).toBe(404);
      expect((await ui.call("/api/leak.txt")).status).toBe(404);
      expect((await ui.call("/api/leak.txt", {auth: false})).status).toBe(401);
      expect((await ui.call("/v1/models")).status).toBe(200);
    } finally {
      await ui.close();
      fs.rmSync(dir, {recursive: true, force: true});
    }
  });
});

describe("SSE helper sanity", () => {
  it("reads a helpdesk stream to its done event", async () => {
    const response = await h.call("/api/chat", {method: "POST", headers: json, body: JSON.stringify({message: "VPN error 809", stream: true})});
    expect(response.status).toBe(200);
    const events = await readSse(response);
    expect(events.at(-1)!.event).toBe("done");
    expect(JSON.parse(events.at(-1)!.data).session_id).toBeTypeOf("string");
  });
});
