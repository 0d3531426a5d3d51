import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {RemoteEngine} from "./remote-engine.js";
import {EngineRouter} from "./engine-router.js";
import {LocalEngine} from "./local-engine.js";
import {closedPort, startOpenAIStandIn, type StandIn} from "../../../test/helpers/openai-stand-in.js";
import {FIXTURE_GGUF, FIXTURE_MODELS_DIR} from "../../../test/helpers/fixtures.js";

const ASK = [{role: "system" as const, content: "Be brief."}, {role: "user" as const, content: "VPN error 809?"}];
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startOpenAIStandIn();
});
afterAll(() => standIn.close());

describe("RemoteEngine", () => {
  it("streams from an OpenAI-compatible server and reports usage", async () => {
    standIn.mode = "ok";
    const engine = new RemoteEngine({baseUrl: standIn.url, apiKey: "k1", model: "remote-model"});
    const chunks: string[] = [];
    const result = await engine.generate(ASK, {maxTokens: 50, temperature: 0.2, stop: ["###"], onText: (t) => chunks.push(t)});
    expect(result.text).toBe(standIn.reply);
    expect(chunks.length).toBeGreaterThan(3);
    expect(result).toMatchObject({engine: "remote", finishReason: "stop", usage: {promptTokens: 11}});
    const sent = standIn.requests.at(-1)!;
    expect(sent.headers.authorization).toBe("Bearer k1");
    expect(sent.body).toMatchObject({model: "remote-model", max_tokens: 50, stop: ["###"], stream: true});
    expect(await engine.listRemoteModels()).toEqual(["remote-model"]);
  });

  it("passes a JSON schema as response_format and accepts non-streamed answers", async () => {
    standIn.mode = "json";
    const engine = new RemoteEngine({baseUrl: standIn.url, model: "remote-model"});
    const result = await engine.generate(ASK, {jsonSchema: {type: "object"}});
    expect(result.text).toBe(standIn.reply);
    expect(standIn.requests.at(-1)!.body.response_format).toMatchObject({type: "json_schema", json_schema: {schema: {type: "object"}}});
  });

  it("turns a server error into REMOTE_ERROR with the server's message", async () => {
    standIn.mode = "error";
    const engine = new RemoteEngine({baseUrl: standIn.url, model: "remote-model"});
    await expect(engine.generate(ASK)).rejects.toMatchObject({code: "REMOTE_ERROR", message: expect.stringContaining("model crashed")});
  });

  it("retries a refused connection, then reports REMOTE_UNREACHABLE", async () => {
    const port = await closedPort();
    let calls = 0;
    const counting: typeof fetch = (...args) => {
      calls++;
      return fetch(...args);
    };
    const engine = new RemoteEngine({baseUrl: `http://127.0.0.1:${port}/v1`, model: "m", retries: 2, fetch: counting});
    await expect(engine.generate(ASK)).rejects.toMatchObject({code: "REMOTE_UNREACHABLE"});
    expect(calls).toBe(3);
    expect(engine.status().remote?.reachable).toBe(false);
  });

  it("times out a server that never answers", async () => {
    standIn.mode = "hang";
    const engine = new RemoteEngine({baseUrl: standIn.url, model: "m", timeoutMs: 1000, retries: 0});
    await expect(engine.generate(ASK)).rejects.toMatchObject({code: "REMOTE_UNREACHABLE", message: expect.stringMatching(/did not answer/)});
  });
});

describe("EngineRouter fallback", () => {
  it("local then remote: uses the remote when no local model is loaded", async () => {
    standIn.mode = "ok";
    const local = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
    const remote = new RemoteEngine({baseUrl: standIn.url, model: "remote-model"});
    const router = new EngineRouter(() => [local, remote]);
    expect((await router.generate(ASK)).engine).toBe("remote");
    await local.load({model: FIXTURE_GGUF, threads: 1, sequences: 1, contextSize: 1024});
    expect((await router.generate(ASK, {maxTokens: 5})).engine).toBe("local");
    await local.dispose();
  });

  it("remote then local: falls back when the remote server is down, and surfaces request errors", async () => {
    const port = await closedPort();
    const local = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
    await local.load({model: FIXTURE_GGUF, threads: 1, sequences: 1, contextSize: 1024});
    const remote = new RemoteEngine({baseUrl: `http://127.0.0.1:${port}/v1`, model: "m", retries: 0});
    const router = new EngineRouter(() => [remote, local]);
    expect((await router.generate(ASK, {maxTokens: 5})).engine).toBe("local");
    await expect(router.generate([])).rejects.toMatchObject({code: "INVALID_INPUT"});
    await local.dispose();
  });
});
