/**
 * Knowledge packs through the real knowledge service: LanceDB in temp folders, the fixture embedder
 * (transformers.js) and the fixture GGUF as a second embedding model. The receiving side of the
 * round trip has an embedding model that cannot run (its graph moved aside), so an import that
 * embedded anything would fail: the vectors it ends up with can only have come from the pack.
 */
import {spawn} from "node:child_process";
import {createHash, randomUUID} from "node:crypto";
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import {createInterface} from "node:readline";
import {pathToFileURL} from "node:url";
import {gunzipSync, gzipSync} from "node:zlib";
import path from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {defaultSettings} from "../../shared/settings.js";
import type {PackImportProgress} from "../../shared/knowledge.js";
import {createKnowledgeService, type KnowledgeService, type KnowledgeServiceOptions} from "../../electron/core/knowledge/knowledge-service.js";
import {PACK_MAGIC, readPackChunks, verifyPack, writePack, type PackChunk} from "../../electron/core/knowledge/knowledge-pack.js";
import {KnowledgeStore} from "../../electron/core/knowledge/store.js";
import {makePng} from "../helpers/document-fixtures.js";
import {expectDesksideError} from "../helpers/expect-error.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF, REPO_ROOT} from "../helpers/fixtures.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `deskside-${prefix}-`));
  cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

async function openService(options: Partial<KnowledgeServiceOptions> = {}): Promise<KnowledgeService> {
  const service = await createKnowledgeService({
    dataDir: tempDir("data"),
    embeddingModelDirs: [],
    embeddingModel: FIXTURE_EMBEDDER_DIR,
    settings: {...defaultSettings().knowledge, chunkSize: 40, chunkOverlap: 8},
    parserPoolSize: 0,
    threads: () => 1,
    appVersion: "9.9.9-test",
    ...options,
  });
  let closed = false;
  cleanups.push(() => (closed ? undefined : service.close()));
  const close = service.close.bind(service);
  service.close = async () => {
    closed = true;
    await close();
  };
  return service;
}

const ARTICLES: Record<string, string> = {
  "vpn/error-809.md": `# VPN error 809

## Symptoms

The VPN client says error 809: the remote server is not responding. It happens in hotels and on guest Wi-Fi.

## Fix

1. Try a phone hotspot to rule out a network that blocks IPsec.
2. Switch the profile to SSTP, which goes through port 443.
`,
  "vpn/mfa-loop.md": `# MFA prompt loops on VPN sign-in

The authenticator approves the request but the VPN client asks again. Check the clock on the laptop;
a skew of more than five minutes makes the token invalid. Sync the time and reconnect.
`,
  "printers/paper-jam.txt": "Tray 2 paper jam on the Brother HL-L2350 at reception: open the back cover, pull the sheet straight out, and reseat the tray.\n",
};

function writeArticles(root: string, articles: Record<string, string> = ARTICLES): string[] {
  return Object.entries(articles).map(([name, text]) => {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), {recursive: true});
    writeFileSync(file, text);
    return file;
  });
}

async function importInto(service: KnowledgeService, paths: string[], collection: string | null) {
  const job = await service.importPaths(paths, {collection});
  const finished = await service.waitForJob(job.id);
  expect(finished.counts.failed).toBe(0);
  return finished;
}

/** Every passage of a pack, keyed by document title and ordinal. */
async function packChunks(file: string): Promise<Map<string, PackChunk>> {
  const pack = await verifyPack(file);
  const titles = new Map(pack.documents.map((doc) => [doc.id, doc.title]));
  const chunks = new Map<string, PackChunk>();
  await readPackChunks(pack, (chunk) => void chunks.set(`${titles.get(chunk.document)}#${chunk.ordinal}`, chunk));
  return chunks;
}

/** What a knowledge base shows: documents (without ids and times) and passage counts. */
async function snapshot(service: KnowledgeService) {
  const stats = await service.stats();
  return {
    documents: service
      .listDocuments()
      .map((doc) => ({title: doc.title, collection: doc.collection, status: doc.status, chunks: doc.chunkCount, sha256: doc.sha256}))
      .sort((a, b) => a.title.localeCompare(b.title) || String(a.collection).localeCompare(String(b.collection))),
    chunks: stats.chunks,
    collections: stats.collections,
  };
}

/** A knowledge base with the articles in "Runbooks", one more document elsewhere, and a pack of "Runbooks". */
async function exportedRunbooks() {
  const source = await openService();
  const root = tempDir("articles");
  const files = writeArticles(root);
  await importInto(source, files, "Runbooks");
  const other = path.join(root, "other.md");
  writeFileSync(other, "# Badge printer\n\nThe badge printer at the gate needs a new ribbon every 300 badges.\n");
  await importInto(source, [other], "Facilities");
  const file = path.join(tempDir("packs"), "runbooks");
  const exported = await source.exportPack(file, {collection: "Runbooks"});
  return {source, root, file: exported.path, exported};
}

describe("knowledge packs: export and import with the same embedding model", () => {
  it("round-trips documents, passages and identical vectors without embedding anything", async () => {
    const {source, file, exported} = await exportedRunbooks();
    expect(exported.path.endsWith(".deskpack")).toBe(true);
    expect(exported.manifest).toMatchObject({
      format: "deskside-knowledge-pack",
      formatVersion: 1,
      appVersion: "9.9.9-test",
      collection: "Runbooks",
      collections: ["Runbooks"],
      embedding: {model: "static-glove-wordpiece", dimension: 100},
      payload: {encoding: "jsonl+gzip"},
    });
    const runbooks = source.listDocuments().filter((doc) => doc.collection === "Runbooks");
    const chunkTotal = runbooks.reduce((sum, doc) => sum + doc.chunkCount, 0);
    expect(exported.manifest.counts).toEqual({documents: 3, chunks: chunkTotal, vectors: chunkTotal});
    expect(readFileSync(file).subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)).toBe(true);
    // No temporary file is left beside it.
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);

    // The receiving side adopts a copy of the same model, then loses the model's graph: it still
    // knows the model's name and vector size, but cannot embed a single text.
    const modelsDir = tempDir("models");
    const model = path.join(modelsDir, "static-glove-wordpiece");
    cpSync(FIXTURE_EMBEDDER_DIR, model, {recursive: true});
    const dataDir = tempDir("receiver");
    await (await openService({dataDir, embeddingModel: model})).close();
    renameSync(path.join(model, "onnx", "model.onnx"), path.join(model, "onnx", "model_moved_aside.onnx"));
    const target = await openService({dataDir, embeddingModel: model});
    expect(await target.stats()).toMatchObject({embeddingModel: "static-glove-wordpiece", embeddingModelOpen: false});
    await expect(target.embedTexts(["anything"])).rejects.toBeTruthy();

    const result = await target.importPack(file);
    expect(result).toMatchObject({vectors: "pack", embeddingModel: "static-glove-wordpiece", skipped: [], replaced: [], chunks: chunkTotal});
    expect(result.imported.map((doc) => doc.title).sort()).toEqual(runbooks.map((doc) => doc.title).sort());

    // Same documents and passage counts as the source's collection.
    const strip = (s: Awaited<ReturnType<typeof snapshot>>) => s.documents.filter((doc) => doc.collection === "Runbooks");
    expect(strip(await snapshot(target))).toEqual(strip(await snapshot(source)));
    for (const doc of target.listDocuments()) expect(doc).toMatchObject({status: "ready", embeddingModel: "static-glove-wordpiece", origin: "import"});
    // Sources keep the file name only: the exporting machine's folders are not in the pack.
    expect(target.listDocuments().map((doc) => doc.sourcePath).sort()).toEqual(["error-809.md", "mfa-loop.md", "paper-jam.txt"]);

    // The same passages with bit-identical vectors: exported again from the receiver and compared.
    const again = path.join(tempDir("packs"), "again.deskpack");
    await target.exportPack(again, {collection: "Runbooks"});
    const before = await packChunks(file);
    const after = await packChunks(again);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, chunk] of before) {
      const copy = after.get(key)!;
      expect(copy.text).toBe(chunk.text);
      expect(copy.headingPath).toEqual(chunk.headingPath);
      expect(Buffer.from(copy.vector!.buffer).equals(Buffer.from(chunk.vector!.buffer))).toBe(true);
    }
    expect(target.listDocuments().find((doc) => doc.title === "VPN error 809")!.chunkCount).toBeGreaterThan(1);

    // Words are found at once; meaning too, once the model can run again.
    const words = await target.search({query: "hotel guest wifi error 809", mode: "text"});
    expect(words.hits[0]?.title).toBe("VPN error 809");
    renameSync(path.join(model, "onnx", "model_moved_aside.onnx"), path.join(model, "onnx", "model.onnx"));
    const meaning = await target.search({query: "the authenticator keeps asking again when I connect", mode: "vector"});
    expect(meaning.effectiveMode).toBe("vector");
    expect(meaning.hits[0]?.title).toBe("MFA prompt loops on VPN sign-in");
  });

  it("skips what is already there, puts a pack into a named collection, and replaces an updated document", async () => {
    const {source, root, file} = await exportedRunbooks();
    const target = await openService();
    const first = await target.importPack(file);
    expect(first.imported).toHaveLength(3);

    // The same pack again: every document is already in its collection.
    const second = await target.importPack(file);
    expect(second.imported).toEqual([]);
    expect(second.skipped.map((doc) => doc.reason)).toEqual(["already in Runbooks", "already in Runbooks", "already in Runbooks"]);
    expect(second.skipped.every((doc) => first.imported.some((imported) => imported.id === doc.documentId))).toBe(true);

    // Into another collection: imported again, under numbered sources so neither copy replaces the other.
    const copy = await target.importPack(file, {collection: "VPN archive"});
    expect(copy.imported.map((doc) => doc.collection)).toEqual(["VPN archive", "VPN archive", "VPN archive"]);
    expect(target.listDocuments().filter((doc) => doc.collection === "VPN archive").map((doc) => doc.sourcePath).sort()).toEqual(["error-809 (2).md", "mfa-loop (2).md", "paper-jam (2).txt"]);
    expect(target.listDocuments().filter((doc) => doc.collection === "Runbooks")).toHaveLength(3);

    // An updated article in a newer pack replaces its earlier version; the unchanged ones are skipped.
    writeFileSync(path.join(root, "vpn", "error-809.md"), `${ARTICLES["vpn/error-809.md"]}\n3. If SSTP fails too, open a ticket with the network team.\n`);
    await importInto(source, [path.join(root, "vpn", "error-809.md")], "Runbooks");
    const newer = await source.exportPack(path.join(tempDir("packs"), "newer.deskpack"), {collection: "Runbooks"});
    const update = await target.importPack(newer.path);
    expect(update.imported.map((doc) => doc.title)).toEqual(["VPN error 809"]);
    expect(update.replaced.map((doc) => doc.title)).toEqual(["VPN error 809"]);
    expect(update.skipped).toHaveLength(2);
    const runbooks = target.listDocuments().filter((doc) => doc.collection === "Runbooks");
    expect(runbooks).toHaveLength(3);
    const text = await target.documentText(runbooks.find((doc) => doc.title === "VPN error 809")!.id);
    expect(text.text).toContain("open a ticket with the network team");
  });

  it("imports packs one at a time, so two copies of one pack sent together add it once", async () => {
    const {file} = await exportedRunbooks();
    const target = await openService();
    const [first, second] = await Promise.all([target.importPack(file), target.importPack(file)]);
    expect(first.imported).toHaveLength(3);
    expect(second.imported).toEqual([]);
    expect(second.skipped).toHaveLength(3);
    expect(target.listDocuments()).toHaveLength(3);
  });

  it("keeps the OCR mark of passages read from scans, and the import's notes on the file", async () => {
    const file = path.join(tempDir("packs"), "scan.deskpack");
    const note = "Text was recognised by OCR (eng); check names and numbers against the image.";
    const doc = {id: "scan", title: "Scanned warranty card", source: "warranty.png", sha256: "", mime: "image/png", kind: "image", collection: "Scans", sizeBytes: 90_000, importedAt: new Date().toISOString(), origin: "import", notes: [note]};
    async function* chunks(): AsyncGenerator<PackChunk[]> {
      yield [{document: "scan", ordinal: 0, text: "Warranty valid for three years from the date of purchase.", headingPath: [], page: 1, row: null, vector: null, ocr: true}];
    }
    await writePack(file, {appVersion: "test", collection: "Scans", embedding: null, documents: [doc], chunks: chunks()});
    const target = await openService();
    await target.importPack(file);
    const hit = (await target.search({query: "warranty three years", mode: "text"})).hits[0];
    expect(hit).toMatchObject({title: "Scanned warranty card", page: 1, ocr: true});
    expect(target.listDocuments().find((d) => d.id === hit.documentId)?.notes).toEqual([note]);
    const again = path.join(tempDir("packs"), "again.deskpack");
    await target.exportPack(again);
    expect([...(await packChunks(again)).values()].map((chunk) => chunk.ocr)).toEqual([true]);
    expect((await verifyPack(again)).documents.map((d) => d.notes)).toEqual([[note]]);
  });

  it("exports the whole knowledge base with each document's collection", async () => {
    const {source} = await exportedRunbooks();
    const all = await source.exportPack(path.join(tempDir("packs"), "all.deskpack"));
    expect(all.manifest).toMatchObject({collection: null, collections: ["Facilities", "Runbooks"], counts: {documents: 4}});
    const target = await openService();
    const result = await target.importPack(all.path);
    expect(result.imported).toHaveLength(4);
    expect((await target.stats()).collections).toEqual(["Facilities", "Runbooks"]);
    await expect(source.exportPack(path.join(tempDir("packs"), "none.deskpack"), {collection: "No such"})).rejects.toMatchObject({code: "NOT_FOUND"});
  });
});

describe("knowledge packs: a different embedding model", () => {
  it("embeds the passages again with the model in use, and vector search works", async () => {
    const {file, exported} = await exportedRunbooks();
    const modelsDir = tempDir("models");
    cpSync(FIXTURE_GGUF, path.join(modelsDir, "tiny-embed.gguf"));
    const target = await openService({embeddingModel: null, embeddingModelDirs: [modelsDir]});
    expect(target.embeddingModel()).toMatchObject({id: "tiny-embed.gguf", dimension: 8});

    const result = await target.importPack(file);
    expect(result).toMatchObject({vectors: "embedded", embeddingModel: "tiny-embed.gguf", chunks: exported.manifest.counts.chunks});
    for (const doc of target.listDocuments()) expect(doc.embeddingModel).toBe("tiny-embed.gguf");

    const vector = await target.search({query: "VPN error 809 hotel", mode: "vector"});
    expect(vector.effectiveMode).toBe("vector");
    expect(vector.hits.length).toBeGreaterThan(0);
    expect(vector.hits.every((hit) => hit.scores.vector !== undefined)).toBe(true);

    // The vectors in the knowledge base are the new model's: 8 numbers, not the pack's 100.
    const again = path.join(tempDir("packs"), "again.deskpack");
    const reexported = await target.exportPack(again);
    expect(reexported.manifest.embedding).toEqual({model: "tiny-embed.gguf", dimension: 8});
    for (const chunk of (await packChunks(again)).values()) expect(chunk.vector).toHaveLength(8);
  });

  it("carries a text-only knowledge base, whose passages get vectors where a model is", async () => {
    const source = await openService({embeddingModel: null});
    const root = tempDir("articles");
    await importInto(source, writeArticles(root), "Runbooks");
    const exported = await source.exportPack(path.join(tempDir("packs"), "text-only.deskpack"));
    expect(exported.manifest).toMatchObject({embedding: null, counts: {documents: 3, vectors: 0}});
    const target = await openService();
    const result = await target.importPack(exported.path);
    expect(result).toMatchObject({vectors: "embedded", embeddingModel: "static-glove-wordpiece"});
    const meaning = await target.search({query: "the authenticator keeps asking again when I connect", mode: "vector"});
    expect(meaning.hits[0]?.title).toBe("MFA prompt loops on VPN sign-in");
    // And the other way: into a knowledge base without a model, as text.
    const textOnly = await openService({embeddingModel: null});
    expect((await textOnly.importPack(exported.path)).vectors).toBe("none");
    expect((await textOnly.search({query: "error 809", mode: "text"})).hits[0]?.title).toBe("VPN error 809");
  });

  it("reports progress from checking to the end", async () => {
    const {file} = await exportedRunbooks();
    const modelsDir = tempDir("models");
    cpSync(FIXTURE_GGUF, path.join(modelsDir, "tiny-embed.gguf"));
    const progress: PackImportProgress[] = [];
    const target = await openService({
      embeddingModel: null,
      embeddingModelDirs: [modelsDir],
      events: {emit: (name, payload) => void (name === "knowledge.packImport" && progress.push(payload as PackImportProgress))},
    });
    const result = await target.importPack(file);
    const states = progress.map((p) => p.state);
    expect(states[0]).toBe("verifying");
    expect(states.at(-1)).toBe("done");
    expect(states).toContain("writing");
    expect(progress.at(-1)).toMatchObject({done: result.chunks, total: result.chunks, error: null});
    expect(new Set(progress.map((p) => p.id)).size).toBe(1);
  });
});

describe("knowledge packs: bad files change nothing", () => {
  /** A knowledge base with one document of its own, to show it is left exactly as it was. */
  async function receiver() {
    const target = await openService();
    const root = tempDir("own");
    writeFileSync(path.join(root, "own.md"), "# Our own runbook\n\nRestart the print spooler when jobs are stuck in the queue.\n");
    await importInto(target, [path.join(root, "own.md")], "Own");
    return {target, before: await snapshot(target)};
  }

  async function refused(target: KnowledgeService, file: string, code: string, reason?: string) {
    const error = await expectDesksideError(target.importPack(file));
    expect(error.code).toBe(code);
    if (reason) expect(error.details?.reason).toBe(reason);
    expect(error.message).toMatch(/nothing was imported|nothing more was imported/);
    return error;
  }

  it("refuses a changed byte, a cut-off file, a foreign file and a pack from a newer version", async () => {
    const {file} = await exportedRunbooks();
    const {target, before} = await receiver();
    const bytes = readFileSync(file);
    const dir = tempDir("bad");
    const write = (name: string, content: Uint8Array) => {
      const out = path.join(dir, name);
      writeFileSync(out, content);
      return out;
    };
    const manifestLength = bytes.readUInt32BE(PACK_MAGIC.length);
    const payloadStart = PACK_MAGIC.length + 4 + manifestLength;

    // One byte of the payload changed.
    const tampered = Buffer.from(bytes);
    tampered[payloadStart + Math.floor((bytes.length - payloadStart) / 2)] ^= 0x01;
    await refused(target, write("tampered.deskpack", tampered), "PACK_INVALID", "checksum");

    // One byte of the manifest changed (the app version): the payload's copy of it disagrees.
    const manifestText = bytes.subarray(PACK_MAGIC.length + 4, payloadStart).toString("utf8");
    const edited = Buffer.from(bytes);
    Buffer.from(manifestText.replace("9.9.9-test", "9.9.8-test")).copy(edited, PACK_MAGIC.length + 4);
    await refused(target, write("edited.deskpack", edited), "PACK_INVALID", "malformed");

    // Cut off: at the end, inside the manifest, inside the header.
    await refused(target, write("cut.deskpack", bytes.subarray(0, bytes.length - 100)), "PACK_INVALID", "truncated");
    await refused(target, write("cut-manifest.deskpack", bytes.subarray(0, PACK_MAGIC.length + 4 + 20)), "PACK_INVALID", "truncated");
    await refused(target, write("cut-header.deskpack", bytes.subarray(0, 8)), "PACK_INVALID", "truncated");
    // Something appended.
    await refused(target, write("longer.deskpack", Buffer.concat([bytes, Buffer.from("extra")])), "PACK_INVALID", "trailing-bytes");

    // Not packs at all.
    await refused(target, write("picture.deskpack", makePng()), "PACK_INVALID", "not-a-pack");
    await refused(target, write("notes.deskpack", Buffer.from("These are my notes, not a pack.\n")), "PACK_INVALID", "not-a-pack");
    await refused(target, write("empty.deskpack", Buffer.alloc(0)), "PACK_INVALID", "not-a-pack");

    // A valid checksum over a payload that is not what a pack holds.
    const garbage = gzipSync(Buffer.from('{"type":"chunk","nonsense":true}\n'));
    const manifest = JSON.parse(manifestText);
    manifest.payload = {encoding: "jsonl+gzip", bytes: garbage.length, sha256: createHash("sha256").update(garbage).digest("hex")};
    const json = Buffer.from(JSON.stringify(manifest));
    const header = Buffer.alloc(PACK_MAGIC.length + 4);
    PACK_MAGIC.copy(header);
    header.writeUInt32BE(json.length, PACK_MAGIC.length);
    await refused(target, write("forged.deskpack", Buffer.concat([header, json, garbage])), "PACK_INVALID", "malformed");

    // Made by a newer Deskside: the version is read before anything else in the manifest.
    const future = Buffer.from(bytes);
    const newer = manifestText.replace('"formatVersion":1', '"formatVersion":7').replace('"format":"deskside-knowledge-pack"', '"format":"deskside-knowledge-pack","futureField":1');
    const slot = Buffer.alloc(manifestLength, 0x20);
    Buffer.from(newer.trimEnd()).copy(slot);
    expect(Buffer.byteLength(newer.trimEnd())).toBeLessThanOrEqual(manifestLength);
    slot.copy(future, PACK_MAGIC.length + 4);
    const error = await refused(target, write("future.deskpack", future), "PACK_VERSION_UNSUPPORTED");
    expect(error.message).toContain("pack format 7");
    expect(error.message).toContain("Update Deskside");

    expect(await snapshot(target)).toEqual(before);
    // The good pack still imports afterwards.
    expect((await target.importPack(file)).imported).toHaveLength(3);
  });

  it("reads fields it does not know, as a later version of the same format may add them", async () => {
    const {file} = await exportedRunbooks();
    const bytes = readFileSync(file);
    const manifestLength = bytes.readUInt32BE(PACK_MAGIC.length);
    const payloadStart = PACK_MAGIC.length + 4 + manifestLength;
    const manifest = JSON.parse(bytes.subarray(PACK_MAGIC.length + 4, payloadStart).toString("utf8"));
    const lines = gunzipSync(bytes.subarray(payloadStart)).toString("utf8").trimEnd().split("\n").map((line) => JSON.parse(line));
    const extended = lines.map((line) => (line.type === "end" ? {...line, manifest: {...line.manifest, madeOn: "kiosk-7"}, note: 1} : {...line, confidence: 0.9}));
    const payload = gzipSync(Buffer.from(extended.map((line) => JSON.stringify(line)).join("\n") + "\n"));
    const json = Buffer.from(JSON.stringify({...manifest, madeOn: "kiosk-7", payload: {...manifest.payload, bytes: payload.length, sha256: createHash("sha256").update(payload).digest("hex")}}));
    const header = Buffer.alloc(PACK_MAGIC.length + 4);
    PACK_MAGIC.copy(header);
    header.writeUInt32BE(json.length, PACK_MAGIC.length);
    const later = path.join(tempDir("later"), "later.deskpack");
    writeFileSync(later, Buffer.concat([header, json, payload]));
    const target = await openService();
    expect((await target.importPack(later)).imported).toHaveLength(3);
  });

  it("leaves nothing visible when an import is stopped half-way, and removes what it had written", async () => {
    // A long article, so the import writes several batches of passages before it is stopped.
    const source = await openService();
    const root = tempDir("long");
    const sections = Array.from({length: 300}, (_, i) => `## Step ${i + 1}\n\nOn the quarantine server number ${i + 1}, rotate the certificate, restart the relay service and confirm the queue drains within five minutes of the change.\n`);
    writeFileSync(path.join(root, "long.md"), `# Relay certificate rotation\n\n${sections.join("\n")}`);
    await importInto(source, [path.join(root, "long.md")], "Long");
    const file = (await source.exportPack(path.join(tempDir("packs"), "long.deskpack"))).path;
    // Stopped once passages are written: more than a slice of the store's writes.
    expect((await verifyPack(file)).manifest.counts.chunks).toBeGreaterThan(256);

    const dataDir = tempDir("receiver");
    const controller = new AbortController();
    let writtenWhenStopped = 0;
    let target = await openService({
      dataDir,
      events: {
        emit: (name, payload) => {
          const progress = payload as PackImportProgress;
          if (name === "knowledge.packImport" && progress.state === "writing" && progress.done > 0 && !controller.signal.aborted) {
            writtenWhenStopped = progress.done;
            controller.abort();
          }
        },
      },
    });
    const own = path.join(root, "own.md");
    writeFileSync(own, "# Our own runbook\n\nRestart the print spooler when jobs are stuck in the queue.\n");
    await importInto(target, [own], "Own");
    const before = await snapshot(target);
    await expect(target.importPack(file, {signal: controller.signal})).rejects.toMatchObject({code: "CANCELLED"});
    expect(writtenWhenStopped).toBeGreaterThan(0);
    expect(await snapshot(target)).toEqual(before);
    expect((await target.search({query: "quarantine relay certificate", mode: "text"})).hits).toEqual([]);

    // What it had written is gone too: opening the store again finds no passages without a document.
    await target.close();
    target = await openService({dataDir});
    expect(target.storeHealth().orphanDocuments).toBe(0);
    expect(await snapshot(target)).toEqual(before);
  });

  it("shows staged passages to nobody, and a crash before the documents are written leaves nothing (store level)", async () => {
    const uri = path.join(tempDir("store"), "lancedb");
    let store = await KnowledgeStore.open({uri});
    await store.rebuild({id: "m", dimension: 3}, async (texts) => texts.map(() => new Float32Array([1, 0, 0])));
    const staging = store.beginStaging({id: "m", dimension: 3});
    expect(staging.withVectors).toBe(true);
    const doc = {
      id: randomUUID(),
      title: "Staged",
      sourcePath: "staged.md",
      sha256: "",
      mime: "text/markdown",
      kind: "markdown",
      collection: null,
      chunkCount: 1,
      sizeBytes: 10,
      importedAt: new Date().toISOString(),
      status: "ready" as const,
      origin: "import",
      embeddingModel: null,
      error: null,
      notes: [],
    };
    await store.stageChunks(staging, [{doc, chunk: {ordinal: 0, text: "staged words only", headingPath: [], page: null, row: null, vector: new Float32Array([1, 0, 0])}}]);
    expect(store.listDocuments()).toEqual([]);
    expect((await store.textCandidates("staged", {limit: 5})).filter((c) => store.isVisible(c.documentId))).toEqual([]);
    // "Crash": closed without committing.
    await store.close();
    store = await KnowledgeStore.open({uri});
    expect(store.listDocuments()).toEqual([]);
    expect(store.health().orphanDocuments).toBe(1);
    expect(await store.countChunks()).toBe(0);
    await store.close();
  });

  it("leaves nothing visible when the process is killed mid-import, and the pack imports afterwards", async () => {
    // 3,000 passages with vectors of the fixture model's name and size: several write steps.
    const work = tempDir("kill");
    const file = path.join(work, "bulk.deskpack");
    const documents = Array.from({length: 150}, (_, i) => ({id: `d${i}`, title: `Relay runbook ${i}`, source: `relay-${i}.md`, sha256: "", mime: "text/markdown", kind: "markdown", collection: "Relays", sizeBytes: 2000, importedAt: new Date().toISOString(), origin: "import"}));
    async function* chunks(): AsyncGenerator<PackChunk[]> {
      for (const doc of documents)
        yield Array.from({length: 20}, (_, ordinal) => ({document: doc.id, ordinal, text: `${doc.title}, step ${ordinal}: rotate the relay certificate and confirm the queue drains.`, headingPath: [doc.title], page: null, row: null, vector: new Float32Array(100).fill(0.1)}));
    }
    await writePack(file, {appVersion: "test", collection: "Relays", embedding: {model: "static-glove-wordpiece", dimension: 100}, documents, chunks: chunks()});
    const script = path.join(work, "import-pack-child.mts");
    writeFileSync(
      script,
      `import {createKnowledgeService} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "electron/core/knowledge/knowledge-service.ts")).href)};
import {defaultSettings} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "shared/settings.ts")).href)};
const [dataDir, pack, modelDir] = process.argv.slice(2);
const events = {emit: (name, payload) => name === "knowledge.packImport" && process.stdout.write(JSON.stringify(payload) + "\\n")};
const service = await createKnowledgeService({dataDir, embeddingModelDirs: [], embeddingModel: modelDir, settings: defaultSettings().knowledge, events});
await service.importPack(pack);
process.stdout.write(JSON.stringify({finished: true}) + "\\n");
`,
    );
    const dataDir = tempDir("killed");
    const killedAt = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", script, dataDir, file, FIXTURE_EMBEDDER_DIR], {cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"]});
      let stderr = "";
      let written = 0;
      child.stderr.on("data", (data) => (stderr += data));
      createInterface({input: child.stdout}).on("line", (text) => {
        const line = JSON.parse(text) as {state?: string; done?: number; finished?: boolean};
        if (line.state === "writing" && (line.done ?? 0) > 0 && written === 0) {
          written = line.done!;
          child.kill("SIGKILL");
        }
      });
      child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(written) : reject(new Error(`child ended with ${code} before it wrote anything: ${stderr.slice(-2000)}`))));
    });
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(3000);

    // Passages were on disk without their documents: nothing shows, and opening removes them.
    const store = await KnowledgeStore.open({uri: path.join(dataDir, "lancedb")});
    expect(store.listDocuments()).toEqual([]);
    expect(store.health().orphanDocuments).toBeGreaterThan(0);
    expect(await store.countChunks()).toBe(0);
    await store.close();
    const target = await openService({dataDir});
    expect((await target.importPack(file)).imported).toHaveLength(150);
    expect((await target.stats()).chunks).toBe(3000);
  });
});
