import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {FIXTURE_EMBEDDER_DIR} from "../helpers/fixtures.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";

/**
 * Requests that arrive while the model loads, against `npm run serve`. The fixture model loads in a
 * moment, so DESKSIDE_TEST_LOAD_DELAY_MS holds each load open first (node-llama-cpp itself is real).
 */
const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop("SIGKILL");
});

async function serve(env: Record<string, string>): Promise<ServeProcess> {
  const started = await startServe({env});
  running.push(started);
  return started;
}

/** A models folder with the embedding model only, plus the given files. */
function modelsFolder(files: Record<string, Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-models-"));
  fs.symlinkSync(FIXTURE_EMBEDDER_DIR, path.join(dir, path.basename(FIXTURE_EMBEDDER_DIR)));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function post(s: ServeProcess, route: string, body: unknown): Promise<Response> {
  return fetch(`${s.url}${route}`, {method: "POST", headers: {authorization: `Bearer ${s.token}`, "content-type": "application/json"}, body: JSON.stringify(body)});
}

const ASK = {model: "llama-2-tiny-random.gguf", messages: [{role: "user", content: "hello"}], max_tokens: 8};

describe("requests while the model loads (npm run serve)", () => {
  it("a request sent right after the listening line waits for the load and is answered", async () => {
    const s = await serve({DESKSIDE_TEST_LOAD_DELAY_MS: "3000"});
    const health = await (await fetch(`${s.url}/health`)).json();
    expect(health).toMatchObject({status: "loading", ready: false, model_load: {state: "loading", error: null}});
    expect(health.model_load.progress).toBeGreaterThanOrEqual(0);
    const ready = await fetch(`${s.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("5");
    expect(await ready.json()).toMatchObject({status: "loading", ready: false});

    const [chat, helpdesk] = await Promise.all([post(s, "/v1/chat/completions", ASK), post(s, "/api/chat", {message: "VPN error 809 after update"})]);
    expect(chat.status).toBe(200);
    const completion = await chat.json();
    expect(completion.object).toBe("chat.completion");
    expect(completion.usage.completion_tokens).toBeGreaterThan(0);
    expect(helpdesk.status).toBe(200);
    // Answered by the model once loaded, not in retrieval-only mode because it was loading.
    expect((await helpdesk.json()).mode).not.toBe("retrieval-only");

    const after = await (await fetch(`${s.url}/health`)).json();
    expect(after).toMatchObject({status: "ok", ready: true, model_load: {state: "loaded", progress: null, error: null}});
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
  });

  it("past the wait limit, a request during a long load gets 503 model_loading with Retry-After", async () => {
    const s = await serve({DESKSIDE_TEST_LOAD_DELAY_MS: "60000"});
    const update = await post(s, "/rpc/settings.update", {api: {modelWaitMs: 300}});
    expect(update.status).toBe(200);

    const started = Date.now();
    const chat = await post(s, "/v1/chat/completions", ASK);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(chat.status).toBe(503);
    expect(chat.headers.get("retry-after")).toBe("5");
    expect((await chat.json()).error).toMatchObject({type: "server_error", code: "model_loading", param: null});

    const streamed = await post(s, "/v1/chat/completions", {...ASK, stream: true});
    expect(streamed.status).toBe(503);
    expect(streamed.headers.get("content-type")).toMatch(/application\/json/);
    expect((await streamed.json()).error.code).toBe("model_loading");

    const helpdesk = await post(s, "/api/chat", {message: "printer offline"});
    expect(helpdesk.status).toBe(503);
    expect(helpdesk.headers.get("retry-after")).toBe("5");
    expect((await helpdesk.json()).error.code).toBe("MODEL_LOADING");

    // Liveness stays 200 throughout.
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it("a client that gives up stops waiting; the server keeps answering", async () => {
    const s = await serve({DESKSIDE_TEST_LOAD_DELAY_MS: "60000"});
    const controller = new AbortController();
    const pending = fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: {authorization: `Bearer ${s.token}`, "content-type": "application/json"},
      body: JSON.stringify(ASK),
      signal: controller.signal,
    }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).model_load.state).toBe("loading");
  });

  it("with no model to load, a request is a 4xx model_not_loaded, not model_loading", async () => {
    const s = await serve({DESKSIDE_MODELS_DIR: modelsFolder()});
    // Sent at once: start-up may still be looking for a model, which is waited for.
    const chat = await post(s, "/v1/chat/completions", ASK);
    expect(chat.status).toBe(409);
    expect(chat.headers.get("retry-after")).toBeNull();
    expect((await chat.json()).error).toMatchObject({type: "invalid_request_error", code: "model_not_loaded"});
    // Answered only once start-up had settled on no model: retrieval-only, ready.
    const ready = await fetch(`${s.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({status: "retrieval-only", ready: true, model: null, model_load: {state: "none"}});
    expect(await (await fetch(`${s.url}/health`)).json()).toMatchObject({status: "degraded", ready: false, model_load: {state: "none", error: null}});
  });

  it("a load that fails hands its error to the requests waiting for it", async () => {
    const broken = Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 0x5a)]);
    const s = await serve({DESKSIDE_MODELS_DIR: modelsFolder({"broken.gguf": broken}), DESKSIDE_MODEL: "broken.gguf", DESKSIDE_TEST_LOAD_DELAY_MS: "1500"});
    expect((await (await fetch(`${s.url}/health`)).json()).model_load.state).toBe("loading");
    const [chat, helpdesk] = await Promise.all([post(s, "/v1/chat/completions", ASK), post(s, "/api/chat", {message: "printer offline"})]);
    expect(chat.status).toBe(422);
    const error = (await chat.json()).error;
    expect(error).toMatchObject({type: "invalid_request_error", code: "model_invalid"});
    expect(error.message).toMatch(/broken\.gguf/);
    expect(helpdesk.status).toBe(422);
    expect((await helpdesk.json()).error.code).toBe("MODEL_INVALID");

    const health = await (await fetch(`${s.url}/health`)).json();
    expect(health.model_load).toEqual({state: "none", progress: null, error: "MODEL_INVALID"});
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
    // Not waiting any more: later requests get the plain "no model" answer at once.
    const later = await post(s, "/v1/chat/completions", ASK);
    expect(later.status).toBe(409);
  });
});
