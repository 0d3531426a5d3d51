import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {REPO_ROOT} from "../helpers/fixtures.js";

const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop("SIGKILL");
});

describe("npm run serve (the headless configuration contract)", () => {
  it("prints the listening line, answers /health, and stops cleanly on SIGTERM within 5 s", async () => {
    const serve = await startServe();
    running.push(serve);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await (await fetch(`${serve.url}/health`)).json();
    expect(health.status).toBeDefined();
    await serve.waitFor(/Model ready: .+/);
    // A generation is running when the signal arrives: it is aborted, not waited for. (max_tokens
    // stays within the fixture model's 4096-token context; above it the request is refused.)
    const streaming = fetch(`${serve.url}/v1/chat/completions`, {
      method: "POST",
      headers: {authorization: `Bearer ${serve.token}`, "content-type": "application/json"},
      body: JSON.stringify({model: "llama-2-tiny-random.gguf", messages: [{role: "user", content: "hello"}], max_tokens: 4000, stream: true}),
    }).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const {code, ms} = await serve.stop("SIGTERM");
    await streaming;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it("never reaches beyond this machine: outbound connections are refused and none is attempted", async () => {
    const netlog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deskside-net-")), "attempts.log");
    const serve = await startServe({
      nodeArgs: ["--import", path.join(REPO_ROOT, "test", "helpers", "deny-network.mjs")],
      env: {DESKSIDE_NETLOG: netlog},
    });
    running.push(serve);
    await serve.waitFor(/Model ready: .+/);
    const headers = {authorization: `Bearer ${serve.token}`, "content-type": "application/json"};
    // Exercise the paths that could be tempted to go online: models, embeddings, search, answers.
    expect((await fetch(`${serve.url}/v1/models`, {headers})).status).toBe(200);
    expect((await fetch(`${serve.url}/v1/embeddings`, {method: "POST", headers, body: JSON.stringify({model: "static-glove-wordpiece", input: "reset password"})})).status).toBe(200);
    const chat = await fetch(`${serve.url}/api/chat`, {method: "POST", headers, body: JSON.stringify({message: "VPN error 809 after update"})});
    expect(chat.status).toBe(200);
    expect((await chat.json()).sources.length).toBeGreaterThan(0);
    expect((await serve.stop()).code).toBe(0);
    expect(fs.existsSync(netlog) ? fs.readFileSync(netlog, "utf8") : "").toBe("");
  });

  it("fails fast with a clear message when the port is taken", async () => {
    const first = await startServe();
    running.push(first);
    const port = new URL(first.url).port;
    const second = startServe({env: {DESKSIDE_PORT: port}});
    await expect(second).rejects.toThrow(/PORT_IN_USE/);
    await first.stop();
  });
});
