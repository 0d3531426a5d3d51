/**
 * Watched folders on a real core: chokidar on real folders in /tmp, the parser workers, the fixture
 * embedder and LanceDB. Every test ends with the knowledge base matching the folder exactly: one
 * document per synced file, holding the file's current content (by SHA-256), and none other.
 */
import {createHash} from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, describe, expect, it, vi} from "vitest";
import type {WatchedFolder} from "../../shared/knowledge.js";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {FolderRegistry, REGISTRY_FILE} from "../../electron/core/knowledge/folders/folder-registry.js";
import {WatchedFolders} from "../../electron/core/knowledge/folders/watched-folders.js";
import {createTestCore, removeDataDir} from "../helpers/core.js";
import {expectDesksideError} from "../helpers/expect-error.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openCore(dataDir?: string): Promise<DesksideCore> {
  const core = await createTestCore({withModel: false, ...(dataDir ? {dataDir} : {})});
  return core;
}

async function withCore(): Promise<DesksideCore> {
  const core = await openCore();
  cleanups.push(async () => {
    await core.close();
    removeDataDir(core);
  });
  return core;
}

function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-watched-"));
  cleanups.push(() => fs.rmSync(folder, {recursive: true, force: true}));
  return fs.realpathSync(folder);
}

function write(root: string, relative: string, text: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, text);
}

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last, null, 1).slice(0, 3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

function folderDocs(core: DesksideCore, root: string) {
  return core.knowledge.listDocuments().filter((doc) => doc.origin === "folder" && doc.sourcePath.startsWith(root + path.sep));
}

/** In sync: watching, nothing pending, and each expected file (relative path → "ready" or a failure code) has exactly its document. */
function matches(core: DesksideCore, id: string, expected: Record<string, string>): boolean {
  const folder = core.folders.get(id);
  if (folder.state !== "watching" || folder.pending !== 0) return false;
  const docs = folderDocs(core, folder.path);
  const wanted = Object.keys(expected).map((relative) => path.join(folder.path, relative));
  if (docs.length !== wanted.length) return false;
  return wanted.every((file, index) => {
    const atPath = docs.filter((doc) => doc.sourcePath === file);
    if (atPath.length !== 1) return false;
    const want = expected[Object.keys(expected)[index]];
    return want === "ready" ? atPath[0].status === "ready" && fs.existsSync(file) && atPath[0].sha256 === sha256(file) : atPath[0].status === "failed" && atPath[0].error?.code === want;
  });
}

async function expectInSync(core: DesksideCore, id: string, expected: Record<string, string>, what: string): Promise<WatchedFolder> {
  await until(
    () => matches(core, id, expected),
    (ok) => ok,
    what,
  ).catch((error: Error) => {
    const folder = core.folders.get(id);
    const docs = folderDocs(core, folder.path).map((doc) => `${path.relative(folder.path, doc.sourcePath)} ${doc.status} ${doc.error?.code ?? ""}`);
    throw new Error(`${error.message.split(";")[0]}\nfolder: ${JSON.stringify(folder)}\ndocuments: ${docs.join(", ")}\nexpected: ${JSON.stringify(expected)}`);
  });
  const folder = core.folders.get(id);
  // A file with nothing to import is left out, counted apart from the failures.
  const leftOut = Object.values(expected).filter((want) => want === "FILE_EMPTY").length;
  const failures = Object.values(expected).filter((want) => want !== "ready" && want !== "FILE_EMPTY").length;
  expect(folder).toMatchObject({files: Object.keys(expected).length, documents: Object.keys(expected).length - failures - leftOut, failed: failures, leftOutCount: leftOut, error: null});
  return folder;
}

async function expectErrorCode(promise: Promise<unknown>, code: string): Promise<void> {
  expect((await expectDesksideError(promise)).code).toBe(code);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2_500));

describe("watched folders", () => {
  it("follows files created, changed, renamed and deleted, and ignores temporary, lock and hidden files", async () => {
    const core = await withCore();
    const root = tempFolder();
    write(root, "vpn.md", "# VPN error 809\n\nOpen UDP ports 500 and 4500 on the office firewall, then reconnect the client.\n");
    write(root, "printers/spooler.txt", "Restart the print spooler service when jobs are stuck in the queue.\n");
    const added = await core.folders.add(root, "Runbooks");
    expect(added).toMatchObject({path: root, collection: "Runbooks", paused: false});
    expect(["scanning", "watching", "syncing"]).toContain(added.state);
    const first = await expectInSync(core, added.id, {"vpn.md": "ready", "printers/spooler.txt": "ready"}, "the first scan");
    expect(first.lastSyncAt).not.toBeNull();
    expect(first.lastScanAt).not.toBeNull();
    expect(folderDocs(core, root).every((doc) => doc.collection === "Runbooks")).toBe(true);
    const hit = await core.knowledge.search({query: "firewall UDP 4500", mode: "text"});
    expect(hit.hits[0]?.sourcePath).toBe(path.join(root, "vpn.md"));

    // Created, next to the files a save or a sync tool leaves behind.
    write(root, "outlook.md", "# Outlook keeps asking for the password\n\nClear the cached credentials in Credential Manager.\n");
    write(root, "~$report.docx", "owner file");
    write(root, ".~lock.vpn.md#", "lock");
    write(root, "draft.md.tmp", "half written");
    write(root, "notes.md~", "backup");
    write(root, ".hidden.md", "hidden");
    write(root, ".git/HEAD.md", "ref");
    write(root, "node_modules/pkg/readme.md", "a package");
    write(root, "logo.gif", "GIF89a");
    // A built documentation site's copies: page sources, theme files and a search index of every page.
    write(root, "_sources/vpn.rst.txt", "VPN error 809\n=============\n\nOpen UDP ports 500 and 4500.\n");
    write(root, "_static/theme.txt", "theme notes");
    write(root, "search/search_index.json", '{"docs": [{"location": "vpn/", "text": "VPN error 809"}]}');
    await expectInSync(core, added.id, {"vpn.md": "ready", "printers/spooler.txt": "ready", "outlook.md": "ready"}, "a created file");
    await settle();
    await expectInSync(core, added.id, {"vpn.md": "ready", "printers/spooler.txt": "ready", "outlook.md": "ready"}, "temporary files left alone");

    // Changed: replaced in place, still one document, and search finds the new text only.
    const vpnBefore = folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("vpn.md"))!;
    write(root, "vpn.md", "# VPN error 809\n\nSince the update the client needs IKEv2; set the tunnel type to IKEv2 and reconnect.\n");
    await expectInSync(core, added.id, {"vpn.md": "ready", "printers/spooler.txt": "ready", "outlook.md": "ready"}, "a changed file");
    expect(folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("vpn.md"))!.id).not.toBe(vpnBefore.id);
    const changed = await core.knowledge.search({query: "tunnel type IKEv2", mode: "text"});
    expect(changed.hits[0]?.sourcePath).toBe(path.join(root, "vpn.md"));
    const stale = await core.knowledge.search({query: "UDP ports 500 4500 office firewall", mode: "text"});
    expect(stale.hits.some((h) => h.text.includes("4500"))).toBe(false);

    // An editor's atomic save: written to a temporary name, renamed over the document.
    write(root, "outlook.md.tmp", "# Outlook keeps asking for the password\n\nRemove the saved password from Credential Manager and sign in again.\n");
    fs.renameSync(path.join(root, "outlook.md.tmp"), path.join(root, "outlook.md"));
    await until(
      () => folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("outlook.md"))?.sha256,
      (sha) => sha === sha256(path.join(root, "outlook.md")),
      "an atomic save",
    );
    await expectInSync(core, added.id, {"vpn.md": "ready", "printers/spooler.txt": "ready", "outlook.md": "ready"}, "an atomic save");

    // Renamed: a file, then a whole folder. The document follows its file (same id, passages and
    // vectors), and a title that was the file name becomes the new name.
    const spooler = folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("spooler.txt"))!;
    const spoolerChunks = (await core.knowledge.search({query: "print spooler stuck queue", mode: "text"})).hits.filter((h) => h.documentId === spooler.id).map((h) => h.chunkId);
    expect(spoolerChunks.length).toBeGreaterThan(0);
    fs.renameSync(path.join(root, "printers/spooler.txt"), path.join(root, "printers/print-spooler.txt"));
    await expectInSync(core, added.id, {"vpn.md": "ready", "printers/print-spooler.txt": "ready", "outlook.md": "ready"}, "a renamed file");
    fs.renameSync(path.join(root, "printers"), path.join(root, "printing"));
    await expectInSync(core, added.id, {"vpn.md": "ready", "printing/print-spooler.txt": "ready", "outlook.md": "ready"}, "a renamed folder");
    const moved = folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("print-spooler.txt"))!;
    expect(moved).toMatchObject({id: spooler.id, importedAt: spooler.importedAt, sourcePath: path.join(root, "printing/print-spooler.txt")});
    expect(moved.title).not.toBe(spooler.title);
    expect(moved.title).toMatch(/print-spooler/);
    const afterMove = (await core.knowledge.search({query: "print spooler stuck queue", mode: "text"})).hits.filter((h) => h.documentId === spooler.id);
    expect(afterMove.map((h) => h.chunkId)).toEqual(spoolerChunks);
    expect(afterMove.every((h) => h.sourcePath === moved.sourcePath && h.title === moved.title)).toBe(true);
    // The new title is searchable in the title-and-headings field.
    const byTitle = await core.knowledge.search({query: "print-spooler", mode: "text"});
    expect(byTitle.hits[0]?.documentId).toBe(spooler.id);

    // Deleted: a file, then a folder with a file in it.
    fs.rmSync(path.join(root, "outlook.md"));
    await expectInSync(core, added.id, {"vpn.md": "ready", "printing/print-spooler.txt": "ready"}, "a deleted file");
    fs.rmSync(path.join(root, "printing"), {recursive: true});
    await expectInSync(core, added.id, {"vpn.md": "ready"}, "a deleted folder");

    // A file that cannot be imported is a failed document with its code, and goes when fixed.
    // A file with nothing to import (here an empty one) is left out with its reason, not failed.
    write(root, "broken.json", "{not json");
    write(root, "blank.md", "");
    await expectInSync(core, added.id, {"vpn.md": "ready", "broken.json": "PARSE_FAILED", "blank.md": "FILE_EMPTY"}, "a broken file and an empty one");
    expect(core.folders.get(added.id).errors).toEqual([expect.objectContaining({path: path.join(root, "broken.json"), code: "PARSE_FAILED"})]);
    expect(core.folders.get(added.id).leftOut).toEqual([{path: path.join(root, "blank.md"), code: "FILE_EMPTY", message: expect.stringMatching(/empty/)}]);
    write(root, "broken.json", '{"steps": ["restart the spooler"]}');
    write(root, "blank.md", "# Spooler\n\nRestart it.\n");
    await expectInSync(core, added.id, {"vpn.md": "ready", "broken.json": "ready", "blank.md": "ready"}, "fixed files");
    expect(core.folders.get(added.id).leftOut).toEqual([]);
  });

  it("syncs links to files inside the folder and refuses links that lead outside it", async () => {
    const core = await withCore();
    const root = tempFolder();
    const outside = tempFolder();
    write(outside, "settings.json", '{"api": {"token": "zebracorn-secret-value"}}');
    write(root, "vpn.md", "# VPN\n\nReconnect the client.\n");
    fs.symlinkSync(path.join(root, "vpn.md"), path.join(root, "alias.md"));
    fs.symlinkSync(path.join(outside, "settings.json"), path.join(root, "leak.json"));
    fs.symlinkSync(outside, path.join(root, "linked-folder"));
    const added = await core.folders.add(root);
    // Each file its own document, even the same content twice; a link out of the folder fails alone.
    await expectInSync(core, added.id, {"vpn.md": "ready", "alias.md": "ready", "leak.json": "FILE_UNREADABLE"}, "the links");
    expect((await core.knowledge.search({query: "zebracorn secret value", mode: "text"})).hits).toEqual([]);
  });

  it("takes a burst of 500 files, then 250 deletions", async () => {
    const core = await withCore();
    const root = tempFolder();
    const added = await core.folders.add(root);
    await expectInSync(core, added.id, {}, "an empty folder");
    const expected: Record<string, string> = {};
    const started = Date.now();
    for (let i = 0; i < 500; i++) {
      const relative = `team-${i % 5}/runbook-${i}.md`;
      write(root, relative, `# Runbook ${i}\n\nTicket ${i * 7919}: step ${i} of the procedure for queue ${i % 13}.\n`);
      expected[relative] = "ready";
    }
    await until(() => core.folders.get(added.id).documents, (count) => count === 500, "500 documents", 240_000);
    await expectInSync(core, added.id, expected, "500 files");
    const tookMs = Date.now() - started;
    for (let i = 0; i < 500; i += 2) {
      fs.rmSync(path.join(root, `team-${i % 5}/runbook-${i}.md`));
      delete expected[`team-${i % 5}/runbook-${i}.md`];
    }
    await expectInSync(core, added.id, expected, "250 deletions");
    console.log(`[watched-folders] 500 files in sync after ${tookMs} ms`);
  }, 300_000);

  it("keeps the documents of a folder that disappears, and syncs it again when it is back", async () => {
    const core = await withCore();
    const root = tempFolder();
    write(root, "a.md", "# Alpha\n\nReset the badge reader.\n");
    write(root, "b.md", "# Beta\n\nRe-enrol the token.\n");
    const added = await core.folders.add(root);
    await expectInSync(core, added.id, {"a.md": "ready", "b.md": "ready"}, "the first scan");

    const other = tempFolder();
    const second = await core.folders.add(other);
    await expectInSync(core, second.id, {}, "a second folder");

    fs.rmSync(root, {recursive: true});
    const missing = await until(() => core.folders.get(added.id), (folder) => folder.state === "missing", "the folder to be missing");
    expect(missing.error?.code).toBe("FOLDER_MISSING");
    // Only that folder is affected: the other one keeps following its changes.
    write(other, "d.md", "# Delta\n\nRebuild the search index.\n");
    await expectInSync(core, second.id, {"d.md": "ready"}, "the other folder, meanwhile");
    // Kept: a drive that is not connected is no instruction to forget its runbooks.
    expect(folderDocs(core, root)).toHaveLength(2);
    expect((await core.knowledge.search({query: "badge reader", mode: "text"})).hits.length).toBeGreaterThan(0);

    fs.mkdirSync(root);
    write(root, "c.md", "# Gamma\n\nClear the DNS cache.\n");
    await expectInSync(core, added.id, {"c.md": "ready"}, "the folder back with other files");
  });

  it("picks up changes made while Deskside was closed, without importing unchanged files again", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-core-"));
    cleanups.push(() => fs.rmSync(dataDir, {recursive: true, force: true}));
    const root = tempFolder();
    write(root, "keep.md", "# Keep\n\nThis runbook does not change.\n");
    write(root, "edit.md", "# Edit\n\nThe old procedure.\n");
    write(root, "gone.md", "# Gone\n\nDeleted while closed.\n");
    write(root, "move.md", "# Move\n\nRenamed while closed.\n");
    let core = await openCore(dataDir);
    const added = await core.folders.add(root, "Ops");
    await expectInSync(core, added.id, {"keep.md": "ready", "edit.md": "ready", "gone.md": "ready", "move.md": "ready"}, "the first scan");
    const keptId = folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("keep.md"))!.id;
    const movedId = folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("move.md"))!.id;
    await core.close();

    write(root, "edit.md", "# Edit\n\nThe new procedure, written while Deskside was closed.\n");
    fs.rmSync(path.join(root, "gone.md"));
    fs.renameSync(path.join(root, "move.md"), path.join(root, "moved.md"));
    write(root, "new.md", "# New\n\nAdded while closed.\n");
    // Same content, newer time: compared by content, so not imported again.
    fs.utimesSync(path.join(root, "keep.md"), new Date(), new Date(Date.now() + 60_000));

    core = await openCore(dataDir);
    cleanups.push(() => core.close());
    expect(core.folders.list()).toEqual([expect.objectContaining({id: added.id, path: root, collection: "Ops"})]);
    await expectInSync(core, added.id, {"keep.md": "ready", "edit.md": "ready", "moved.md": "ready", "new.md": "ready"}, "the rescan at start");
    expect(folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("keep.md"))!.id).toBe(keptId);
    expect(folderDocs(core, root).find((doc) => doc.sourcePath.endsWith("moved.md"))!.id).toBe(movedId);
    expect(folderDocs(core, root).every((doc) => doc.collection === "Ops")).toBe(true);
  });

  it("pauses, resumes, and removes a folder with or without its documents", async () => {
    const core = await withCore();
    const root = tempFolder();
    write(root, "a.md", "# Alpha\n\nFirst.\n");
    const added = await core.folders.add(root);
    await expectInSync(core, added.id, {"a.md": "ready"}, "the first scan");

    expect((await core.folders.setPaused(added.id, true)).state).toBe("paused");
    write(root, "b.md", "# Beta\n\nWritten while paused.\n");
    await settle();
    expect(folderDocs(core, root)).toHaveLength(1);
    expect(core.folders.get(added.id)).toMatchObject({state: "paused", paused: true});

    await core.folders.setPaused(added.id, false);
    await expectInSync(core, added.id, {"a.md": "ready", "b.md": "ready"}, "resuming");

    // Kept: the documents stay, and watching the folder again takes them over as they are.
    const ids = folderDocs(core, root)
      .map((doc) => doc.id)
      .sort();
    expect(await core.folders.remove(added.id, true)).toBe(0);
    expect(core.folders.list()).toEqual([]);
    write(root, "c.md", "# Gamma\n\nWritten after removal.\n");
    await settle();
    expect(folderDocs(core, root)).toHaveLength(2);
    const again = await core.folders.add(root);
    await expectInSync(core, again.id, {"a.md": "ready", "b.md": "ready", "c.md": "ready"}, "watching it again");
    expect(
      folderDocs(core, root)
        .filter((doc) => !doc.sourcePath.endsWith("c.md"))
        .map((doc) => doc.id)
        .sort(),
    ).toEqual(ids);

    expect(await core.folders.remove(again.id, false)).toBe(3);
    expect(folderDocs(core, root)).toHaveLength(0);
  });

  it("refuses a folder that does not exist, a relative path, an overlapping folder and the data folder", async () => {
    const core = await withCore();
    const root = tempFolder();
    fs.mkdirSync(path.join(root, "inner"));
    await expectErrorCode(core.folders.add(path.join(root, "nope")), "FOLDER_NOT_FOUND");
    write(root, "file.md", "# A file\n");
    await expectErrorCode(core.folders.add(path.join(root, "file.md")), "FOLDER_NOT_FOUND");
    await expectErrorCode(core.folders.add("relative/folder"), "INVALID_INPUT");
    const added = await core.folders.add(root);
    await expectErrorCode(core.folders.add(root), "FOLDER_ALREADY_WATCHED");
    await expectErrorCode(core.folders.add(path.join(root, "inner")), "FOLDER_ALREADY_WATCHED");
    await expectErrorCode(core.folders.add(path.dirname(root)), "FOLDER_ALREADY_WATCHED");
    await expectErrorCode(core.folders.add(core.dataDir), "FOLDER_ALREADY_WATCHED");
    await expectErrorCode(core.folders.setPaused("no-such-id", true), "NOT_FOUND");
    await expectInSync(core, added.id, {"file.md": "ready"}, "the folder that was added");
  });

  it("compares every file again when the clock jumps (the machine slept)", async () => {
    const core = await withCore();
    const root = tempFolder();
    write(root, "a.md", "# Alpha\n\nFirst.\n");
    const registryDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-registry-"));
    cleanups.push(() => fs.rmSync(registryDir, {recursive: true, force: true}));
    const folders = new WatchedFolders({
      knowledge: core.knowledge,
      registry: new FolderRegistry(registryDir),
      events: {emit: () => undefined},
      log: {warn: () => undefined},
      dataDir: core.dataDir,
      maxFileBytes: () => 50 * 1024 * 1024,
      maxBatchFiles: () => 500,
      sleepCheckMs: 100,
    });
    cleanups.push(() => folders.close());
    folders.start();
    const added = await folders.add(root);
    await until(() => folders.get(added.id), (f) => f.state === "watching" && f.documents === 1, "the first scan");
    const scanned = folders.get(added.id).lastScanAt;
    vi.useFakeTimers({toFake: ["Date"]});
    cleanups.push(() => {
      vi.useRealTimers();
    });
    vi.setSystemTime(Date.now() + 120_000);
    const after = await until(() => folders.get(added.id), (f) => f.lastScanAt !== scanned && f.state === "watching", "a rescan after the jump", 20_000);
    expect(Date.parse(after.lastScanAt!)).toBeGreaterThan(Date.parse(scanned!));
  });

  it("keeps a damaged list of watched folders aside and starts with none", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-core-"));
    cleanups.push(() => fs.rmSync(dataDir, {recursive: true, force: true}));
    fs.writeFileSync(path.join(dataDir, REGISTRY_FILE), '{"version": 1, "folders": [{"id": ');
    const core = await openCore(dataDir);
    cleanups.push(() => core.close());
    expect(core.folders.list()).toEqual([]);
    const kept = fs.readdirSync(dataDir).filter((name) => name.startsWith(`${REGISTRY_FILE}.corrupt-`));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, kept[0]), "utf8")).toContain('"folders"');
    // A new list is written beside it once a folder is added.
    const root = tempFolder();
    await core.folders.add(root);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, REGISTRY_FILE), "utf8")).folders).toHaveLength(1);
  });
});
