import OpenAI from "openai";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {FIXTURE_GGUF} from "../helpers/fixtures.js";
import {readSse, startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;
let client: OpenAI;
let modelId: string;

beforeAll(async () => {
  h = await startApiHarness();
  client = new OpenAI({apiKey: h.token, baseURL: `${h.url}/v1`, maxRetries: 0, timeout: 60_000});
  modelId = h.core.engine.status().model!.id;
});
afterAll(async () => {
  await h?.close();
});

const ask = [{role: "user" as const, content: "Outlook keeps asking for my password. What should I check?"}];

async function waitForIdle(timeoutMs = 2000): Promise<number> {
  const started = performance.now();
  while (h.core.engine.status().queue.active > 0 && performance.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 10));
  return performance.now() - started;
}

describe("OpenAI-compatible API through the official openai client", () => {
  it("lists the loaded model and deskside-rag", async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual([modelId, "deskside-rag"]);
    expect(modelId).toBe("llama-2-tiny-random.gguf");
    const one = await client.models.retrieve("deskside-rag");
    expect(one.id).toBe("deskside-rag");
  });

  it("answers a non-streaming completion with usage and honours max_tokens and seed", async () => {
    const a = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 12, temperature: 0.9, seed: 7});
    const b = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 12, temperature: 0.9, seed: 7});
    expect(a.object).toBe("chat.completion");
    expect(a.model).toBe(modelId);
    expect(a.choices).toHaveLength(1);
    expect(a.choices[0].message.role).toBe("assistant");
    expect(a.choices[0].message.content!.length).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(a.choices[0].finish_reason);
    expect(a.usage!.completion_tokens).toBeGreaterThan(0);
    expect(a.usage!.completion_tokens).toBeLessThanOrEqual(12);
    expect(a.usage!.prompt_tokens).toBeGreaterThan(5);
    expect(a.usage!.total_tokens).toBe(a.usage!.prompt_tokens + a.usage!.completion_tokens);
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    // The same prompt again is taken from the model's context (OpenAI's prompt-caching field), counted whole.
    expect(b.usage!.prompt_tokens).toBe(a.usage!.prompt_tokens);
    expect(b.usage!.prompt_tokens_details?.cached_tokens).toBeGreaterThan(a.usage!.prompt_tokens - 3);
    const viaNewName = await client.chat.completions.create({model: modelId, messages: ask, max_completion_tokens: 3, seed: 1});
    expect(viaNewName.usage!.completion_tokens).toBeLessThanOrEqual(3);
  });

  it("streams chunks in OpenAI's format: role first, content deltas, finish reason, usage, [DONE]", async () => {
    const stream = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 30, seed: 3, stream: true, stream_options: {include_usage: true}});
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(["stop", "length"]).toContain(finish!.choices[0].finish_reason);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage!.completion_tokens).toBeGreaterThan(0);
    // The same request without streaming gives the same text (same seed).
    const whole = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 30, seed: 3});
    expect(text).toBe(whole.choices[0].message.content);
  });

  it("ends the raw stream with data: [DONE] and honours stop sequences", async () => {
    const response = await h.call("/v1/chat/completions", {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({model: modelId, messages: ask, max_tokens: 8, stream: true, stop: ["zzzz-never"]}),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const raw = await response.text();
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(raw).not.toContain('"usage"');
  });

  it("returns JSON that parses and matches a json_schema response format", async () => {
    const schema = {
      type: "object",
      properties: {urgent: {type: "boolean"}, category: {type: "string", enum: ["network", "email", "hardware"]}, attempts: {type: "integer", minimum: 0, maximum: 9}},
      required: ["urgent", "category", "attempts"],
      additionalProperties: false,
    };
    const out = await client.chat.completions.create({
      model: modelId,
      messages: [{role: "user", content: "Classify: VPN drops every hour."}],
      max_tokens: 200,
      seed: 5,
      response_format: {type: "json_schema", json_schema: {name: "triage", schema, strict: true}},
    });
    const parsed = JSON.parse(out.choices[0].message.content!);
    expect(typeof parsed.urgent).toBe("boolean");
    expect(["network", "email", "hardware"]).toContain(parsed.category);
    expect(Number.isInteger(parsed.attempts)).toBe(true);
    const object = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 400, seed: 2, response_format: {type: "json_object"}});
    if (object.choices[0].finish_reason === "stop") expect(() => JSON.parse(object.choices[0].message.content!)).not.toThrow();
  });

  it("embeds strings and arrays with 100-dimensional vectors (float and the SDK's default base64)", async () => {
    const single = await client.embeddings.create({model: "any", input: "reset my password"});
    expect(single.data).toHaveLength(1);
    expect(single.data[0].embedding).toHaveLength(100);
    expect(single.usage.prompt_tokens).toBeGreaterThan(0);
    const batch = await client.embeddings.create({model: "any", input: ["reset my password", "forgot my login credentials", "printer is out of paper"], encoding_format: "float"});
    expect(batch.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, c] = batch.data.map((d) => d.embedding as number[]);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
    // base64 (what the SDK asks for by default) decodes to the same floats.
    expect(single.data[0].embedding[0]).toBeCloseTo(a[0], 5);
    await expect(client.embeddings.create({model: "any", input: "x", dimensions: 8})).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("maps errors to the SDK's classes: wrong key → AuthenticationError, bad input → BadRequestError", async () => {
    const wrong = new OpenAI({apiKey: "dsk_wrong", baseURL: `${h.url}/v1`, maxRetries: 0});
    const error = await wrong.models.list().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.error).toMatchObject({type: "authentication_error", code: "unauthorized"});
    const bad = await client.chat.completions.create({model: modelId, messages: [], max_tokens: 5}).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.error.param).toBe("messages");
    const image = await client.chat.completions
      .create({model: modelId, messages: [{role: "user", content: [{type: "image_url", image_url: {url: "data:image/png;base64,AAAA"}}]}]})
      .catch((e) => e);
    expect(image).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("with one generation slot and no queue", () => {
  beforeAll(async () => {
    await h.core.localEngine.load({model: FIXTURE_GGUF, threads: 1, sequences: 1, queueLimit: 0, contextSize: 2048});
  });

  it("answers BUSY as 429 with Retry-After (RateLimitError), and a client that leaves frees the slot at once", async () => {
    const controller = new AbortController();
    // As long an answer as the context allows, so it is still running while the others ask.
    const holder = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: h.core.engine.contextSize(), temperature: 1, stream: true}, {signal: controller.signal});
    const iterator = holder[Symbol.asyncIterator]();
    await iterator.next();
    expect(h.core.engine.status().queue.active).toBe(1);

    const busy = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 5}).catch((e) => e);
    expect(busy).toBeInstanceOf(OpenAI.RateLimitError);
    expect(busy.status).toBe(429);
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(busy.error).toMatchObject({type: "rate_limit_error", code: "busy"});

    const streamBusy = await h.call("/v1/chat/completions", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({model: modelId, messages: ask, stream: true})});
    expect(streamBusy.status).toBe(429);
    expect(streamBusy.headers.get("retry-after")).not.toBeNull();

    controller.abort();
    const waited = await waitForIdle();
    expect(h.core.engine.status().queue.active).toBe(0);
    expect(waited).toBeLessThan(1000);
    const after = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: 3});
    expect(after.choices[0].message.content).toBeTypeOf("string");
  });

  it("frees the slot when a raw HTTP client disconnects mid-stream", async () => {
    const controller = new AbortController();
    const response = await h.call("/v1/chat/completions", {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({model: modelId, messages: ask, max_tokens: h.core.engine.contextSize(), temperature: 1, stream: true}),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    expect(h.core.engine.status().queue.active).toBe(1);
    controller.abort();
    const waited = await waitForIdle();
    expect(h.core.engine.status().queue.active).toBe(0);
    expect(waited).toBeLessThan(1000);
  });
});

describe("with one generation slot and a queue", () => {
  beforeAll(async () => {
    await h.core.localEngine.load({model: FIXTURE_GGUF, threads: 1, sequences: 1, queueLimit: 4, contextSize: 2048});
  });

  it("opens a waiting request's stream at once with its place in line, then streams the answer; SDKs see only the answer", async () => {
    const controller = new AbortController();
    const holder = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: h.core.engine.contextSize(), temperature: 1, stream: true}, {signal: controller.signal});
    await holder[Symbol.asyncIterator]().next();

    const body = (max: number) => JSON.stringify({model: modelId, messages: ask, max_tokens: max, stream: true});
    const waiting = await h.call("/v1/chat/completions", {method: "POST", headers: {"content-type": "application/json"}, body: body(4)});
    // Headers and the first bytes arrive while the slot is still taken.
    expect(waiting.status).toBe(200);
    expect(waiting.headers.get("x-deskside-queue")).toBe("1");
    const reader = waiting.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': deskside.queue {"position":1}');
    expect(h.core.engine.status().queue).toMatchObject({active: 1, waiting: 1});
    // Through the SDK the same wait is invisible: the chunks are the answer's.
    const viaSdk = client.chat.completions.create({model: modelId, messages: ask, max_tokens: 4, stream: true});

    controller.abort();
    let rest = first;
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toMatch(/"role":"assistant"/);
    expect(rest.indexOf("deskside.queue")).toBeLessThan(rest.indexOf('"role":"assistant"'));
    expect(rest).toContain("data: [DONE]");
    const chunks: unknown[] = [];
    for await (const c of await viaSdk) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it("tells a help-desk chat stream (/api/chat) its place in line with `event: queue`, then the tokens", async () => {
    const controller = new AbortController();
    const holder = await client.chat.completions.create({model: modelId, messages: ask, max_tokens: h.core.engine.contextSize(), temperature: 1, stream: true}, {signal: controller.signal});
    await holder[Symbol.asyncIterator]().next();
    // Nothing in this knowledge base answers it; "general" mode lets the model answer anyway.
    h.core.settings.update({retrieval: {answerMode: "general"}});
    const response = await h.call("/api/chat", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({message: "The print spooler is stuck, what now?", stream: true})});
    expect(response.status).toBe(200);
    const seen: string[] = [];
    const events = await readSse(response, (event) => {
      seen.push(event.event);
      if (event.event === "queue") controller.abort();
    });
    expect(events.find((e) => e.event === "queue")?.data, JSON.stringify(events).slice(0, 600)).toBe('{"position":1}');
    expect(seen.indexOf("queue")).toBeLessThan(seen.indexOf("token"));
    expect(seen.at(-1)).toBe("done");
    h.core.settings.update({retrieval: {answerMode: "strict"}});
  });
});
