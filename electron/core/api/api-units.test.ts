import {describe, expect, it} from "vitest";
import {DesksideError} from "../../../shared/errors.js";
import {bearerToken, isPublicRequest, tokenMatches} from "./bearer-auth.js";
import {assertHostAllowed, isLoopbackHost, listenError} from "./host-policy.js";
import {ApiError, openaiErrorBody, toHttpError} from "./http-errors.js";
import {MethodRegistry} from "./method-registry.js";
import {scrubPaths} from "./path-scrub.js";
import {RateLimiter} from "./rate-limiter.js";
import {toChatMessages, toGenerateOptions, toSeed} from "./openai-format.js";
import {chatCompletionRequest} from "./schemas.js";
import {defaultSettings} from "../../../shared/settings.js";

describe("path scrubbing", () => {
  it("cuts local paths down to a file name and leaves URLs and routes alone", () => {
    expect(scrubPaths("No model at /home/alice/models/x.gguf; import one")).toBe("No model at x.gguf; import one");
    expect(scrubPaths("open '/home/alice/secret'")).toBe("open '<path>'");
    expect(scrubPaths("failed: C:\\Users\\Bob\\Docs\\vpn.docx")).toBe("failed: vpn.docx");
    expect(scrubPaths("see \\\\fileserver\\it\\runbook.pdf")).toBe("see runbook.pdf");
    expect(scrubPaths("file:///home/x/y.txt")).toBe("y.txt");
    expect(scrubPaths("reach http://127.0.0.1:3375/v1/models")).toBe("reach http://127.0.0.1:3375/v1/models");
    expect(scrubPaths("ratio 1/2 and a/b")).toBe("ratio 1/2 and a/b");
  });
});

describe("token bucket", () => {
  it("allows a minute's worth in a burst, then refills evenly", () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take("k").ok).toBe(true);
    const denied = limiter.take("k");
    expect(denied).toEqual({ok: false, retryAfterSeconds: 1});
    expect(limiter.take("other").ok).toBe(true);
    now += 1000;
    expect(limiter.take("k").ok).toBe(true);
    expect(limiter.take("k").ok).toBe(false);
  });
});

describe("auth helpers", () => {
  it("parses Bearer headers and compares tokens exactly", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc  ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abd", "abc")).toBe(false);
    expect(tokenMatches("ab", "abc")).toBe(false);
    expect(tokenMatches(null, "abc")).toBe(false);
    expect(tokenMatches("", "")).toBe(false);
  });

  it("keeps the API private and the page, docs and health public", () => {
    for (const p of ["/health", "/openapi.json", "/docs", "/docs/static/x.js", "/", "/assets/app.js", "/chat/12"]) expect(isPublicRequest("GET", p), p).toBe(true);
    for (const p of ["/v1/models", "/api/search", "/rpc/app.info", "/events", "/metrics", "/v1"]) expect(isPublicRequest("GET", p), p).toBe(false);
    expect(isPublicRequest("OPTIONS", "/v1/models")).toBe(true);
  });
});

describe("host policy", () => {
  it("treats only loopback as private", () => {
    for (const h of ["127.0.0.1", "127.5.5.5", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com"]) expect(isLoopbackHost(h), h).toBe(false);
    expect(() => assertHostAllowed("0.0.0.0", false)).toThrow(/Allow network access/);
    expect(() => assertHostAllowed("0.0.0.0", true)).not.toThrow();
  });

  it("words listen errors for a technician", () => {
    const inUse = listenError(Object.assign(new Error("x"), {code: "EADDRINUSE"}), "127.0.0.1", 3375);
    expect(inUse.code).toBe("PORT_IN_USE");
    expect(inUse.message).toMatch(/3375.*DESKSIDE_PORT.*Settings/);
    expect(listenError(Object.assign(new Error("x"), {code: "EADDRNOTAVAIL"}), "10.9.9.9", 1).code).toBe("SETTINGS_INVALID");
  });
});

describe("error mapping", () => {
  it("maps core, framework and unknown errors to status, code and a safe message", () => {
    expect(toHttpError(new DesksideError("BUSY", "All slots busy", {details: {retryAfterSeconds: 2}}))).toMatchObject({status: 429, code: "BUSY", retryAfterSeconds: 2});
    expect(toHttpError(new DesksideError("MODEL_NOT_FOUND", "No model at /home/a/m.gguf"))).toMatchObject({status: 404, message: "No model at m.gguf"});
    expect(toHttpError(Object.assign(new Error("big"), {code: "FST_ERR_CTP_BODY_TOO_LARGE", statusCode: 413}))).toMatchObject({status: 413, code: "PAYLOAD_TOO_LARGE"});
    expect(toHttpError(Object.assign(new SyntaxError("Unexpected token } in JSON"), {statusCode: 400}))).toMatchObject({status: 400, code: "INVALID_INPUT"});
    const unknown = toHttpError(new TypeError("Cannot read properties of undefined (reading 'x') at /srv/app.js:1"));
    expect(unknown).toMatchObject({status: 500, code: "INTERNAL", internal: true});
    expect(unknown.message).not.toContain("/srv");
    expect(toHttpError({code: "NOT_FOUND", message: "gone"})).toMatchObject({status: 404, code: "NOT_FOUND"});
    expect(openaiErrorBody(toHttpError(new ApiError(401, "UNAUTHORIZED", "no")))).toEqual({error: {message: "no", type: "authentication_error", param: null, code: "unauthorized"}});
  });
});

describe("405 registry", () => {
  it("matches parametric routes and lists their methods", () => {
    const registry = new MethodRegistry();
    registry.add("/api/sessions/:id", ["GET", "HEAD"]);
    registry.add("/api/sessions/:id", "DELETE");
    registry.add("/rpc/chat.send", "POST");
    registry.add("/*", "GET");
    expect(registry.allowed("/api/sessions/abc")).toEqual(["DELETE", "GET", "HEAD"]);
    expect(registry.allowed("/rpc/chat.send")).toEqual(["POST"]);
    expect(registry.allowed("/rpc/chatXsend")).toEqual([]);
    expect(registry.allowed("/anything")).toEqual([]);
  });
});

describe("OpenAI request mapping", () => {
  it("turns request fields into generation options with the app's defaults", () => {
    const defaults = defaultSettings().generation;
    const body = chatCompletionRequest.parse({model: "m", messages: [{role: "developer", content: "be brief"}, {role: "user", content: [{type: "text", text: "a"}, {type: "text", text: "b"}]}], max_completion_tokens: 9, stop: "END", seed: -5, response_format: {type: "json_object"}});
    expect(toChatMessages(body.messages)).toEqual([{role: "system", content: "be brief"}, {role: "user", content: "a\nb"}]);
    expect(toGenerateOptions(body, defaults)).toMatchObject({maxTokens: 9, stop: ["END"], seed: 5, jsonObject: true, temperature: defaults.temperature, topP: defaults.topP});
    expect(toSeed(2 ** 40 + 3)).toBe(3);
    const schema = chatCompletionRequest.parse({model: "m", messages: [{role: "user", content: "x"}], response_format: {type: "json_schema", json_schema: {name: "t", schema: {type: "object"}}}});
    expect(toGenerateOptions(schema, defaults).jsonSchema).toEqual({type: "object"});
    expect(chatCompletionRequest.safeParse({model: "m", messages: [{role: "user", content: "x"}], n: 2}).success).toBe(false);
  });

  it("takes llama.cpp's top_k and repeat_penalty and OpenAI's penalties; without them, the app's defaults and no penalty", () => {
    const defaults = defaultSettings().generation;
    const tuned = chatCompletionRequest.parse({model: "m", messages: [{role: "user", content: "x"}], top_k: 5, repeat_penalty: 1, frequency_penalty: 0.5, presence_penalty: -0.2});
    expect(toGenerateOptions(tuned, defaults)).toMatchObject({topK: 5, repeatPenalty: 1, frequencyPenalty: 0.5, presencePenalty: -0.2});
    const plain = toGenerateOptions(chatCompletionRequest.parse({model: "m", messages: [{role: "user", content: "x"}]}), defaults);
    expect(plain).toMatchObject({topK: defaults.topK, repeatPenalty: defaults.repeatPenalty});
    expect(plain.frequencyPenalty).toBeUndefined();
    expect(chatCompletionRequest.safeParse({model: "m", messages: [{role: "user", content: "x"}], repeat_penalty: 0.5}).success).toBe(false);
  });
});
