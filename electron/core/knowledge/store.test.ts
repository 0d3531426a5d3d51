import {mkdtempSync, rmSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import * as lancedb from "@lancedb/lancedb";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {createEmbedder, type Embedder} from "./embedder.js";
import {normalizeSearchRequest, searchWithVector} from "./search.js";
import type {ChunkRecord} from "./store-schema.js";
import {parseStoreUri} from "./store-uri.js";
import {KnowledgeStore} from "./store.js";
import {documentRecord} from "../../../test/helpers/document-records.js";
import {FIXTURE_EMBEDDER_DIR} from "../../../test/helpers/fixtures.js";

let embedder: Embedder;
beforeAll(async () => {
  embedder = await createEmbedder(FIXTURE_EMBEDDER_DIR);
});
afterAll(async () => {
  await embedder.close();
});

const doc = documentRecord;

async function chunks(texts: string[], withVectors = true): Promise<ChunkRecord[]> {
  const vectors = withVectors ? await embedder.embed(texts) : null;
  return texts.map((text, ordinal) => ({ordinal, text, headingPath: ["Guide", `Step ${ordinal}`], page: null, row: null, vector: vectors ? vectors[ordinal] : null}));
}

const model = () => ({id: embedder.modelId, dimension: embedder.dimension});

/** The chunks table the meta record points at, opened behind the store's back. */
async function activeChunksTable(db: lancedb.Connection): Promise<lancedb.Table> {
  const meta = await (await db.openTable("meta")).query().toArray();
  return db.openTable(String(meta.find((row) => row.key === "chunks_table")!.value));
}

describe("store location", () => {
  it("accepts local folders and well-formed object storage URIs", () => {
    expect(parseStoreUri("relative/folder")).toEqual({kind: "local", uri: path.resolve("relative/folder")});
    expect(parseStoreUri("s3://my-bucket/deskside/kb/")).toEqual({kind: "s3", uri: "s3://my-bucket/deskside/kb"});
    expect(parseStoreUri("gs://team_bucket")).toEqual({kind: "gs", uri: "gs://team_bucket"});
    expect(parseStoreUri("az://container-1/kb")).toEqual({kind: "az", uri: "az://container-1/kb"});
  });

  it.each(["s3://", "s3:///path", "s3://Bad_Bucket/x", "gs://a/x", "az://con--tainer/x", "s3://bucket name/x", "s3://bucket/a//b", "s3://bucket/x?secret=1", "http://example.com/kb", "db://cloud-db", "  "])(
    "rejects %s with STORE_URI_INVALID",
    (uri) => {
      expect(() => parseStoreUri(uri)).toThrow(expect.objectContaining({code: "STORE_URI_INVALID"}));
    },
  );
});

describe("knowledge store", () => {
  let dir: string;
  let store: KnowledgeStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "deskside-store-"));
    store = await KnowledgeStore.open({uri: dir});
    await store.rebuild(model(), (texts) => embedder.embed(texts));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, {recursive: true, force: true});
  });

  it("adopts the embedding model on an empty store and remembers it after reopening", async () => {
    expect(store.vectorModel()).toEqual({id: "static-glove-wordpiece", dimension: 100});
    await store.close();
    store = await KnowledgeStore.open({uri: dir});
    expect(store.vectorModel()).toEqual({id: "static-glove-wordpiece", dimension: 100});
  });

  it("trains a vector index at 25,000 passages, and trains it again once folds have split it into too many parts", async () => {
    // Random unit vectors: the index's shape is what is tested, not what it finds.
    let seed = 7;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const vector = () => {
      const v = Array.from({length: 100}, random);
      const norm = Math.hypot(...v);
      return Float32Array.from(v, (x) => x / norm);
    };
    const rows = (count: number, from = 0): ChunkRecord[] => Array.from({length: count}, (_, i) => ({ordinal: i, text: `passage ${from + i}`, headingPath: [], page: null, row: null, vector: vector()}));
    const parts = async () => {
      const db = await lancedb.connect(dir);
      const table = await activeChunksTable(db);
      const index = (await table.listIndices()).find((candidate) => candidate.columns.includes("vector"));
      const count = index ? ((await table.indexStats(index.name))?.numIndices ?? 0) : 0;
      table.close();
      db.close();
      return count;
    };
    await store.writeDocument(doc("bulk", "/kb/bulk.md"), rows(24_990), {vectorModel: model()});
    await store.optimize();
    expect(await parts()).toBe(0);
    await store.writeDocument(doc("more", "/kb/more.md"), rows(20, 24_990), {vectorModel: model()});
    await store.optimize();
    expect(await parts()).toBe(1);
    // Folds add the rows since the last as parts of their own (LanceDB merges some into the last
    // part); past four parts the index is trained again, as one.
    const seen: number[] = [];
    let last: ChunkRecord[] = [];
    for (let fold = 0; fold < 12 && !(seen.length > 1 && seen.at(-1) === 1 && seen.at(-2)! > 1); fold++) {
      last = rows(3_000, 30_000 + fold * 3_000);
      await store.writeDocument(doc(`fold${fold}`, `/kb/fold-${fold}.md`), last, {vectorModel: model()});
      await store.optimize();
      seen.push(await parts());
    }
    expect(seen).toContain(4);
    expect(seen.at(-1)).toBe(1);
    expect(Math.max(...seen)).toBe(4);
    const [hit] = await store.vectorSearch(last[7].vector!, {limit: 1});
    expect(hit).toMatchObject({documentId: `fold${seen.length - 1}`, ordinal: 7});
  }, 120_000);

  it("writes a document with its chunks and finds it by vector and by words", async () => {
    const written = await store.writeDocument(doc("d1", "/kb/password.md"), await chunks(["Reset a forgotten password from the admin portal", "Unlock the account after too many attempts"]), {vectorModel: model()});
    expect(written).toMatchObject({status: "ready", chunkCount: 2, embeddingModel: "static-glove-wordpiece"});
    const [queryVector] = await embedder.embed(["forgot my login credentials"]);
    const byVector = await store.vectorSearch(queryVector, {limit: 5});
    expect(byVector[0]).toMatchObject({documentId: "d1", ordinal: 0, headingPath: ["Guide", "Step 0"], title: "password.md"});
    const byWords = await store.textSearch("unlock account", {limit: 5});
    expect(byWords[0]).toMatchObject({id: "d1:1"});
    expect(byWords[0].bm25).toBeGreaterThan(0);
    expect(await store.getChunk("d1:1")).toMatchObject({text: "Unlock the account after too many attempts"});
  });

  it("hides chunks whose document row is missing and deletes them on reopen (crash between the two writes)", async () => {
    await store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["printer offline troubleshooting"]), {vectorModel: model()});
    // Simulate a crash after the chunks commit and before the document row: write chunks directly.
    const db = await lancedb.connect(dir);
    const chunkTable = await activeChunksTable(db);
    const [vector] = await embedder.embed(["printer offline again"]);
    await chunkTable.add([{id: "ghost:0", document_id: "ghost", ordinal: 0, text: "printer offline again", heading_path: [], page: null, row: null, collection: null, title: "ghost", source_path: "/kb/ghost.md", vector}]);
    chunkTable.close();
    db.close();

    const request = normalizeSearchRequest({query: "printer offline", topK: 5, mode: "hybrid"});
    const [queryVector] = await embedder.embed([request.query]);
    const before = await searchWithVector(store, request, queryVector);
    expect(before.hits.map((hit) => hit.documentId)).toEqual(["d1"]);
    expect(await store.getChunk("ghost:0")).toBeNull();

    await store.close();
    store = await KnowledgeStore.open({uri: dir});
    expect(await store.countChunks()).toBe(1);
  });

  it("rolls back the chunks when the write is cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["text"]), {vectorModel: model(), signal: controller.signal})).rejects.toMatchObject({code: "CANCELLED"});
    expect(await store.countChunks()).toBe(0);
    expect(store.listDocuments()).toEqual([]);
  });

  it("replaces the older document of the same source path, and keeps failures listed until then", async () => {
    await store.recordFailure(doc("f1", "/kb/a.md", {status: "failed", error: {code: "PARSE_FAILED", message: "broken"}}));
    expect(store.listDocuments()).toMatchObject([{id: "f1", status: "failed", error: {code: "PARSE_FAILED"}}]);
    await store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["first version"]), {vectorModel: model()});
    await store.writeDocument(doc("d2", "/kb/a.md", {sha256: "other"}), await chunks(["second version", "more"]), {vectorModel: model()});
    expect(store.listDocuments().map((d) => d.id)).toEqual(["d2"]);
    expect(await store.countChunks()).toBe(2);
  });

  it("keeps the newest of two documents from one path when a crash interrupted a replacement", async () => {
    await store.writeDocument(doc("old", "/kb/a.md", {importedAt: "2026-01-01T00:00:00.000Z"}), await chunks(["old text"]), {vectorModel: model()});
    // Write the replacement's rows directly, as if the process died before removing the old one.
    const db = await lancedb.connect(dir);
    const documents = await db.openTable("documents");
    const chunkTable = await activeChunksTable(db);
    const [vector] = await embedder.embed(["new text"]);
    await chunkTable.add([{id: "new:0", document_id: "new", ordinal: 0, text: "new text", heading_path: [], page: null, row: null, collection: null, title: "a.md", source_path: "/kb/a.md", vector}]);
    const oldRow = (await documents.query().toArray())[0];
    await documents.add([{...oldRow, id: "new", sha256: "new", imported_at: "2026-02-01T00:00:00.000Z"}]);
    db.close();
    await store.close();
    store = await KnowledgeStore.open({uri: dir});
    expect(store.listDocuments().map((d) => d.id)).toEqual(["new"]);
    expect(await store.countChunks()).toBe(1);
  });

  it("deletes a document with its chunks and moves documents between collections", async () => {
    await store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["vpn error 809 fix"]), {vectorModel: model()});
    await store.writeDocument(doc("d2", "/kb/b.md", {collection: "network"}), await chunks(["vpn split tunnel dns"]), {vectorModel: model()});
    expect((await store.textSearch("vpn", {limit: 5, collection: "network"})).map((hit) => hit.documentId)).toEqual(["d2"]);
    await store.setCollection("d1", "network");
    expect((await store.textSearch("vpn", {limit: 5, collection: "network"})).map((hit) => hit.documentId).sort()).toEqual(["d1", "d2"]);
    expect(await store.deleteDocument("d2")).toBe(true);
    expect(await store.deleteDocument("d2")).toBe(false);
    expect(await store.countChunks()).toBe(1);
    await expect(store.setCollection("nope", "x")).rejects.toMatchObject({code: "NOT_FOUND"});
  });

  it("moves documents to new paths and titles without touching their passages or vectors", async () => {
    await store.writeDocument(doc("d1", "/kb/vpn.md"), await chunks(["vpn error 809 fix", "allow udp 4500"]), {vectorModel: model()});
    await store.writeDocument(doc("d2", "/kb/printer.md"), await chunks(["printer queue stuck"]), {vectorModel: model()});
    const [queryVector] = await embedder.embed(["vpn error 809 fix"]);
    const before = await store.vectorSearch(queryVector, {limit: 5});

    const moved = await store.moveDocuments([
      {id: "d1", sourcePath: "/kb/network/contoso-vpn.md", title: "contoso-vpn.md"},
      {id: "d2", sourcePath: "/kb/hardware/printer.md"},
      {id: "unknown", sourcePath: "/kb/x.md"},
    ]);
    expect(moved.map((d) => [d.id, d.sourcePath, d.title])).toEqual([
      ["d1", "/kb/network/contoso-vpn.md", "contoso-vpn.md"],
      ["d2", "/kb/hardware/printer.md", "printer.md"],
    ]);
    // Same chunks, same vectors, new path and title on every chunk.
    const after = await store.vectorSearch(queryVector, {limit: 5});
    expect(after.map((hit) => [hit.id, hit.distance])).toEqual(before.map((hit) => [hit.id, hit.distance]));
    expect(after.filter((hit) => hit.documentId === "d1").every((hit) => hit.sourcePath === "/kb/network/contoso-vpn.md" && hit.title === "contoso-vpn.md")).toBe(true);
    // The new title is in the title-and-headings field (the word is nowhere else), on both chunks.
    expect((await store.textCandidates("contoso", {limit: 5, contextBoost: 1})).map((c) => c.id).sort()).toEqual(after.filter((hit) => hit.documentId === "d1").map((hit) => hit.id).sort());

    await store.close();
    store = await KnowledgeStore.open({uri: dir});
    expect(store.listDocuments().map((d) => [d.id, d.sourcePath, d.title]).sort()).toEqual([
      ["d1", "/kb/network/contoso-vpn.md", "contoso-vpn.md"],
      ["d2", "/kb/hardware/printer.md", "printer.md"],
    ]);
    expect(await store.countChunks()).toBe(3);
  });

  it("stores text-only documents next to vectors of another model, and re-indexing fills every vector", async () => {
    await store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["wifi keeps disconnecting"], false), {vectorModel: null});
    await store.writeDocument(doc("d2", "/kb/b.md"), await chunks(["vpn drops"]), {vectorModel: {id: "other-model", dimension: 100}});
    expect(store.listDocuments().map((d) => d.embeddingModel)).toEqual([null, null]);
    const [queryVector] = await embedder.embed(["wifi"]);
    expect(await store.vectorSearch(queryVector, {limit: 5})).toEqual([]);
    expect((await store.textSearch("wifi", {limit: 5})).length).toBe(1);

    const progress: number[] = [];
    await store.rebuild(model(), (texts) => embedder.embed(texts), {onProgress: (done) => progress.push(done)});
    expect(progress.at(-1)).toBe(2);
    expect(store.listDocuments().every((d) => d.embeddingModel === "static-glove-wordpiece")).toBe(true);
    expect((await store.vectorSearch(queryVector, {limit: 5})).length).toBe(2);
  });

  it("swaps to a fresh table of another dimension without ever mixing dimensions", async () => {
    await store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["printer queue stuck"]), {vectorModel: model()});
    const doubled = async (texts: string[]) => (await embedder.embed(texts)).map((v) => Float32Array.from([...v, ...v].map((x) => x / Math.SQRT2)));
    await store.rebuild({id: "doubled", dimension: 200}, doubled);
    expect(store.vectorModel()).toEqual({id: "doubled", dimension: 200});
    const [query] = await doubled(["printer queue"]);
    expect((await store.vectorSearch(query, {limit: 5}))[0].documentId).toBe("d1");
    const [small] = await embedder.embed(["printer queue"]);
    await expect(store.vectorSearch(small, {limit: 5})).rejects.toMatchObject({code: "EMBEDDING_FAILED"});
    await store.close();
    const db = await lancedb.connect(dir);
    // The old chunks table is gone once the store closes; one chunks table remains.
    expect((await db.tableNames()).filter((name) => name.startsWith("chunks"))).toHaveLength(1);
    db.close();
    store = await KnowledgeStore.open({uri: dir});
    expect(store.vectorModel()).toEqual({id: "doubled", dimension: 200});
  });

  it("keeps documents written while a re-index runs", async () => {
    await store.writeDocument(doc("d1", "/kb/a.md"), await chunks(["first document"]), {vectorModel: model()});
    let wrote = false;
    await store.rebuild(model(), async (texts) => {
      if (!wrote) {
        wrote = true;
        // Runs during the bulk copy: queued behind nothing, lands in the old table, caught up before the swap.
        await store.writeDocument(doc("d2", "/kb/b.md"), await chunks(["second document"]), {vectorModel: model()});
        await store.deleteDocument("d1");
      }
      return embedder.embed(texts);
    });
    expect(store.listDocuments().map((d) => d.id)).toEqual(["d2"]);
    expect(await store.countChunks()).toBe(1);
    expect((await store.textSearch("second", {limit: 5}))[0].documentId).toBe("d2");
  });
});

describe("knowledge store: the OCR mark", () => {
  it("keeps which passages OCR read, and gives a table written before the mark existed one, unset", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deskside-store-ocr-"));
    try {
      let store = await KnowledgeStore.open({uri: dir});
      const [typed, scanned] = await chunks(["typed runbook text", "recognised scan text"], false);
      await store.writeDocument(doc("d1", "/kb/scan.pdf"), [typed, {...scanned, ocr: true}], {vectorModel: null});
      expect((await store.chunksByIds(["d1:0", "d1:1"])).map((chunk) => chunk.ocr)).toEqual([false, true]);
      await store.close();

      // As an older version left it: no ocr column.
      const db = await lancedb.connect(dir);
      await (await activeChunksTable(db)).dropColumns(["ocr"]);
      db.close();
      store = await KnowledgeStore.open({uri: dir});
      expect((await store.chunksByIds(["d1:0", "d1:1"])).map((chunk) => chunk.ocr)).toEqual([false, false]);
      await store.writeDocument(doc("d2", "/kb/fax.tiff"), [{...(await chunks(["faxed notice"], false))[0], ocr: true}], {vectorModel: null});
      expect((await store.getChunk("d2:0"))?.ocr).toBe(true);
      await store.close();
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it("keeps a document's import notes, and gives a documents table written before them none", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deskside-store-notes-"));
    try {
      const note = "3 of 40 pages have no text layer (scanned?)";
      let store = await KnowledgeStore.open({uri: dir});
      await store.writeDocument(doc("d1", "/kb/scan.pdf", {notes: [note]}), await chunks(["typed runbook text"], false), {vectorModel: null});
      await store.writeDocument(doc("d2", "/kb/plain.md"), await chunks(["plain runbook text"], false), {vectorModel: null});
      await store.close();
      store = await KnowledgeStore.open({uri: dir});
      expect(store.getDocument("d1")?.notes).toEqual([note]);
      expect(store.getDocument("d2")?.notes).toEqual([]);
      await store.close();

      // As an older version left it: no notes column.
      const db = await lancedb.connect(dir);
      await (await db.openTable("documents")).dropColumns(["notes"]);
      db.close();
      store = await KnowledgeStore.open({uri: dir});
      expect(store.health().notes).toEqual([]);
      expect(store.listDocuments().map((d) => [d.id, d.notes])).toEqual(expect.arrayContaining([["d1", []], ["d2", []]]));
      await store.writeDocument(doc("d3", "/kb/mail.eml", {notes: ["1 attachment was not imported with the email"]}), await chunks(["mailed runbook"], false), {vectorModel: null});
      await store.close();
      store = await KnowledgeStore.open({uri: dir});
      expect(store.getDocument("d3")?.notes).toEqual(["1 attachment was not imported with the email"]);
      expect(store.listDocuments()).toHaveLength(3);
      await store.close();
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
