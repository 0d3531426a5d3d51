/**
 * What the API token alone may not do: change who can reach Deskside, read secrets or local folders,
 * or guess at the token without limit. The real core behind the real HTTP server; IPC is the
 * dispatcher called with the transport the desktop shell passes.
 */
import fs from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {AppInfo, SettingsView} from "../../shared/contract.js";
import {readSse, startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

async function rpc(method: string, input: unknown = {}): Promise<{status: number; body: {ok: boolean; result?: unknown; error?: {code: string; message: string; details?: Record<string, unknown>}}; text: string}> {
  const response = await h.call(`/rpc/${method}`, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(input)});
  const text = await response.text();
  return {status: response.status, body: JSON.parse(text), text};
}

const ipc = {transport: "ipc"} as const;
const stored = () => JSON.parse(fs.readFileSync(path.join(h.dataDir, "settings.json"), "utf8"));

describe("network exposure settings change only locally", () => {
  it("refuses the probe's update over HTTP with 403 SETTING_LOCAL_ONLY and applies nothing of it", async () => {
    const before = stored();
    const probe = await rpc("settings.update", {api: {allowLan: true, host: "0.0.0.0", corsOrigins: ["*"]}, retrieval: {topK: 3}});
    expect(probe.status).toBe(403);
    expect(probe.body).toMatchObject({ok: false, error: {code: "SETTING_LOCAL_ONLY", details: {settings: ["api.host", "api.allowLan", "api.corsOrigins"]}}});
    expect(probe.body.error?.message).toMatch(/only be changed on the computer running Deskside.*Nothing in this request was applied/);
    expect(stored()).toEqual(before);
    expect(h.core.settings.effective().retrieval.topK).toBe(before.retrieval.topK);
  });

  it("refuses the token and the knowledge store location over HTTP, in any form", async () => {
    const token = h.core.settings.effective().api.token;
    for (const patch of [{api: {token: "dsk_mine"}}, {api: {token}}, {api: null}, {knowledge: {storeUri: "s3://elsewhere/kb"}}]) {
      const answer = await rpc("settings.update", patch);
      expect(answer.status, JSON.stringify(patch)).toBe(403);
      expect(answer.body.error?.code).toBe("SETTING_LOCAL_ONLY");
    }
    expect((await rpc("settings.regenerateToken")).status).toBe(403);
    const reveal = await rpc("settings.apiToken");
    expect(reveal.status).toBe(403);
    expect(reveal.text).not.toContain(token);
    expect(h.core.settings.effective().api.token).toBe(token);
    expect((await h.call("/v1/models")).status).toBe(200);
  });

  it("lets HTTP change everything else, and send back what it read unchanged", async () => {
    const view = (await rpc("settings.get")).body.result as SettingsView;
    const answer = await rpc("settings.update", {api: {port: view.settings.api.port, allowLan: view.settings.api.allowLan, corsOrigins: view.settings.api.corsOrigins}, generation: {maxTokens: 77}});
    expect(answer.status).toBe(200);
    expect(h.core.settings.effective().generation.maxTokens).toBe(77);
  });

  it("lets the desktop app (IPC) change them, and an HTTP reset keeps them", async () => {
    await h.core.rpc.call("settings.update", {api: {corsOrigins: ["https://helpdesk.example.com"], allowLan: true}}, ipc);
    expect(h.core.settings.effective().api).toMatchObject({corsOrigins: ["https://helpdesk.example.com"], allowLan: true});
    const reset = await rpc("settings.reset");
    expect(reset.status).toBe(200);
    expect(h.core.settings.effective().api).toMatchObject({corsOrigins: ["https://helpdesk.example.com"], allowLan: true});
    expect(h.core.settings.effective().generation.maxTokens).toBe(1024);
    await h.core.rpc.call("settings.reset", undefined, ipc);
    expect(h.core.settings.effective().api).toMatchObject({corsOrigins: [], allowLan: false});
    const {token} = await h.core.rpc.call("settings.apiToken", undefined, ipc);
    expect(token).toBe(h.token);
  });

  it("never lets HTTP send the stored remote key to a new address", async () => {
    await h.core.rpc.call("settings.update", {llm: {remote: {baseUrl: "http://gpu.example:8080/v1", apiKey: "sk-remote-kept"}}}, ipc);
    const moved = await rpc("settings.update", {llm: {remote: {baseUrl: "http://attacker.example/v1"}}});
    expect(moved.status).toBe(403);
    expect(h.core.settings.effective().llm.remote).toMatchObject({baseUrl: "http://gpu.example:8080/v1", apiKey: "sk-remote-kept"});
    expect((await rpc("settings.update", {llm: {remote: {baseUrl: "http://other.example/v1", apiKey: ""}}})).status).toBe(200);
    await h.core.rpc.call("settings.reset", undefined, ipc);
  });
});

describe("secrets and local folders never leave over HTTP", () => {
  it("answers settings and app info without the token, the remote key or the data folder", async () => {
    const token = h.core.settings.effective().api.token;
    const set = await rpc("settings.update", {llm: {remote: {apiKey: "sk-remote-write-only"}}});
    expect(set.status).toBe(200);
    expect(h.core.settings.effective().llm.remote.apiKey).toBe("sk-remote-write-only");
    const answers = [set, await rpc("settings.get"), await rpc("app.info"), await rpc("app.completeFirstRun"), await rpc("settings.reset")];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      for (const leak of [token, "sk-remote-write-only", h.dataDir]) expect(answer.text).not.toContain(leak);
    }
    const view = answers[1].body.result as SettingsView;
    expect(view.secrets).toEqual({"api.token": {set: true}, "llm.remote.apiKey": {set: true}, "knowledge.objectStore.secretAccessKey": {set: false}});
    expect(view.settings.api).not.toHaveProperty("token");
    expect(view.settings.llm.remote).not.toHaveProperty("apiKey");
    expect(view.dataDir).toBe("<path>");
    expect((answers[2].body.result as AppInfo).dataDir).toBe("<path>");
    // The desktop app still gets the folder (and, on request, the token) over IPC.
    expect((await h.core.rpc.call("app.info", undefined, ipc)).dataDir).toBe(h.dataDir);
  });

  it("announces settings changes on /events without secrets or folders", async () => {
    const token = h.core.settings.effective().api.token;
    const controller = new AbortController();
    const stream = await h.call("/events", {signal: controller.signal});
    setTimeout(() => h.core.settings.update({llm: {remote: {apiKey: "sk-remote-event"}}}), 100);
    const events = await readSse(stream, (event) => event.event === "settings.changed");
    controller.abort();
    const changed = events.find((event) => event.event === "settings.changed")!;
    for (const leak of [token, "sk-remote-event", h.dataDir]) expect(changed.data).not.toContain(leak);
    expect(JSON.parse(changed.data).secrets["llm.remote.apiKey"]).toEqual({set: true});
  });

  it.skipIf(process.platform === "win32")("keeps the settings file owner-only", () => {
    expect(fs.statSync(path.join(h.dataDir, "settings.json")).mode & 0o777).toBe(0o600);
  });
});

describe("wrong tokens are limited per client address", () => {
  const from = (remoteAddress: string, token: string) => h.server.app.inject({method: "GET", url: "/v1/models", remoteAddress, headers: {authorization: `Bearer ${token}`}});

  it("answers 429 with Retry-After after 10 wrong tokens in a minute, for that address only", async () => {
    for (let i = 0; i < 10; i++) expect((await from("10.0.0.5", `dsk_guess_${i}`)).statusCode).toBe(401);
    const limited = await from("10.0.0.5", "dsk_guess_10");
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(50);
    expect(limited.json()).toMatchObject({error: {type: "rate_limit_error", message: expect.stringMatching(/wrong API token from this address/)}});
    // While it waits, even the right token is not checked: a different answer would confirm a guess.
    expect((await from("10.0.0.5", h.token)).statusCode).toBe(429);

    // Other clients are not affected, whether right or wrong.
    expect((await from("10.0.0.6", h.token)).statusCode).toBe(200);
    expect((await from("10.0.0.6", "dsk_wrong")).statusCode).toBe(401);
    expect((await h.call("/v1/models")).status).toBe(200);
    // The public routes stay open to the waiting client.
    expect((await h.server.app.inject({method: "GET", url: "/health", remoteAddress: "10.0.0.5"})).statusCode).toBe(200);
  });

  it("never counts requests with the right token, nor ones without a token", async () => {
    for (let i = 0; i < 30; i++) expect((await from("10.0.0.7", h.token)).statusCode).toBe(200);
    for (let i = 0; i < 15; i++) expect((await h.server.app.inject({method: "GET", url: "/v1/models", remoteAddress: "10.0.0.7"})).statusCode).toBe(401);
    for (let i = 0; i < 9; i++) expect((await from("10.0.0.7", "dsk_wrong")).statusCode).toBe(401);
    expect((await from("10.0.0.7", h.token)).statusCode).toBe(200);
  });
});
