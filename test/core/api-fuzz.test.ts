import http from "node:http";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;

beforeAll(async () => {
  // About one request in ten carries a wrong token; the default wait after ten of them would end the
  // fuzz early (that limit has its own test in security-settings.test.ts).
  h = await startApiHarness({bodyLimitBytes: 64 * 1024, uploadLimitBytes: 128 * 1024, requestTimeoutMs: 20_000, wrongTokenLimit: {maxFailures: 10_000}});
});
afterAll(async () => {
  await h?.close();
});

/** Deterministic, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  return {next, pick, int: (max: number) => Math.floor(next() * max)};
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST", "POST"] as const;
// Only read-only or harmless RPC methods: the fuzz must not unload the model or reset settings.
const PATHS = [
  "/v1/chat/completions",
  "/v1/embeddings",
  "/v1/models",
  "/v1/models/deskside-rag",
  "/api/chat",
  "/api/search",
  "/api/documents",
  "/api/documents/abc",
  "/api/sessions/abc",
  "/api/sessions/abc/reset",
  "/api/jobs/abc",
  "/api/tickets/draft",
  "/rpc/models.status",
  "/rpc/knowledge.search",
  "/rpc/chat.get",
  "/rpc/chat.list",
  "/rpc/knowledge.job",
  "/rpc/no.such.method",
  "/health",
  "/metrics",
  "/openapi.json",
  "/docs",
  "/",
  "/%zz",
  "/v1/%E0%A4%A",
  "//v1//models",
  "/api/sessions/" + "x".repeat(400),
  "/api/../v1/models",
  "/v1/chat/completions?stream=true&x[]=1",
  "/api/search/",
  "/%00",
  "/api/sessions/%2e%2e%2fsecret",
] as const;
const GET_PATHS = new Set<string>(["/v1/models", "/v1/models/deskside-rag", "/api/documents/abc", "/api/sessions/abc", "/api/jobs/abc", "/health", "/metrics", "/openapi.json", "/docs", "/"]);
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/xml",
  "multipart/form-data",
  "multipart/form-data; boundary=zz",
  "application/x-www-form-urlencoded",
  "application/json; charset=latin1",
  "",
  "*/*",
  "application/vnd.api+json",
] as const;
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  "",
  "x",
  "ünïcødé ☃",
  "a".repeat(5000),
  [],
  {},
  [1, "a", null],
  {$ref: "#"},
  {__proto__: {polluted: true}},
  "9999999999999999999999999999",
];

function randomValue(r: ReturnType<typeof rng>, depth = 0): unknown {
  if (depth > 3 || r.next() < 0.5) return r.pick(WEIRD_VALUES);
  if (r.next() < 0.5) return Array.from({length: r.int(4)}, () => randomValue(r, depth + 1));
  const keys = ["model", "messages", "query", "message", "session_id", "input", "top_k", "stream", "max_tokens", "temperature", "response_format", "stop", "id", "role", "content", "mode", "collection", "constructor", "__proto__"];
  return Object.fromEntries(Array.from({length: r.int(5)}, () => [r.pick(keys), randomValue(r, depth + 1)]));
}

/** Plausible bodies with one thing wrong, so the fuzz gets past the parser into validation. */
function nearMissBody(r: ReturnType<typeof rng>): unknown {
  const base = r.pick([
    {model: "llama-2-tiny-random.gguf", messages: [{role: "user", content: "hi"}], max_tokens: 4},
    {model: "deskside-rag", messages: [{role: "user", content: "vpn"}], max_tokens: 4},
    {model: "e", input: "hello"},
    {query: "vpn", top_k: 3},
    {message: "hello"},
    {session_id: "abc"},
  ]) as Record<string, unknown>;
  const copy = structuredClone(base);
  const keys = Object.keys(copy);
  const key = r.next() < 0.8 ? r.pick(keys) : "unexpected";
  copy[key] = randomValue(r);
  if (r.next() < 0.2) copy.stream = r.pick([true, "yes", 1]);
  return copy;
}

function randomBody(r: ReturnType<typeof rng>): string | Buffer | undefined {
  const kind = r.int(9);
  if (kind === 0) return undefined;
  if (kind === 1) return JSON.stringify(randomValue(r));
  if (kind === 2) return JSON.stringify(randomValue(r)).slice(0, Math.max(1, r.int(40)));
  if (kind === 3) return Buffer.from(Array.from({length: r.int(300)}, () => r.int(256)));
  if (kind === 4) return "{".repeat(1 + r.int(2000));
  if (kind === 5) return '{"a":' + "[".repeat(500) + "]".repeat(500) + "}";
  if (kind === 6) return JSON.stringify({pad: "x".repeat(70 * 1024)});
  return JSON.stringify(nearMissBody(r));
}

function send(method: string, path: string, headers: Record<string, string>, body: string | Buffer | undefined, framed: boolean): Promise<{status: number; text: string}> {
  // Node's client sends DELETE/OPTIONS bodies unframed unless told the length; mostly tell it.
  if (body !== undefined && framed) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise((resolve) => {
    const url = new URL(h.url);
    let req: http.ClientRequest;
    try {
      req = http.request({host: url.hostname, port: url.port, method, path, headers, timeout: 25_000}, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({status: res.statusCode ?? 0, text}));
      res.on("error", () => resolve({status: res.statusCode ?? 0, text}));
    });
    } catch {
      // Node's client refuses some of these outright; nothing reached the server.
      return resolve({status: -2, text: ""});
    }
    // A reset connection (the server refusing a broken request outright) is not a 5xx.
    req.on("error", () => resolve({status: -1, text: ""}));
    req.on("timeout", () => req.destroy());
    req.end(body);
  });
}

describe("fuzzing the HTTP surface", () => {
  it("answers a few hundred malformed requests without a 5xx, a stack trace or a path, and stays healthy", async () => {
    const r = rng(20251122);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const TOTAL = 400;
    let index = 0;
    const worker = async () => {
      while (index < TOTAL) {
        const n = index++;
        const path = r.pick(PATHS);
        // Mostly the route's own method, so requests get past routing into parsing and validation.
        const method = r.next() < 0.65 ? (GET_PATHS.has(path) ? "GET" : "POST") : r.pick(METHODS);
        const headers: Record<string, string> = {};
        const auth = r.next();
        if (auth < 0.75) headers.authorization = `Bearer ${h.token}`;
        else if (auth < 0.85) headers.authorization = r.pick(["Bearer", "Bearer  ", `Bearer ${h.token.slice(0, -1)}`, "Basic abc", `bearer ${"z".repeat(3000)}`]);
        const body = method === "GET" || method === "HEAD" ? (r.next() < 0.1 ? "{}" : undefined) : randomBody(r);
        const type = r.pick(CONTENT_TYPES);
        if (type && (body !== undefined || r.next() < 0.3)) headers["content-type"] = type;
        if (r.next() < 0.1) headers.accept = r.pick(["text/html", "*/*", "application/json", "garbage"]);
        if (r.next() < 0.05) headers.origin = "http://evil.example";
        const {status, text} = await send(method, path, headers, body, r.next() < 0.9);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const where = `#${n} ${method} ${path} [${headers["content-type"] ?? "-"}] ${String(body ?? "").slice(0, 80)}`;
        if (status >= 500) failures.push(`${status} ${where} → ${text.slice(0, 200)}`);
        // RPC results are the renderer's own data (model and document paths are part of the contract).
        const mayHoldPaths = status < 400 && path.startsWith("/rpc/");
        if (/\n\s+at [\w.<>]+ \(/.test(text) || (!mayHoldPaths && (text.includes("/work/") || text.includes("/tmp/") || text.includes("node_modules"))))
          failures.push(`leak ${where} → ${text.slice(0, 200)}`);
        if (status >= 400 && method !== "HEAD" && text) {
          try {
            const parsed = JSON.parse(text);
            if (typeof parsed?.error?.message !== "string") failures.push(`shape ${where} → ${text.slice(0, 200)}`);
          } catch {
            failures.push(`not JSON ${where} → ${text.slice(0, 200)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({length: 6}, worker));
    if (process.env.DESKSIDE_FUZZ_LOG) console.log(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
    expect(failures).toEqual([]);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);

    // Healthy after: no generation left running, health ready, a normal request works.
    const deadline = performance.now() + 5000;
    while (h.core.engine.status().queue.active > 0 && performance.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(h.core.engine.status().queue).toMatchObject({active: 0, waiting: 0});
    const health = await (await h.call("/health", {auth: false})).json();
    expect(health).toMatchObject({status: "ok", ready: true});
    const completion = await h.call("/v1/chat/completions", {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({model: "x", messages: [{role: "user", content: "still there?"}], max_tokens: 3}),
    });
    expect(completion.status).toBe(200);
  });
});
