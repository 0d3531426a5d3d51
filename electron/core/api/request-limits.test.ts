import {describe, expect, it} from "vitest";
import {defaultSettings} from "../../../shared/settings.js";
import {ApiError} from "./http-errors.js";
import {scanJsonShape} from "./json-body.js";
import {toGenerateOptions, toMaxTokens} from "./openai-format.js";
import {BODY_LIMITS, CHAT_LIMITS, EMBEDDING_LIMITS} from "./request-limits.js";
import {chatCompletionRequest, embeddingsRequest} from "./schemas.js";

function apiError(run: () => unknown): ApiError | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof ApiError ? error : null;
  }
}

describe("JSON body shape, measured before parsing", () => {
  it("counts nesting and members the way JSON.parse would see them", () => {
    expect(scanJsonShape('{"a":[1,2,{"b":null}],"c":"x"}')).toEqual({depth: 3, values: 6, exceeded: null});
    expect(scanJsonShape("[]")).toEqual({depth: 1, values: 0, exceeded: null});
    expect(scanJsonShape("[[],[[]]]")).toMatchObject({depth: 3, values: 3});
    expect(scanJsonShape('"just a string"')).toMatchObject({depth: 0, values: 0});
    // Brackets, commas and escaped quotes inside strings are text.
    expect(scanJsonShape(JSON.stringify({text: '[[[{{{ , , \\" \\\\"', more: ["]]]"]}))).toMatchObject({depth: 2, values: 3});
    expect(scanJsonShape(' { "a" : [ true , false ] } ')).toMatchObject({depth: 2, values: 3});
  });

  it("stops at the first limit passed: 100,000 levels or a million members", () => {
    const started = performance.now();
    expect(scanJsonShape("[".repeat(100_000) + "]".repeat(100_000))).toMatchObject({exceeded: "depth", depth: BODY_LIMITS.maxDepth + 1});
    expect(scanJsonShape(`[${"0,".repeat(1_000_000)}0]`)).toMatchObject({exceeded: "values", values: BODY_LIMITS.maxValues + 1});
    expect(performance.now() - started).toBeLessThan(500);
    expect(scanJsonShape("[".repeat(BODY_LIMITS.maxDepth) + "]".repeat(BODY_LIMITS.maxDepth)).exceeded).toBeNull();
    expect(scanJsonShape(`[${"0,".repeat(BODY_LIMITS.maxValues - 1)}0]`).exceeded).toBeNull();
  });

  it("takes custom limits and never throws on broken text", () => {
    expect(scanJsonShape('{"a":{"b":1}}', {maxDepth: 1, maxValues: 10}).exceeded).toBe("depth");
    for (const broken of ['"unterminated', "]]]]", "{,,,,}", "\\", '["\\', "\u0000{"]) expect(() => scanJsonShape(broken)).not.toThrow();
  });
});

describe("max_tokens against the model's context", () => {
  it("refuses a value above the context with the limit in the message, and narrows the default", () => {
    const tooMany = apiError(() => toMaxTokens({max_tokens: 1_048_576}, 1024, 4096));
    expect(tooMany).toMatchObject({status: 400, code: "INVALID_INPUT", extra: {param: "max_tokens"}});
    expect(tooMany?.message).toContain("at most 4096");
    expect(apiError(() => toMaxTokens({max_completion_tokens: 4097}, 1024, 4096))?.extra.param).toBe("max_completion_tokens");
    expect(toMaxTokens({max_tokens: 4096}, 1024, 4096)).toBe(4096);
    expect(toMaxTokens({max_completion_tokens: 9, max_tokens: 20}, 1024, 4096)).toBe(9);
    expect(toMaxTokens({}, 32_768, 4096)).toBe(4096);
    expect(toMaxTokens({max_tokens: null}, 512, 4096)).toBe(512);
    // Context unknown (no local model, or a remote server that applies its own limit).
    expect(toMaxTokens({max_tokens: 100_000}, 1024, 0)).toBe(100_000);
  });

  it("leaves negative, zero and fractional values to the schema (400)", () => {
    for (const max_tokens of [-1, 0, 1.5, "12", Number.MAX_SAFE_INTEGER, CHAT_LIMITS.maxTokens + 1])
      expect(chatCompletionRequest.safeParse({model: "m", messages: [{role: "user", content: "x"}], max_tokens}).success, String(max_tokens)).toBe(false);
  });

  it("measures a response schema before anything else reads it", () => {
    let deep: Record<string, unknown> = {type: "string"};
    for (let i = 0; i < 5000; i++) deep = {type: "object", properties: {a: deep}};
    const body = chatCompletionRequest.parse({model: "m", messages: [{role: "user", content: "x"}], response_format: {type: "json_schema", json_schema: {name: "deep", schema: deep}}});
    const refused = apiError(() => toGenerateOptions(body, defaultSettings().generation, 4096));
    expect(refused).toMatchObject({status: 400, code: "SCHEMA_TOO_COMPLEX", extra: {param: "response_format.json_schema.schema"}});
    expect(refused?.message).toMatch(/nested deeper than 32 levels/);
  });
});

describe("message and input bounds", () => {
  const parse = (messages: unknown[]) => chatCompletionRequest.safeParse({model: "m", messages});

  it("needs content on every message but an assistant turn that called tools", () => {
    for (const role of ["user", "system", "developer", "tool", "assistant"]) {
      expect(parse([{role, content: null}]).success, `${role} null`).toBe(false);
      expect(parse([{role}]).success, `${role} missing`).toBe(false);
      expect(parse([{role, content: ""}]).success, `${role} empty string`).toBe(true);
    }
    const toolCall = {id: "call_1", type: "function", function: {name: "lookup", arguments: "{}"}};
    expect(parse([{role: "user", content: "hi"}, {role: "assistant", content: null, tool_calls: [toolCall]}, {role: "tool", content: "ok", tool_call_id: "call_1"}]).success).toBe(true);
    expect(parse([{role: "assistant", content: null, tool_calls: []}]).success).toBe(false);
    expect(parse([{role: "user", content: null, tool_calls: [toolCall]}]).success).toBe(false);
    const refused = parse([{role: "user", content: "ok"}, {role: "user", content: null}]);
    expect(refused.success || refused.error.issues[0].path.join(".")).toBe("messages.1.content");
  });

  it("bounds the number of messages and the characters of all of them", () => {
    expect(parse(Array.from({length: CHAT_LIMITS.maxMessages + 1}, () => ({role: "user", content: "x"}))).success).toBe(false);
    const half = "x".repeat(CHAT_LIMITS.maxTotalChars / 2);
    expect(parse([{role: "user", content: half}, {role: "assistant", content: half}]).success).toBe(true);
    expect(parse([{role: "user", content: half}, {role: "assistant", content: [{type: "text", text: half}]}, {role: "user", content: "x"}]).success).toBe(false);
  });

  it("bounds stop, n, names and embedding inputs", () => {
    const base = {model: "m", messages: [{role: "user", content: "x"}]};
    expect(chatCompletionRequest.safeParse({...base, stop: ["a", "b", "c", "d", "e"]}).success).toBe(false);
    expect(chatCompletionRequest.safeParse({...base, stop: "s".repeat(CHAT_LIMITS.maxStopChars + 1)}).success).toBe(false);
    expect(chatCompletionRequest.safeParse({...base, n: 2}).success).toBe(false);
    expect(chatCompletionRequest.safeParse({...base, model: "m".repeat(CHAT_LIMITS.maxNameChars + 1)}).success).toBe(false);
    expect(embeddingsRequest.safeParse({model: "e", input: Array.from({length: EMBEDDING_LIMITS.maxInputs + 1}, () => "a")}).success).toBe(false);
    const big = "w".repeat(EMBEDDING_LIMITS.maxInputChars);
    expect(embeddingsRequest.safeParse({model: "e", input: Array.from({length: EMBEDDING_LIMITS.maxTotalChars / EMBEDDING_LIMITS.maxInputChars + 1}, () => big)}).success).toBe(false);
    expect(embeddingsRequest.safeParse({model: "e", input: [big, big]}).success).toBe(true);
  });
});
