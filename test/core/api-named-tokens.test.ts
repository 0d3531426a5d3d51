/**
 * Named API tokens on a server a team shares: each person's token has a scope, owns the
 * conversations it starts, has its own rate limit and its own lines in /metrics. The real core and
 * HTTP server on the fixture models; tokens are managed the way the desktop app (IPC) and
 * `npm run tokens` manage them.
 */
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {CreatedApiToken} from "../../shared/api-tokens.js";
import {createFixtureCore, readSse, startApiHarness, type ApiHarness} from "../helpers/api-server.js";
import {printedToken, runTokensCli} from "../helpers/tokens-cli.js";

const json = {"content-type": "application/json"};
const ipc = {transport: "ipc"} as const;

const VPN = `# VPN error 809

Error 809 means the VPN connection was blocked by a firewall or NAT device between the laptop and the VPN gateway.
Ask the user to try another network such as a phone hotspot, then check that UDP 500 and 4500 are open.
`;

let h: ApiHarness;
let alice: CreatedApiToken;
let bob: CreatedApiToken;
let documentId: string;

function call(token: string, route: string, init: RequestInit = {}): Promise<Response> {
  return h.call(route, {...init, auth: token});
}
function post(token: string, route: string, body: unknown = {}): Promise<Response> {
  return call(token, route, {method: "POST", headers: json, body: JSON.stringify(body)});
}
async function rpc(token: string, method: string, input: unknown = {}): Promise<{status: number; body: {ok: boolean; result?: any; error?: {code: string; message: string}}}> {
  const response = await post(token, `/rpc/${method}`, input);
  return {status: response.status, body: await response.json()};
}
async function ask(token: string, message: string, sessionId?: string): Promise<{session_id: string; reply: string}> {
  const response = await post(token, "/api/chat", {message, ...(sessionId && {session_id: sessionId})});
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

/** `npm run tokens -- …` against the harness's data folder, while the server runs. */
const tokensCli = (...args: string[]) => runTokensCli(h.dataDir, ...args);

beforeAll(async () => {
  // Answers from the model's own knowledge when nothing matches, so every question generates tokens.
  h = await startApiHarness({}, await createFixtureCore({generation: {maxTokens: 24}, retrieval: {answerMode: "general"}}));
  alice = await h.core.rpc.call("apiTokens.create", {name: "alice", scope: "ask"}, ipc);
  bob = await h.core.rpc.call("apiTokens.create", {name: "bob", scope: "ask"}, ipc);
  const form = new FormData();
  form.append("file", new Blob([VPN], {type: "text/markdown"}), "vpn-809.md");
  const upload = await h.call("/api/documents", {method: "POST", body: form});
  expect(upload.status).toBe(202);
  const {job_id} = await upload.json();
  for (let job = await (await h.call(`/api/jobs/${job_id}`)).json(); job.state === "running"; job = await (await h.call(`/api/jobs/${job_id}`)).json())
    await new Promise((resolve) => setTimeout(resolve, 100));
  documentId = (await (await h.call("/api/documents")).json()).documents[0].id;
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(h?.dataDir ?? "", {recursive: true, force: true});
});

describe("creating and storing named tokens", () => {
  it("keeps only each token's SHA-256 in settings.json and shows the value once", () => {
    const stored = fs.readFileSync(path.join(h.dataDir, "settings.json"), "utf8");
    for (const token of [alice, bob]) {
      expect(token.value).toMatch(/^dsk_[A-Za-z0-9_-]{43}$/);
      expect(stored).not.toContain(token.value);
      expect(stored).toContain(createHash("sha256").update(token.value).digest("hex"));
    }
    const records = JSON.parse(stored).api.tokens;
    expect(records.map((t: {name: string; scope: string}) => [t.name, t.scope])).toEqual([
      ["alice", "ask"],
      ["bob", "ask"],
    ]);
    expect(Object.keys(records[0]).sort()).toEqual(["createdAt", "hash", "id", "name", "rateLimitPerMinute", "scope"]);
  });

  it("lists tokens to the owner over HTTP without values or hashes, and refuses to create or revoke them there", async () => {
    const list = await rpc(h.token, "apiTokens.list");
    expect(list.status).toBe(200);
    expect(list.body.result.map((t: {name: string}) => t.name)).toEqual(["alice", "bob"]);
    expect(Object.keys(list.body.result[0]).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "rateLimitPerMinute", "scope"]);
    const settings = await rpc(h.token, "settings.get");
    expect(settings.body.result.settings.api).not.toHaveProperty("tokens");

    for (const [method, input] of [
      ["apiTokens.create", {name: "mallory", scope: "admin"}],
      ["apiTokens.revoke", {name: "alice"}],
      ["settings.update", {api: {tokens: []}}],
    ] as const) {
      const refused = await rpc(h.token, method, input);
      expect(refused.status, method).toBe(403);
      expect(refused.body.error?.code, method).toBe("SETTING_LOCAL_ONLY");
    }
    expect((await h.core.rpc.call("apiTokens.list", undefined, ipc)).map((t) => t.name)).toEqual(["alice", "bob"]);
    // A reset from the desktop app keeps who may use the API.
    await h.core.rpc.call("settings.reset", undefined, ipc);
    expect((await h.core.rpc.call("apiTokens.list", undefined, ipc)).map((t) => t.name)).toEqual(["alice", "bob"]);
    await h.core.rpc.call("settings.update", {generation: {maxTokens: 24}, retrieval: {answerMode: "general"}}, ipc);
  });
});

describe("the ask scope", () => {
  it("chats, searches, lists models and reads cited passages", async () => {
    expect((await call(alice.value, "/v1/models")).status).toBe(200);
    const search = await post(alice.value, "/api/search", {query: "error 809 firewall"});
    expect(search.status).toBe(200);
    expect((await search.json()).hits.length).toBeGreaterThan(0);
    expect((await call(alice.value, `/api/documents/${documentId}/text`)).status).toBe(200);
    expect((await rpc(alice.value, "knowledge.search", {query: "VPN 809"})).status).toBe(200);
    expect((await rpc(alice.value, "models.status")).status).toBe(200);
    const model = h.core.engine.status().model!.id;
    const completion = await post(alice.value, "/v1/chat/completions", {model, messages: [{role: "user", content: "hello"}], max_tokens: 8});
    expect(completion.status).toBe(200);
    const reply = await ask(alice.value, "The VPN says error 809");
    expect(reply.session_id).toBeTruthy();
  });

  it("gets 403 FORBIDDEN_SCOPE for imports, deletes, settings, models and metrics, before anything runs", async () => {
    const form = new FormData();
    form.append("file", new Blob(["# x\n\nsome text"], {type: "text/markdown"}), "x.md");
    const attempts: [string, Promise<Response>][] = [
      ["upload", call(alice.value, "/api/documents", {method: "POST", body: form})],
      ["upload one file", call(alice.value, "/api/documents/x.md", {method: "PUT", headers: {"content-type": "application/octet-stream"}, body: "text"})],
      ["list documents", call(alice.value, "/api/documents")],
      ["delete document", call(alice.value, `/api/documents/${documentId}`, {method: "DELETE"})],
      ["delete collection", call(alice.value, "/api/collections/anything", {method: "DELETE"})],
      ["model upload", call(alice.value, "/api/models/x.gguf", {method: "PUT", headers: {"content-type": "application/octet-stream"}, body: "GGUF"})],
      ["metrics", call(alice.value, "/metrics")],
      ["settings.get", post(alice.value, "/rpc/settings.get")],
      ["settings.update", post(alice.value, "/rpc/settings.update", {generation: {maxTokens: 1}})],
      ["models.load", post(alice.value, "/rpc/models.load", {model: "x.gguf"})],
      ["models.unload", post(alice.value, "/rpc/models.unload")],
      ["models.download", post(alice.value, "/rpc/models.download", {url: "https://huggingface.co/x/y.gguf"})],
      ["knowledge.upload", post(alice.value, "/rpc/knowledge.upload", {files: [{name: "x.md", dataBase64: "eA=="}]})],
      ["knowledge.delete", post(alice.value, "/rpc/knowledge.delete", {id: documentId})],
      ["chat.saveToKnowledge", post(alice.value, "/rpc/chat.saveToKnowledge", {conversationId: "x"})],
      ["apiTokens.list", post(alice.value, "/rpc/apiTokens.list")],
      ["an unknown method", post(alice.value, "/rpc/no.such.method")],
      ["a prototype name", post(alice.value, "/rpc/constructor")],
    ];
    for (const [what, attempt] of attempts) {
      const response = await attempt;
      expect(response.status, what).toBe(403);
      const body = await response.json();
      expect(body.error.code, what).toBe("FORBIDDEN_SCOPE");
      expect(body.error.message, what).toMatch(/\(alice\) has the "ask" scope.*needs an "admin" token/);
    }
    // Nothing happened: the document is still there, the settings unchanged, nothing uploaded.
    expect((await (await h.call("/api/documents")).json()).documents.map((d: {id: string}) => d.id)).toEqual([documentId]);
    expect(h.core.settings.effective().generation.maxTokens).toBe(24);
    // An unknown method is still 404 for the owner: the scope check does not hide real answers from admins.
    expect((await post(h.token, "/rpc/no.such.method")).status).toBe(404);
  });
});

describe("conversations belong to the token that made them", () => {
  let mine: {session_id: string};
  let mineAnswerId: string;
  let alices: {session_id: string};

  beforeAll(async () => {
    mine = await ask(h.token, "The printer in room 12 is offline");
    mineAnswerId = (await (await h.call(`/api/sessions/${mine.session_id}`)).json()).messages.at(-1).id;
    alices = await ask(alice.value, "Outlook keeps asking for the password");
  });

  it("lists and searches only the caller's own conversations", async () => {
    const list = async (token: string) => (await (await call(token, "/api/sessions")).json()).sessions.map((s: {session_id: string}) => s.session_id);
    expect(await list(h.token)).toEqual([mine.session_id]);
    expect(await list(alice.value)).toContain(alices.session_id);
    expect(await list(alice.value)).not.toContain(mine.session_id);
    expect(await list(bob.value)).toEqual([]);
    expect((await rpc(alice.value, "chat.list", {query: "printer"})).body.result).toEqual([]);
    expect((await rpc(alice.value, "chat.list", {query: "outlook"})).body.result.map((c: {id: string}) => c.id)).toEqual([alices.session_id]);
    expect((await h.core.rpc.call("chat.list", {query: "outlook"}, ipc)).map((c) => c.id)).toEqual([]);
  });

  it("answers 404, never 403, for another person's conversation by id, however it is reached", async () => {
    const id = mine.session_id;
    const attempts: [string, Promise<Response>][] = [
      ["GET session", call(alice.value, `/api/sessions/${id}`)],
      ["DELETE session", call(alice.value, `/api/sessions/${id}`, {method: "DELETE"})],
      ["reset session", post(alice.value, `/api/sessions/${id}/reset`)],
      ["ticket", post(alice.value, "/api/tickets/draft", {session_id: id})],
      ["continue it", post(alice.value, "/api/chat", {message: "me too", session_id: id})],
      ["chat.get", post(alice.value, "/rpc/chat.get", {id})],
      ["chat.rename", post(alice.value, "/rpc/chat.rename", {id, title: "taken"})],
      ["chat.delete", post(alice.value, "/rpc/chat.delete", {id})],
      ["chat.reset", post(alice.value, "/rpc/chat.reset", {id})],
      ["chat.export", post(alice.value, "/rpc/chat.export", {id})],
      ["chat.send", post(alice.value, "/rpc/chat.send", {conversationId: id, message: "hello"})],
      ["chat.stop", post(alice.value, "/rpc/chat.stop", {conversationId: id})],
      ["chat.regenerate", post(alice.value, "/rpc/chat.regenerate", {conversationId: id})],
      ["chat.editLast", post(alice.value, "/rpc/chat.editLast", {conversationId: id, message: "edited"})],
      ["chat.feedback", post(alice.value, "/rpc/chat.feedback", {messageId: mineAnswerId, rating: "down"})],
      ["chat.draftTicket", post(alice.value, "/rpc/chat.draftTicket", {conversationId: id})],
      ["the owner reading alice's", call(h.token, `/api/sessions/${alices.session_id}`)],
    ];
    const unknown = await (await call(alice.value, "/api/sessions/no-such-session")).json();
    for (const [what, attempt] of attempts) {
      const response = await attempt;
      expect(response.status, what).toBe(404);
      const body = await response.json();
      expect(body.error.code, what).toBe("NOT_FOUND");
      // The same sentence as for an id that does not exist: nothing confirms the id.
      if (what.includes("session") || what.startsWith("chat.get")) expect(body.error.message, what).toBe(unknown.error.message);
    }
    const kept = await (await h.call(`/api/sessions/${id}`)).json();
    expect(kept.title).toBe("The printer in room 12 is offline");
    expect(kept.messages).toHaveLength(2);
    expect(kept.messages.at(-1).id).toBe(mineAnswerId);
    expect((await h.core.rpc.call("chat.get", {id}, ipc)).messages.at(-1)?.feedback).toBeNull();
  });

  it("keeps conversations from before named tokens with the owner (main token and desktop app)", async () => {
    expect((await h.core.rpc.call("chat.get", {id: mine.session_id}, ipc)).id).toBe(mine.session_id);
    expect((await h.core.rpc.call("chat.get", {id: alices.session_id}, ipc).catch((error: {code: string}) => error.code))).toBe("NOT_FOUND");
  });
});

/** Reads an event stream in the background until `stop()`. */
function collect(route: string, auth: string | false) {
  const controller = new AbortController();
  const events: {event: string; data: string}[] = [];
  const opened = h.call(route, {auth, signal: controller.signal});
  const done = opened.then((response) => readSse(response, (event) => void events.push(event))).catch(() => undefined);
  return {
    events,
    opened,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const isFinal = (event: {event: string; data: string}, sessionId: string) =>
  event.event === "chat.message" && event.data.includes(sessionId) && event.data.includes('"role":"assistant"') && !event.data.includes('"status":"streaming"');

async function until(condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("/events", () => {
  it("sends each person the events of their own conversations only, and the rest to admin tokens only", async () => {
    const streams = {
      alice: collect(`/events?token=${encodeURIComponent(alice.value)}`, false),
      bob: collect("/events", bob.value),
      owner: collect("/events", h.token),
    };
    for (const stream of Object.values(streams)) expect((await stream.opened).status).toBe(200);

    // The owner asks first, then alice: her stream ends after her own answer, so anything of the
    // owner's would have reached it before.
    const mine = await ask(h.token, "Wi-Fi drops every five minutes in the warehouse");
    await h.core.rpc.call("settings.update", {generation: {topK: 41}}, ipc);
    const hers = await ask(alice.value, "My laptop will not dock");
    await until(() => streams.alice.events.some((e) => isFinal(e, hers.session_id)) && streams.owner.events.some((e) => isFinal(e, mine.session_id)));
    // Time for anything that should not come to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const stream of Object.values(streams)) await stream.stop();

    const text = (events: {event: string; data: string}[]) => events.map((e) => `${e.event} ${e.data}`).join("\n");
    const aliceText = text(streams.alice.events);
    expect(streams.alice.events.some((e) => e.event === "chat.token")).toBe(true);
    for (const event of streams.alice.events) expect(event.event, event.data).toMatch(/^chat\./);
    expect(aliceText).toContain(hers.session_id);
    expect(aliceText).not.toContain(mine.session_id);
    expect(aliceText).not.toContain("Wi-Fi");

    expect(streams.bob.events).toEqual([]);

    const ownerText = text(streams.owner.events);
    expect(ownerText).toContain(mine.session_id);
    expect(streams.owner.events.some((e) => e.event === "settings.changed")).toBe(true);
    expect(ownerText).not.toContain(hers.session_id);
    expect(ownerText).not.toContain("dock");
    for (const leak of [alice.value, bob.value, createHash("sha256").update(alice.value).digest("hex")]) expect(ownerText).not.toContain(leak);
  });
});

describe("revoking", () => {
  it("refuses a token revoked in the desktop app on its very next request", async () => {
    const carol = await h.core.rpc.call("apiTokens.create", {name: "carol", scope: "admin"}, ipc);
    expect((await call(carol.value, "/api/documents")).status).toBe(200);
    await h.core.rpc.call("apiTokens.revoke", {name: "carol"}, ipc);
    const refused = await call(carol.value, "/api/documents");
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("ends an open event stream of a token when it is revoked", async () => {
    const frank = await h.core.rpc.call("apiTokens.create", {name: "frank", scope: "admin"}, ipc);
    const controller = new AbortController();
    const stream = await h.call("/events", {auth: frank.value, signal: controller.signal});
    expect(stream.status).toBe(200);
    const ended = readSse(stream).then(() => "ended");
    await h.core.rpc.call("apiTokens.revoke", {name: "frank"}, ipc);
    const outcome = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve("still open"), 5000))]);
    controller.abort();
    expect(outcome).toBe("ended");
    expect((await h.call(`/events?token=${encodeURIComponent(frank.value)}`, {auth: false})).status).toBe(401);
  });

  it("takes in tokens created and revoked with npm run tokens while the server runs, from the next request", async () => {
    const created = await tokensCli("create", "--name", "dana", "--scope", "ask");
    expect(created.code, created.stderr).toBe(0);
    const value = printedToken(created.stdout);
    expect(fs.readFileSync(path.join(h.dataDir, "settings.json"), "utf8")).not.toContain(value);
    expect((await call(value, "/v1/models")).status).toBe(200);
    expect((await call(value, "/metrics")).status).toBe(403);
    // The server's own writes keep what the command line wrote.
    await h.core.rpc.call("settings.update", {generation: {topK: 42}}, ipc);
    expect((await call(value, "/v1/models")).status).toBe(200);

    const listed = await tokensCli("list", "--json");
    expect(JSON.parse(listed.stdout).map((t: {name: string}) => t.name)).toEqual(["alice", "bob", "dana"]);

    const revoked = await tokensCli("revoke", "dana");
    expect(revoked.code, revoked.stderr).toBe(0);
    // No wait, no retry: the very next request.
    expect((await call(value, "/v1/models")).status).toBe(401);
    expect((await tokensCli("revoke", "dana")).code).toBe(1);
    // Everyone else carries on.
    expect((await call(alice.value, "/v1/models")).status).toBe(200);
    expect((await h.call("/v1/models")).status).toBe(200);
    // The settings view (and an open Settings page) follows the file.
    expect((await h.core.rpc.call("apiTokens.list", undefined, ipc)).map((t) => t.name)).toEqual(["alice", "bob"]);
  });
});

describe("per-token rate limits and metrics", () => {
  it("limits a token with its own rate, and no one else", async () => {
    const erin = await h.core.rpc.call("apiTokens.create", {name: "erin", scope: "ask", rateLimitPerMinute: 3}, ipc);
    for (let i = 0; i < 3; i++) expect((await call(erin.value, "/v1/models")).status).toBe(200);
    const limited = await call(erin.value, "/v1/models");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await limited.json()).error.message).toMatch(/More than 3 requests a minute/);
    // The others still have the server's limit (100,000 here).
    for (let i = 0; i < 5; i++) expect((await call(alice.value, "/v1/models")).status).toBe(200);
    expect((await h.call("/v1/models")).status).toBe(200);
  });

  it("counts requests and generated tokens per token name, never its value or hash", async () => {
    const metrics = await (await h.call("/metrics")).text();
    const value = (name: string, token: string) => Number(new RegExp(`^${name}\\{token="${token}"\\} (\\d+)`, "m").exec(metrics)?.[1] ?? Number.NaN);
    expect(value("deskside_token_requests_total", "alice")).toBeGreaterThan(10);
    expect(value("deskside_token_requests_total", "erin")).toBe(4);
    expect(value("deskside_token_requests_total", "main")).toBeGreaterThan(5);
    expect(value("deskside_token_generated_tokens_total", "alice")).toBeGreaterThan(0);
    expect(value("deskside_token_generated_tokens_total", "main")).toBeGreaterThan(0);
    expect(metrics).not.toMatch(/deskside_token_generated_tokens_total\{token="bob"\}/);
    for (const token of [alice, bob]) {
      expect(metrics).not.toContain(token.value);
      expect(metrics).not.toContain(createHash("sha256").update(token.value).digest("hex"));
    }
    // Last used is kept per token and shown with the list.
    const listed = await h.core.rpc.call("apiTokens.list", undefined, ipc);
    expect(listed.find((t) => t.name === "alice")?.lastUsedAt).toMatch(/^\d{4}-/);
  });
});
