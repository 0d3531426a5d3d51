/**
 * One knowledge base on S3-compatible storage shared by two Deskside servers: a real S3 server
 * (s3rver, the S3 REST protocol over a folder) on 127.0.0.1, two real `npm run serve` processes on
 * the same bucket, everything through the HTTP API. Import, search and delete; one process sees the
 * other's writes after its next refresh, without a restart; a writer killed mid-import leaves no
 * partial document; the bucket going away answers STORE_UNREACHABLE while conversations keep
 * working, and search comes back with the bucket.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {startS3Server, type S3Server} from "../helpers/s3-server.js";

const PREFIX = "deskside";
/** A refresh runs at most every 5 s (DEFAULT_SHARED_REFRESH_MS); waits allow for several. */
const REFRESH_WAIT_MS = 30_000;

let s3: S3Server;
let a: ServeProcess;
let b: ServeProcess;
const dataDirs: string[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-shared-"));
  // No starter articles: each process would import them into the shared store at start.
  fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({knowledge: {defaultKnowledgeImported: true}}));
  dataDirs.push(dir);
  return dir;
}

function call(server: ServeProcess, route: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${server.token}`);
  return fetch(`${server.url}${route}`, {...init, headers});
}

async function search(server: ServeProcess, query: string): Promise<Response> {
  return call(server, "/api/search", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({query, top_k: 5, mode: "text"})});
}

async function searchTitles(server: ServeProcess, query: string): Promise<string[]> {
  const response = await search(server, query);
  const body = await response.json();
  if (response.status !== 200) throw new Error(`search answered ${response.status}: ${JSON.stringify(body)}`);
  return (body.hits as {title: string}[]).map((hit) => hit.title);
}

async function upload(server: ServeProcess, name: string, content: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([content], {type: "text/markdown"}), name);
  const response = await call(server, "/api/documents", {method: "POST", body: form});
  expect(response.status).toBe(202);
  return (await response.json()).job_id;
}

async function job(server: ServeProcess, id: string) {
  return (await call(server, `/api/jobs/${id}`)).json();
}

async function finished(server: ServeProcess, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await job(server, id);
    if (current.state !== "running") return current;
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish: ${JSON.stringify(current)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until `check` returns true (it may throw meanwhile), or fails with what it last saw. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = REFRESH_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function filesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, {recursive: true, withFileTypes: true}).filter((entry) => entry.isFile()).length;
}

const VPN_RUNBOOK = `# VPN error 809 on hotel networks

The L2TP connection fails with error 809 behind hotel routers that block UDP 500 and 4500.

## Fix

Switch the profile to IKEv2 over TCP 443, then reconnect.
`;

beforeAll(async () => {
  s3 = await startS3Server();
  // One after the other: the first creates the tables, the second finds them by name (s3rver's
  // listing shows no tables at all, see store-tables.ts).
  a = await startServe({dataDir: dataDir(), env: s3.env(PREFIX)});
  b = await startServe({dataDir: dataDir(), env: s3.env(PREFIX)});
}, 240_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await s3?.dispose();
  for (const dir of dataDirs) fs.rmSync(dir, {recursive: true, force: true});
});

describe("a knowledge base shared on S3-compatible storage", () => {
  it("keeps its tables in the bucket, not the data folders", async () => {
    const stats = (await (await call(a, "/rpc/knowledge.stats", {method: "POST", headers: {"content-type": "application/json"}, body: "{}"})).json()).result;
    expect(stats.storeUri).toBe(`s3://${s3.bucket}/${PREFIX}`);
    expect(fs.existsSync(path.join(s3.directory, s3.bucket, PREFIX))).toBe(true);
    expect(fs.existsSync(path.join(a.dataDir, "lancedb", "documents.lance"))).toBe(false);
  });

  it("imports and searches on one server; the other finds the document after its refresh, no restart", async () => {
    const done = await finished(a, await upload(a, "vpn-809.md", VPN_RUNBOOK));
    expect(done.counts.done, JSON.stringify(done.files)).toBe(1);
    expect(await searchTitles(a, "error 809 hotel")).toContain("VPN error 809 on hotel networks");
    await eventually(async () => (await searchTitles(b, "error 809 hotel")).includes("VPN error 809 on hotel networks"), "the second server finding the document");
    const listed = (await (await call(b, "/api/documents")).json()).documents as {title: string}[];
    expect(listed.map((doc) => doc.title)).toContain("VPN error 809 on hotel networks");
  }, 90_000);

  it("deletes on one server; the other stops finding it after its refresh", async () => {
    const docs = (await (await call(b, "/api/documents")).json()).documents as {id: string; title: string}[];
    const doc = docs.find((d) => d.title === "VPN error 809 on hotel networks")!;
    expect((await call(b, `/api/documents/${doc.id}`, {method: "DELETE"})).status).toBeLessThan(300);
    expect(await searchTitles(b, "error 809 hotel")).not.toContain("VPN error 809 on hotel networks");
    await eventually(async () => !(await searchTitles(a, "error 809 hotel")).includes("VPN error 809 on hotel networks"), "the first server dropping the document");
  }, 60_000);

  it("a writer killed mid-import leaves no partial document visible to the other", async () => {
    // Thousands of passages: written in slices of 100 rows, one S3 commit each, before the document row;
    // enough of them that the write is still under way when the process is killed.
    const paragraphs = Array.from({length: 6000}, (_, i) => `Paragraph ${i} of the quasar gateway manual: restart the quasar relay service, then check the gateway log for line ${i}.`);
    const big = `# Quasar gateway manual\n\n${paragraphs.join("\n\n")}\n`;
    const chunksBefore = filesUnder(path.join(s3.directory, s3.bucket, PREFIX));
    const id = await upload(a, "quasar-manual.md", big);
    let seen: unknown = null;
    await eventually(async () => {
      const current = await job(a, id);
      seen = current.files[0];
      return current.files[0].state === "writing";
    }, "the import reaching its write", 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(seen)}`);
    });
    // Some slices of passages are in the bucket, the document row is not.
    await eventually(async () => filesUnder(path.join(s3.directory, s3.bucket, PREFIX)) >= chunksBefore + 6, "passages reaching the bucket", 30_000);
    const current = await job(a, id);
    expect(current.files[0].state).toBe("writing");
    await a.stop("SIGKILL");

    // Written passages are there; nothing of them is visible, now or after further refreshes.
    expect(filesUnder(path.join(s3.directory, s3.bucket, PREFIX))).toBeGreaterThan(chunksBefore);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await searchTitles(b, "quasar relay gateway")).toEqual([]);
    const listed = (await (await call(b, "/api/documents")).json()).documents as {title: string}[];
    expect(listed.map((doc) => doc.title)).not.toContain("Quasar gateway manual");
  }, 120_000);

  it("answers STORE_UNREACHABLE while the bucket is gone, keeps conversations working, and searches again once it is back", async () => {
    const imported = await finished(b, await upload(b, "vpn-809.md", VPN_RUNBOOK));
    expect(imported.files[0].state, JSON.stringify(imported.files[0])).toBe("done");
    // The precondition of this test (searching works before the outage), given a few refreshes: once in
    // about eight full runs the first search right after the import, just after another writer was
    // killed mid-import on the same bucket, came back empty.
    await eventually(async () => (await searchTitles(b, "error 809 hotel")).includes("VPN error 809 on hotel networks"), "search finding the new runbook");

    await s3.stop();
    let failure: {status: number; body: {error: {code: string; message: string}}} | null = null;
    await eventually(async () => {
      const response = await search(b, "error 809 hotel");
      if (response.status === 200) return false;
      failure = {status: response.status, body: await response.json()};
      return true;
    }, "search failing with the bucket gone");
    expect(failure!.status).toBe(503);
    expect(failure!.body.error.code).toBe("STORE_UNREACHABLE");
    expect(failure!.body.error.message).toMatch(/cannot be reached/);

    // An import fails with the same code, per file.
    const failedImport = await finished(b, await upload(b, "printer.md", "# Printer jam\n\nOpen tray 2 and remove the jammed sheet.\n"));
    expect(failedImport.files[0].state).toBe("failed");
    expect(failedImport.files[0].error.code).toBe("STORE_UNREACHABLE");

    // Conversations are local: a question is answered (without passages) and kept.
    const chat = await call(b, "/api/chat", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({message: "VPN error 809 at a hotel"})});
    expect(chat.status).toBe(200);
    const reply = await chat.json();
    const session = await (await call(b, `/api/sessions/${reply.session_id}`)).json();
    expect(session.messages.length).toBeGreaterThanOrEqual(2);

    await s3.start();
    await eventually(async () => (await searchTitles(b, "error 809 hotel")).includes("VPN error 809 on hotel networks"), "search working again");
  }, 180_000);

  it("starts while the bucket is gone, and opens the shared knowledge base once it is back, without a restart", async () => {
    await s3.stop();
    const c = await startServe({dataDir: dataDir(), env: s3.env(PREFIX)});
    try {
      const response = await search(c, "error 809 hotel");
      expect(response.status).toBe(503);
      expect((await response.json()).error.code).toBe("STORE_UNREACHABLE");
      const health = await (await call(c, "/api/documents")).json();
      expect(health.documents).toEqual([]);

      await s3.start();
      // Tried again every 15 s; the documents the other servers wrote appear, and imports work.
      await eventually(async () => (await searchTitles(c, "error 809 hotel")).includes("VPN error 809 on hotel networks"), "the store opened after start", 90_000);
      const imported = await finished(c, await upload(c, "scanner.md", "# Scanner offline\n\nPower-cycle the flatbed scanner and reinstall the TWAIN driver.\n"));
      expect(imported.files[0].state).toBe("done");
      expect(await searchTitles(c, "flatbed scanner TWAIN")).toContain("Scanner offline");
      expect(c.output()).toMatch(/answers again/);
    } finally {
      await c.stop();
    }
  }, 240_000);
});
