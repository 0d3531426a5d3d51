import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {createAppCore, type DesksideCore} from "../../electron/core/app-core.js";
import type {ApiServerOptions} from "../../electron/core/api/api-options.js";
import {createApiServer, type ApiServer} from "../../electron/core/api/server.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "./fixtures.js";

export interface ApiHarness {
  core: DesksideCore;
  server: ApiServer;
  url: string;
  token: string;
  dataDir: string;
  /** fetch against the server with the token unless `auth: false`. */
  call(route: string, init?: RequestInit & {auth?: boolean | string}): Promise<Response>;
  close(): Promise<void>;
}

/** The real core on the fixture models (one thread, CPU) in a temp folder. */
export async function createFixtureCore(settings: Record<string, unknown> = {}): Promise<{core: DesksideCore; dataDir: string}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-api-"));
  const core = await createAppCore({
    dataDir,
    overrides: {threads: 1, gpu: "cpu", model: FIXTURE_GGUF, embeddingModel: FIXTURE_EMBEDDER_DIR},
    knowledgeDir: null,
    bundledModelsDir: null,
    logger: {info: () => undefined, warn: () => undefined, error: (m) => process.env.DESKSIDE_TEST_LOG && process.stderr.write(`${m}\n`), close: () => undefined},
  });
  if (Object.keys(settings).length) core.settings.update(settings);
  await core.startup;
  return {core, dataDir};
}

export function harnessOptions(core: DesksideCore, overrides: Partial<ApiServerOptions> = {}): ApiServerOptions {
  return {
    host: "127.0.0.1",
    port: 0,
    token: core.settings.effective().api.token,
    corsOrigins: [],
    allowLan: false,
    bodyLimitBytes: 64 * 1024,
    uploadLimitBytes: 2 * 1024 * 1024,
    rateLimitPerMinute: 100_000,
    requestTimeoutMs: 60_000,
    ...overrides,
  };
}

/** A listening server on 127.0.0.1:0 over a core (a fresh fixture core unless one is given). */
export async function startApiHarness(overrides: Partial<ApiServerOptions> = {}, existing?: {core: DesksideCore; dataDir: string}): Promise<ApiHarness> {
  const {core, dataDir} = existing ?? (await createFixtureCore());
  const options = harnessOptions(core, overrides);
  const server = createApiServer(core.api.services, options);
  const {url} = await server.listen();
  const token = typeof options.token === "function" ? options.token() : options.token;
  return {
    core,
    server,
    url,
    token,
    dataDir,
    call(route, init = {}) {
      const {auth = true, ...rest} = init;
      const headers = new Headers(rest.headers);
      if (auth !== false && !headers.has("authorization")) headers.set("authorization", `Bearer ${typeof auth === "string" ? auth : token}`);
      return fetch(`${url}${route}`, {...rest, headers});
    },
    async close() {
      await server.close();
      if (!existing) {
        await core.close();
        fs.rmSync(dataDir, {recursive: true, force: true});
      }
    },
  };
}

/** Reads a server-sent event stream into {event, data} records until it ends. */
export async function readSse(response: Response, onEvent?: (event: {event: string; data: string}) => boolean | void): Promise<{event: string; data: string}[]> {
  const events: {event: string; data: string}[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true});
    let index: number;
    while ((index = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      const record = {event, data: data.join("\n")};
      events.push(record);
      if (onEvent?.(record) === true) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}

/** Uploads one Markdown file with POST /api/documents and waits for its job to end; returns the job. */
export async function uploadMarkdown(h: ApiHarness, name: string, content: string, collection: string): Promise<{state: string; counts: {done: number}}> {
  const form = new FormData();
  form.append("file", new Blob([content], {type: "text/markdown"}), name);
  form.append("collection", collection);
  const {job_id} = await (await h.call("/api/documents", {method: "POST", body: form})).json();
  const deadline = performance.now() + 60_000;
  for (;;) {
    const job = await (await h.call(`/api/jobs/${job_id}`)).json();
    if (job.state !== "running") return job;
    if (performance.now() > deadline) throw new Error("import did not finish");
    await new Promise((r) => setTimeout(r, 100));
  }
}
