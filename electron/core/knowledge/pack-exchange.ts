/**
 * Knowledge packs against the store: exporting documents with their passages and vectors, and
 * importing a verified pack, with the pack's vectors when they come from the model in use and
 * embedded again otherwise. The file format itself is knowledge-pack.ts.
 */
import {randomUUID} from "node:crypto";
import {createWriteStream} from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import {DesksideError} from "../../../shared/errors.js";
import type {PackImportProgress, PackImportResult, PackManifest} from "../../../shared/knowledge.js";
import type {Embedder} from "./embedder.js";
import {embedInSlices} from "./embed-in-slices.js";
import {PACK_MAGIC, readPackChunks, verifyPack, writePack, type PackChunk, type PackDocument, type VerifiedDocument} from "./knowledge-pack.js";
import {vectorsUsable} from "./search.js";
import {boundedNotes, sqlString, type ChunkRecord, type DocumentRecord} from "./store-schema.js";
import type {KnowledgeStore, StagedDocuments} from "./store.js";
import {cleanUploadPath, displayName} from "./upload-names.js";

/** Passages written (and, when needed, embedded) per step of an import. */
const IMPORT_BATCH = 1024;
/** Progress is announced at most this often while passages are embedded. */
const PROGRESS_EVERY_MS = 200;
const KNOWN_ORIGINS = new Set(["import", "default-knowledge", "conversation"]);

export interface PackExchangeDeps {
  store: KnowledgeStore;
  /** The embedding model in use now, or null (text-only). */
  embedder: () => Embedder | null;
  appVersion: string;
}

/**
 * Where a document came from, as a pack keeps it: an imported file's name without the exporting
 * machine's folders (a pack downloaded over HTTP must not reveal them), an upload's name as it was.
 */
export function packSource(sourcePath: string): string {
  return path.posix.isAbsolute(sourcePath) || path.win32.isAbsolute(sourcePath) ? displayName(sourcePath) : sourcePath;
}

/** A file name for a pack: `deskside-<collection>-<date>.deskpack`, or `deskside-knowledge-…` for everything. */
export function packFileName(collection: string | null, date = new Date()): string {
  const slug = (collection ?? "knowledge")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `deskside-${slug || "collection"}-${date.toISOString().slice(0, 10)}.deskpack`;
}

/** Ready documents of a collection (null: all), as they go into a pack. */
function exportedDocuments(store: KnowledgeStore, collection: string | null): DocumentRecord[] {
  return store.listDocuments().filter((doc) => doc.status === "ready" && (collection === null || doc.collection === collection));
}

/**
 * Writes a pack of one collection, or of the whole knowledge base, to `target` (through a temporary
 * file renamed into place). NOT_FOUND when there is nothing to export.
 */
export async function exportPack(deps: PackExchangeDeps, target: string, options: {collection?: string | null; signal?: AbortSignal} = {}): Promise<{manifest: PackManifest; sizeBytes: number; tookMs: number}> {
  const started = performance.now();
  const collection = options.collection || null;
  const docs = exportedDocuments(deps.store, collection);
  if (docs.length === 0)
    throw new DesksideError("NOT_FOUND", collection ? `There is no collection called "${collection}" (or it holds no documents) to export.` : "The knowledge base has no documents to export.");
  const ids = new Set(docs.map((doc) => doc.id));
  const snapshot = deps.store.vectorSnapshot();
  async function* chunks(): AsyncGenerator<PackChunk[]> {
    for await (const batch of snapshot.read(collection ? `collection = ${sqlString(collection)}` : undefined))
      yield batch
        .filter((chunk) => ids.has(chunk.documentId))
        .map((chunk) => ({document: chunk.documentId, ordinal: chunk.ordinal, text: chunk.text, headingPath: chunk.headingPath, page: chunk.page, row: chunk.row, vector: chunk.vector, ocr: chunk.ocr === true}));
  }
  const documents: PackDocument[] = docs.map((doc) => ({
    id: doc.id,
    title: doc.title,
    source: packSource(doc.sourcePath),
    sha256: /^[0-9a-f]{64}$/.test(doc.sha256) ? doc.sha256 : "",
    mime: doc.mime,
    kind: doc.kind,
    collection: doc.collection,
    sizeBytes: doc.sizeBytes,
    importedAt: doc.importedAt,
    origin: doc.origin,
    ...(doc.notes.length > 0 ? {notes: doc.notes} : {}),
  }));
  const written = await writePack(
    target,
    {appVersion: deps.appVersion, collection, embedding: snapshot.model ? {model: snapshot.model.id, dimension: snapshot.model.dimension} : null, documents, chunks: chunks()},
    {signal: options.signal},
  );
  return {...written, tookMs: Math.round(performance.now() - started)};
}

/** `runbook.md` → `runbook (2).md`, on the last part of a path. */
function numberedPath(sourcePath: string, n: number): string {
  const slash = sourcePath.lastIndexOf("/");
  const folder = sourcePath.slice(0, slash + 1);
  const name = sourcePath.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${folder}${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${folder}${name} (${n})`;
}

interface Plan {
  imported: Map<string, DocumentRecord>;
  skipped: PackImportResult["skipped"];
}

/**
 * Decides, before anything is written, what happens to each document of the pack:
 * - its collection: the one the caller names, else its own;
 * - the same content (SHA-256) already ready in that collection, or earlier in the pack: skipped;
 * - its source path: the pack's (cleaned as an upload name is); a document of the same path in the
 *   same collection is replaced, as importing a file again replaces it; one in another collection
 *   keeps its path and the newcomer is numbered, `runbook (2).md`.
 */
function planImport(store: KnowledgeStore, documents: VerifiedDocument[], collection: string | null): Plan {
  const stored = store.listDocuments();
  const present = new Map<string, DocumentRecord>();
  const collectionsAt = new Map<string, Set<string | null>>();
  for (const doc of stored) {
    if (doc.status === "ready" && doc.sha256) present.set(`${doc.collection ?? ""}\u0000${doc.sha256}`, doc);
    collectionsAt.set(doc.sourcePath, (collectionsAt.get(doc.sourcePath) ?? new Set()).add(doc.collection));
  }
  const claimed = new Set<string>();
  const inPack = new Map<string, string>();
  const imported = new Map<string, DocumentRecord>();
  const skipped: PackImportResult["skipped"] = [];
  const importedAt = new Date().toISOString();

  for (const doc of documents) {
    const target = collection ?? doc.collection;
    const key = `${target ?? ""}\u0000${doc.sha256}`;
    if (doc.sha256) {
      const existing = present.get(key);
      if (existing) {
        skipped.push({title: doc.title, collection: target, reason: target ? `already in ${target}` : "already in the knowledge base", documentId: existing.id});
        continue;
      }
      const earlier = inPack.get(key);
      if (earlier) {
        skipped.push({title: doc.title, collection: target, reason: "the same content is earlier in this pack", documentId: earlier});
        continue;
      }
    }
    const {folder, name} = cleanUploadPath(doc.source);
    const wanted = folder ? `${folder}/${name}` : name;
    const usable = (candidate: string) => !claimed.has(candidate) && [...(collectionsAt.get(candidate) ?? [])].every((other) => other === target);
    let sourcePath = wanted;
    for (let n = 2; !usable(sourcePath); n++) sourcePath = numberedPath(wanted, n);
    claimed.add(sourcePath);
    const id = randomUUID();
    if (doc.sha256) inPack.set(key, id);
    imported.set(doc.id, {
      id,
      title: doc.title || name,
      sourcePath,
      sha256: doc.sha256,
      mime: doc.mime,
      kind: doc.kind,
      collection: target,
      chunkCount: doc.chunks,
      sizeBytes: doc.sizeBytes,
      importedAt,
      status: "ready",
      origin: KNOWN_ORIGINS.has(doc.origin) ? doc.origin : "import",
      embeddingModel: null,
      error: null,
      notes: boundedNotes(doc.notes ?? []),
    });
  }
  return {imported, skipped};
}

/** How an import gets its vectors: the pack's, the current model's, or none. */
function vectorSource(store: KnowledgeStore, embedder: Embedder | null, manifest: PackManifest): PackImportResult["vectors"] {
  if (!embedder || !vectorsUsable(store, embedder)) return "none";
  const packModel = manifest.embedding;
  return packModel && packModel.model === embedder.modelId && packModel.dimension === embedder.dimension ? "pack" : "embedded";
}

export interface ImportPackOptions {
  /** Puts every document into this collection instead of its own. */
  collection?: string | null;
  signal?: AbortSignal;
  onProgress?: (progress: Omit<PackImportProgress, "id">) => void;
}

/**
 * Imports a pack file. The whole file is checked first (verifyPack), so a foreign, cut-off, altered
 * or newer pack changes nothing. Then passages are staged (invisible) and all documents become
 * visible in one write at the end; a failure or a crash on the way leaves nothing visible.
 */
export async function importPack(deps: PackExchangeDeps, file: string, options: ImportPackOptions = {}): Promise<PackImportResult> {
  const started = performance.now();
  const report = options.onProgress ?? (() => undefined);
  report({state: "verifying", done: 0, total: 0, error: null});
  const pack = await verifyPack(file, {signal: options.signal});
  const {store} = deps;
  const plan = planImport(store, pack.documents, options.collection?.trim() || null);
  const embedder = deps.embedder();
  const vectors = vectorSource(store, embedder, pack.manifest);
  const total = [...plan.imported.values()].reduce((sum, doc) => sum + doc.chunkCount, 0);
  const result = (committed: DocumentRecord[], replaced: DocumentRecord[], model: string | null): PackImportResult => ({
    manifest: pack.manifest,
    imported: committed.map((doc) => ({id: doc.id, title: doc.title, collection: doc.collection, chunks: doc.chunkCount})),
    skipped: plan.skipped,
    replaced: replaced.map((doc) => ({id: doc.id, title: doc.title})),
    chunks: total,
    vectors: committed.length === 0 ? "none" : vectors,
    embeddingModel: model,
    tookMs: Math.round(performance.now() - started),
  });
  if (plan.imported.size === 0) {
    report({state: "done", done: 0, total: 0, error: null});
    return result([], [], null);
  }

  const model = vectors === "none" ? null : {id: embedder!.modelId, dimension: embedder!.dimension};
  const staging: StagedDocuments = store.beginStaging(model);
  let done = 0;
  let lastReport = 0;
  const announce = (state: "writing" | "embedding", count: number) => {
    const now = performance.now();
    if (state === "embedding" && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    report({state, done: count, total, error: null});
  };
  announce("writing", 0);

  let batch: {doc: DocumentRecord; chunk: ChunkRecord}[] = [];
  const flush = async () => {
    const rows = batch;
    batch = [];
    const missing = vectors === "none" ? [] : rows.filter((row) => row.chunk.vector === null);
    if (missing.length > 0) {
      const made = await embedInSlices(
        embedder!,
        missing.map((row) => row.chunk.text),
        {signal: options.signal, onProgress: (embedded) => announce("embedding", done + embedded)},
      );
      missing.forEach((row, i) => (row.chunk.vector = made[i]));
    }
    await store.stageChunks(staging, rows);
    done += rows.length;
    announce("writing", done);
  };

  try {
    await readPackChunks(
      pack,
      async (chunk) => {
        const doc = plan.imported.get(chunk.document);
        if (!doc) return;
        if (options.signal?.aborted) throw new DesksideError("CANCELLED", "The import was cancelled.");
        batch.push({
          doc,
          chunk: {ordinal: chunk.ordinal, text: chunk.text, headingPath: chunk.headingPath, page: chunk.page, row: chunk.row, vector: vectors === "pack" ? chunk.vector : null, ocr: chunk.ocr === true},
        });
        if (batch.length >= IMPORT_BATCH) await flush();
      },
      {signal: options.signal},
    );
    if (batch.length > 0) await flush();
    if (options.signal?.aborted) throw new DesksideError("CANCELLED", "The import was cancelled.");
    // A document in another collection took a planned path while the passages were written.
    const planned = new Set([...plan.imported.values()].map((record) => record.sourcePath));
    const placeAgain = (record: DocumentRecord) => {
      let candidate = record.sourcePath;
      for (let n = 2; candidate === record.sourcePath || planned.has(candidate) || store.findBySourcePath(candidate).some((other) => other.collection !== record.collection); n++)
        candidate = numberedPath(record.sourcePath, n);
      planned.add(candidate);
      return candidate;
    };
    const {committed, replaced} = await store.commitStaged(staging, [...plan.imported.values()], placeAgain);
    report({state: "done", done: total, total, error: null});
    return result(committed, replaced, staging.withVectors ? staging.model!.id : null);
  } catch (error) {
    await store.discardStaged(staging);
    throw error;
  }
}

/**
 * Receives a pack (an HTTP body) into `file`, at most `maxBytes`; a body that does not start like a
 * pack is refused at its first bytes rather than after all of it has arrived.
 */
export async function receivePack(body: AsyncIterable<Uint8Array>, file: string, options: {maxBytes: number; signal?: AbortSignal}): Promise<void> {
  const out = createWriteStream(file, {flags: "wx"});
  const opened = new Promise<void>((resolve, reject) => {
    out.once("open", () => resolve());
    out.once("error", reject);
  });
  let received = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  try {
    await opened;
    for await (const piece of body) {
      if (options.signal?.aborted) throw new DesksideError("CANCELLED", "The upload stopped before it ended; nothing was imported.");
      received += piece.byteLength;
      if (received > options.maxBytes)
        throw new DesksideError("PAYLOAD_TOO_LARGE", `The knowledge pack is larger than ${Math.round(options.maxBytes / 1024 ** 3)} GB, the most one upload may be; nothing was imported.`);
      if (headBytes < PACK_MAGIC.length) {
        head.push(Buffer.from(piece));
        headBytes += piece.byteLength;
        const start = Buffer.concat(head).subarray(0, PACK_MAGIC.length);
        if (!start.equals(PACK_MAGIC.subarray(0, start.length)))
          throw new DesksideError("PACK_INVALID", "This file is not a Deskside knowledge pack (.deskpack); nothing was imported.", {details: {reason: "not-a-pack"}});
      }
      if (!out.write(piece)) await new Promise<void>((resolve, reject) => {
        out.once("drain", resolve);
        out.once("error", reject);
      });
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    out.destroy();
    await fs.rm(file, {force: true});
    if ((error as NodeJS.ErrnoException)?.code === "ENOSPC") throw new DesksideError("DISK_FULL", "The disk is full; the knowledge pack could not be received.", {cause: error});
    if (error instanceof DesksideError) throw error;
    throw new DesksideError("CANCELLED", "The upload stopped before it ended; nothing was imported.", {cause: error});
  }
  if (received === 0) throw new DesksideError("PACK_INVALID", "The upload was empty; send the .deskpack file as the body.", {details: {reason: "not-a-pack"}});
}
