import fs from "node:fs";
import net from "node:net";
import {closedPort} from "../helpers/openai-stand-in.js";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startApi, type RunningApi} from "../../electron/core/api/start-api.js";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {createFixtureCore} from "../helpers/api-server.js";

let core: DesksideCore;
let dataDir: string;
let api: RunningApi;
let token: string;

/** Whether a new TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Reads a response body in the background, keeping every `data:` line and when the body ended. */
function follow(response: Response) {
  const state = {data: [] as string[], events: [] as string[], ended: null as number | null, error: null as unknown};
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const done = (async () => {
    try {
      for (;;) {
        const {value, done: finished} = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, {stream: true});
        let index: number;
        while ((index = buffer.indexOf("\n")) !== -1) {
          const line = buffer.slice(0, index);
          buffer = buffer.slice(index + 1);
          if (line.startsWith("data: ")) state.data.push(line.slice(6));
          if (line.startsWith("event: ")) state.events.push(line.slice(7));
        }
      }
    } catch (error) {
      state.error = error;
    }
    state.ended = performance.now();
  })();
  return {state, done, cancel: () => reader.cancel().catch(() => undefined)};
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function call(base: string, route: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return fetch(`${base}${route}`, {...init, headers});
}

/** A streamed completion long enough (about a second on the fixture model) to span a settings change. */
function stream(base: string): Promise<Response> {
  const model = core.engine.status().model!.id;
  return call(base, "/v1/chat/completions", {
    method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({model, messages: [{role: "user", content: "VPN error 809"}], max_tokens: 1200, temperature: 1, stream: true}),
  });
}

beforeAll(async () => {
  ({core, dataDir} = await createFixtureCore({api: {port: await closedPort(), rateLimitPerMinute: 10_000}}));
  token = core.settings.effective().api.token;
  api = await startApi(core.api, {rendererDir: null});
}, 120_000);

afterAll(async () => {
  await api?.close();
  await core?.close();
  fs.rmSync(dataDir, {recursive: true, force: true});
});

describe("API settings applied live", () => {
  it("a new rate limit applies to the next request, while an event stream and a generation stream stay open", async () => {
    const url = api.url;
    const events = follow(await call(url, "/events"));
    const completion = follow(await stream(url));
    await until(() => completion.state.data.length > 0);

    core.settings.update({api: {rateLimitPerMinute: 2}});
    await api.settled();
    expect(api.url).toBe(url);

    // The event stream is still open: it carries the change itself.
    await until(() => events.state.events.includes("settings.changed"));
    expect(events.state.ended).toBeNull();

    // The bucket shrinks to the new limit: two more requests, then 429.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(url, "/v1/models")).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await call(url, "/v1/models");
    expect((await limited.json()).error.message).toContain("More than 2 requests a minute");

    // The generation that was running finishes whole.
    await completion.done;
    expect(completion.state.error).toBeNull();
    expect(completion.state.data.at(-1)).toBe("[DONE]");
    expect(completion.state.data.some((line) => line.includes('"finish_reason":"length"'))).toBe(true);
    expect(events.state.ended).toBeNull();
    await events.cancel();
    core.settings.update({api: {rateLimitPerMinute: 10_000}});
    await api.settled();
  }, 60_000);

  it("a new port binds at once; the old listener takes no new connections and closes once its stream has finished", async () => {
    const oldUrl = api.url;
    const oldPort = Number(new URL(oldUrl).port);
    const events = follow(await call(oldUrl, "/events"));
    const completion = follow(await stream(oldUrl));
    await until(() => completion.state.data.length > 0);

    const newPort = await closedPort();
    core.settings.update({api: {port: newPort}});
    await api.settled();
    const switched = performance.now();
    expect(api.url).toBe(`http://127.0.0.1:${newPort}`);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    expect(core.api.status.current().url).toBe(api.url);

    // The old port is released for new connections, but the stream on it carries on.
    expect(await accepts(oldPort)).toBe(false);
    expect(completion.state.ended).toBeNull();
    const seenAtSwitch = completion.state.data.length;

    await completion.done;
    expect(completion.state.error).toBeNull();
    expect(completion.state.ended!).toBeGreaterThan(switched);
    expect(completion.state.data.length).toBeGreaterThan(seenAtSwitch);
    expect(completion.state.data.at(-1)).toBe("[DONE]");

    // Once the last stream has finished, the old listener closes, ending its event stream too.
    await events.done;
    expect(events.state.ended!).toBeGreaterThanOrEqual(completion.state.ended!);
    expect(await accepts(oldPort)).toBe(false);

    // The new listener serves the API as before.
    expect((await call(api.url, "/v1/models")).status).toBe(200);
  }, 60_000);

  it("turning the API off closes the listener, turning it on again binds the configured port", async () => {
    const port = Number(new URL(api.url).port);
    core.settings.update({api: {enabled: false}});
    await api.settled();
    expect(api.url).toBe("");
    await until(() => core.api.status.current().url === null);
    expect(await accepts(port)).toBe(false);
    core.settings.update({api: {enabled: true}});
    await api.settled();
    expect(api.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  }, 30_000);
});
