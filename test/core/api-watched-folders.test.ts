/**
 * Watched folders through the HTTP API of a real `serve` process, which runs as an unprivileged
 * user (nobody) when the tests run as root, so that file permissions really stop it. Files and
 * sub-folders it may not read fail alone, and what was imported from a folder that became
 * unreadable is kept.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";

interface FolderView {
  id: string;
  path: string;
  state: string;
  files: number;
  documents: number;
  failed: number;
  left_out: number;
  pending: number;
  error: {code: string; message: string} | null;
  errors: {file: string; code: string; message: string}[];
  left_out_files: {file: string; code: string; message: string}[];
}

const asRoot = process.getuid?.() === 0;
let serve: ServeProcess;
let root: string;

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "deskside-share-")));
  fs.chmodSync(root, 0o755);
  serve = await startServe({...(asRoot ? {user: {uid: 65534, gid: 65534}} : {})});
}, 180_000);

afterAll(async () => {
  await serve?.stop();
  if (serve) fs.rmSync(serve.dataDir, {recursive: true, force: true});
  if (root) {
    for (const entry of ["secret.md", "locked"]) fs.rmSync(path.join(root, entry), {recursive: true, force: true});
    fs.rmSync(root, {recursive: true, force: true});
  }
});

function call(route: string, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = {authorization: `Bearer ${serve.token}`};
  if (init.body) headers["content-type"] = "application/json";
  return fetch(serve.url + route, {...init, headers});
}

async function folders(): Promise<FolderView[]> {
  const response = await call("/api/knowledge/folders");
  expect(response.status).toBe(200);
  return ((await response.json()) as {folders: FolderView[]}).folders;
}

async function until(ok: (folder: FolderView) => boolean, what: string, timeoutMs = 60_000): Promise<FolderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [folder] = await folders();
    if (folder && ok(folder)) return folder;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(folder)}\n${serve.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const settled = (folder: FolderView) => folder.state === "watching" && folder.pending === 0;

function write(relative: string, text: string, mode = 0o644): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o755});
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
}

async function documentsByName(): Promise<Record<string, {status: string; origin: string; error: {code: string} | null}>> {
  const response = await call("/api/documents");
  const body = (await response.json()) as {documents: {source: string; status: string; origin: string; error: {code: string} | null}[]};
  return Object.fromEntries(body.documents.filter((doc) => doc.origin === "folder").map((doc) => [doc.source, doc]));
}

describe("watched folders over HTTP", () => {
  it("syncs a folder with an unreadable file and a sub-folder that becomes unreadable", async () => {
    write("vpn.md", "# VPN error 809\n\nOpen UDP 500 and 4500.\n");
    write("secret.md", "# Payroll\n\nNot for the help desk.\n", 0o000);
    write("locked/printer.md", "# Printer\n\nRestart the spooler.\n");
    // A manual page that only points to another: nothing to import, left out rather than failed.
    write("vpnc.8", ".so man8/vpn.8\n");

    const added = await call("/api/knowledge/folders", {method: "POST", body: JSON.stringify({path: root, collection: "Share"})});
    expect(added.status).toBe(201);
    const view = (await added.json()) as FolderView & {collection: string; paused: boolean; added_at: string};
    expect(view).toMatchObject({path: root, collection: "Share", paused: false});

    const first = await until((f) => settled(f) && f.documents === 2 && f.failed === 1 && f.left_out === 1, "the first scan");
    expect(first).toMatchObject({files: 4, error: null});
    expect(first.errors).toEqual([expect.objectContaining({file: "secret.md", code: "FILE_UNREADABLE"})]);
    expect(first.left_out_files).toEqual([{file: "vpnc.8", code: "FILE_EMPTY", message: expect.stringContaining("man8/vpn.8")}]);
    expect(await documentsByName()).toMatchObject({
      "vpn.md": {status: "ready"},
      "printer.md": {status: "ready"},
      "secret.md": {status: "failed", error: {code: "FILE_UNREADABLE"}},
    });

    // A sub-folder it may no longer read: reported, and its document kept (nothing says it is gone).
    fs.chmodSync(path.join(root, "locked"), 0o000);
    expect((await call(`/api/knowledge/folders/${view.id}/rescan`, {method: "POST"})).status).toBe(202);
    const locked = await until((f) => settled(f) && f.errors.some((e) => e.code === "FOLDER_UNREADABLE"), "the locked folder to be reported");
    expect(locked.errors).toEqual(expect.arrayContaining([expect.objectContaining({file: "locked", code: "FOLDER_UNREADABLE"})]));
    expect(Object.keys(await documentsByName()).sort()).toEqual(["printer.md", "secret.md", "vpn.md", "vpnc.8"]);

    // Permissions given back: every file in, no error left.
    fs.chmodSync(path.join(root, "locked"), 0o755);
    fs.chmodSync(path.join(root, "secret.md"), 0o644);
    await call(`/api/knowledge/folders/${view.id}/rescan`, {method: "POST"});
    const fixed = await until((f) => settled(f) && f.documents === 3 && f.failed === 0 && f.errors.length === 0, "every file readable");
    expect(fixed).toMatchObject({files: 4, left_out: 1});
    expect(await documentsByName()).toMatchObject({"vpn.md": {status: "ready"}, "printer.md": {status: "ready"}, "secret.md": {status: "ready"}});
    const search = await call("/api/search", {method: "POST", body: JSON.stringify({query: "spooler printer", mode: "text"})});
    expect(((await search.json()) as {hits: {source: string}[]}).hits[0]?.source).toBe("printer.md");
  }, 180_000);

  it("answers with stable codes, pauses, and removes a folder with its documents", async () => {
    const missing = await call("/api/knowledge/folders", {method: "POST", body: JSON.stringify({path: path.join(root, "no-such-folder")})});
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as {error: {code: string}}).error.code).toBe("FOLDER_NOT_FOUND");
    const twice = await call("/api/knowledge/folders", {method: "POST", body: JSON.stringify({path: path.join(root, "locked")})});
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as {error: {code: string}}).error.code).toBe("FOLDER_ALREADY_WATCHED");
    const unknown = await call("/api/knowledge/folders/no-such-id", {method: "PATCH", body: JSON.stringify({paused: true})});
    expect(unknown.status).toBe(404);

    const [folder] = await folders();
    const paused = await call(`/api/knowledge/folders/${folder.id}`, {method: "PATCH", body: JSON.stringify({paused: true})});
    expect(((await paused.json()) as FolderView).state).toBe("paused");
    const removed = await call(`/api/knowledge/folders/${folder.id}?keep_documents=false`, {method: "DELETE"});
    expect(await removed.json()).toEqual({ok: true, deleted: 4});
    expect(await folders()).toEqual([]);
    expect(await documentsByName()).toEqual({});
  }, 60_000);
});
