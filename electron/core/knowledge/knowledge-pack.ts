/**
 * The knowledge pack file format: documents, their passages and vectors in one file, so a collection
 * (or a whole knowledge base) moves to another machine without its source files and, when the
 * embedding model is the same, without embedding anything again.
 *
 * Layout (integers big-endian):
 *   13 bytes  magic `\x89DESKPACK\r\n\x1a\n` (PNG-style: a text-mode copy or a 7-bit transfer breaks it visibly)
 *    4 bytes  manifest length N
 *    N bytes  the manifest as JSON (UTF-8), padded with spaces
 *   the rest  the payload: gzip of JSON lines, exactly `manifest.payload.bytes` long, SHA-256 `manifest.payload.sha256`
 *
 * Payload lines: `chunk` lines (any order, each naming its document), then one `document` line per
 * document (with its chunk count, known only once its chunks are written), then one `end` line that
 * repeats the manifest without `payload`, so the checksum covers everything the manifest says.
 * Vectors are base64 of little-endian float32.
 *
 * The manifest's place is reserved before the payload is written (sized for the largest values it
 * can take) and filled in afterwards, so a pack is written in one streaming pass; it goes to a
 * temporary name and is renamed into place when complete.
 */
import {createHash, randomUUID} from "node:crypto";
import {createReadStream} from "node:fs";
import fs from "node:fs/promises";
import {endianness} from "node:os";
import path from "node:path";
import {Readable, Transform} from "node:stream";
import {pipeline} from "node:stream/promises";
import {setImmediate as nextTurn} from "node:timers/promises";
import {createGunzip, createGzip} from "node:zlib";
import {z} from "zod";
import {DesksideError} from "../../../shared/errors.js";
import type {PackManifest} from "../../../shared/knowledge.js";
import {DOCUMENT_NOTES, type ChunkRecord} from "./store-schema.js";

export const PACK_FORMAT = "deskside-knowledge-pack";
/** The pack format this version writes and the newest it reads. */
export const PACK_FORMAT_VERSION = 1;
export const PACK_MAGIC = Buffer.from("\x89DESKPACK\r\n\x1a\n", "latin1");
const HEADER_BYTES = PACK_MAGIC.length + 4;

/** Bounds on what a pack may claim, so a crafted one cannot make the reader hold unbounded memory. */
export const PACK_LIMITS = Object.freeze({
  manifestBytes: 1024 * 1024,
  /** One JSON line: a passage with its vector. */
  lineBytes: 16 * 1024 * 1024,
  documents: 1_000_000,
  chunks: 50_000_000,
  dimension: 8192,
  textChars: 4_000_000,
  headings: 64,
  headingChars: 2000,
});

export interface PackDocument {
  id: string;
  title: string;
  /** Where it came from, without the exporting machine's folders: an imported file's name, an upload's folder and name. */
  source: string;
  sha256: string;
  mime: string;
  kind: string;
  collection: string | null;
  sizeBytes: number;
  importedAt: string;
  origin: string;
  /** The import's notes on the file (absent in packs from before they were kept). */
  notes?: string[];
}

/** A passage as the store writes it, naming its document in the pack. */
export type PackChunk = ChunkRecord & {
  /** The id of its document in the pack. */
  document: string;
};

/** A document as a verified pack lists it, with how many passages it has there. */
export type VerifiedDocument = PackDocument & {chunks: number; vectors: number};

export interface OpenedPack {
  file: string;
  manifest: PackManifest;
  /** The manifest as written, unknown fields included: what the payload's end line must repeat. */
  rawManifest: Record<string, unknown>;
  payloadOffset: number;
}

export interface VerifiedPack extends OpenedPack {
  documents: VerifiedDocument[];
}

type Reason = "not-a-pack" | "truncated" | "checksum" | "malformed" | "trailing-bytes";

function invalid(reason: Reason, message: string): DesksideError {
  return new DesksideError("PACK_INVALID", message, {details: {reason}});
}

const notAPack = () => invalid("not-a-pack", "This file is not a Deskside knowledge pack (.deskpack); nothing was imported.");
const truncated = (have: number, need: number) =>
  invalid("truncated", `This knowledge pack is cut off: it has ${have} of its ${need} bytes, probably from an interrupted copy or download. Copy it again; nothing was imported.`);
const malformed = (what: string) => invalid("malformed", `This knowledge pack is damaged (${what}); nothing was imported. Export it again.`);

const shortText = (max: number) => z.string().max(max);
const collectionName = z.string().min(1).max(200);

/**
 * Readers ignore fields they do not know, in the manifest and in every line: a later version may add
 * some within the same format version; a change older readers would misread raises the version.
 */
const manifestSchema = z.object({
  format: z.literal(PACK_FORMAT),
  formatVersion: z.number().int().min(1),
  createdAt: shortText(64),
  appVersion: shortText(64),
  collection: collectionName.nullable(),
  collections: z.array(collectionName).max(100_000),
  counts: z.object({
    documents: z.number().int().min(0).max(PACK_LIMITS.documents),
    chunks: z.number().int().min(0).max(PACK_LIMITS.chunks),
    vectors: z.number().int().min(0).max(PACK_LIMITS.chunks),
  }),
  embedding: z.object({model: z.string().min(1).max(400), dimension: z.number().int().min(1).max(PACK_LIMITS.dimension)}).nullable(),
  payload: z.object({
    encoding: z.literal("jsonl+gzip"),
    bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

const documentLine = z.object({
  type: z.literal("document"),
  id: z.string().min(1).max(200),
  title: shortText(2000),
  source: z.string().min(1).max(4096),
  sha256: z.string().regex(/^([0-9a-f]{64})?$/),
  mime: shortText(200),
  kind: shortText(100),
  collection: collectionName.nullable(),
  sizeBytes: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
  importedAt: shortText(64),
  origin: shortText(100),
  notes: z.array(z.string().max(DOCUMENT_NOTES.chars)).max(DOCUMENT_NOTES.count).optional(),
  chunks: z.number().int().min(1).max(PACK_LIMITS.chunks),
});

const int32 = z.number().int().min(-2_147_483_647).max(2_147_483_647);
const chunkLine = z.object({
  type: z.literal("chunk"),
  document: z.string().min(1).max(200),
  ordinal: z.number().int().min(0).max(2_147_483_647),
  text: shortText(PACK_LIMITS.textChars),
  headingPath: z.array(shortText(PACK_LIMITS.headingChars)).max(PACK_LIMITS.headings),
  page: int32.nullable(),
  row: int32.nullable(),
  vector: z.string().nullable(),
  ocr: z.boolean().optional(),
});

const endLine = z.object({type: z.literal("end"), manifest: z.record(z.string(), z.unknown())});

const LITTLE_ENDIAN = endianness() === "LE";

export function encodeVector(vector: Float32Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString("base64");
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A vector line's base64, checked strictly: Node's decoder would skip stray characters silently. */
function decodeVector(text: string, dimension: number): Float32Array {
  if (text.length !== 4 * Math.ceil((dimension * 4) / 3) || !BASE64.test(text))
    throw malformed(`a vector is not ${dimension} numbers`);
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== dimension * 4) throw malformed(`a vector is not ${dimension} numbers`);
  const vector = new Float32Array(dimension);
  if (LITTLE_ENDIAN) new Uint8Array(vector.buffer).set(bytes);
  else for (let i = 0; i < dimension; i++) vector[i] = bytes.readFloatLE(i * 4);
  for (const value of vector) if (!Number.isFinite(value)) throw malformed("a vector holds a value that is not a number");
  return vector;
}

/** The manifest less its payload field: what the payload's `end` line repeats. */
function manifestBody<T extends {payload?: unknown}>(manifest: T): Omit<T, "payload"> {
  const {payload: _payload, ...body} = manifest;
  return body;
}

/** Key order does not matter for the comparison; values must match exactly. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

// ---- writing ---------------------------------------------------------------------------------

export interface PackContents {
  appVersion: string;
  /** The collection exported; null: the whole knowledge base. */
  collection: string | null;
  /** The model that made the vectors the chunks may carry; null when they carry none. */
  embedding: {model: string; dimension: number} | null;
  documents: PackDocument[];
  /** Passages in any order, in batches; those of documents not listed are left out. */
  chunks: AsyncIterable<PackChunk[]>;
}

export interface WrittenPack {
  manifest: PackManifest;
  sizeBytes: number;
}

function chunkJson(chunk: PackChunk): string {
  return JSON.stringify({
    type: "chunk",
    document: chunk.document,
    ordinal: chunk.ordinal,
    text: chunk.text,
    headingPath: chunk.headingPath,
    page: chunk.page,
    row: chunk.row,
    vector: chunk.vector ? encodeVector(chunk.vector) : null,
    ...(chunk.ocr ? {ocr: true} : {}),
  });
}

/**
 * Writes a pack to `target`: to a temporary file beside it first, flushed to disk, then renamed, so
 * `target` is either absent, the previous file, or a complete pack. Documents without any passage
 * are left out (a pack never lists a document it cannot restore). A full disk is DISK_FULL.
 */
export async function writePack(target: string, contents: PackContents, options: {signal?: AbortSignal} = {}): Promise<WrittenPack> {
  const createdAt = new Date().toISOString();
  const listed = new Map(contents.documents.map((doc) => [doc.id, doc]));
  const perDocument = new Map<string, number>();
  let chunks = 0;
  let vectors = 0;
  const dimension = contents.embedding?.dimension ?? null;

  const build = (values: {documents: PackDocument[]; chunks: number; vectors: number; bytes: number; sha256: string}): PackManifest => ({
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    createdAt,
    appVersion: contents.appVersion,
    collection: contents.collection,
    collections: [...new Set(values.documents.map((doc) => doc.collection).filter((name): name is string => name !== null))].sort(),
    counts: {documents: values.documents.length, chunks: values.chunks, vectors: values.vectors},
    embedding: values.vectors > 0 ? contents.embedding : null,
    payload: {encoding: "jsonl+gzip", bytes: values.bytes, sha256: values.sha256},
  });
  // The largest the manifest can become: every count and the size at their widest.
  const widest = 10 ** 15 - 1;
  const reserved = Buffer.byteLength(JSON.stringify(build({documents: contents.documents, chunks: widest, vectors: widest, bytes: widest, sha256: "0".repeat(64)})));

  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomUUID().slice(0, 8)}.partial`);
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(partial, "wx");
    const header = Buffer.alloc(HEADER_BYTES + reserved, 0x20);
    PACK_MAGIC.copy(header, 0);
    header.writeUInt32BE(reserved, PACK_MAGIC.length);
    await handle.write(header, 0, header.length, 0);

    async function* lines(): AsyncGenerator<string> {
      for await (const batch of contents.chunks) {
        if (options.signal?.aborted) throw new DesksideError("CANCELLED", "The export was cancelled.");
        const out: string[] = [];
        for (const chunk of batch) {
          if (!listed.has(chunk.document)) continue;
          if (chunk.vector && chunk.vector.length !== dimension) throw new DesksideError("INTERNAL", "A passage's vector does not match the knowledge base's dimension.");
          out.push(chunkJson(chunk));
          perDocument.set(chunk.document, (perDocument.get(chunk.document) ?? 0) + 1);
          chunks++;
          if (chunk.vector) vectors++;
        }
        if (out.length) yield `${out.join("\n")}\n`;
      }
      const written = contents.documents.filter((doc) => (perDocument.get(doc.id) ?? 0) > 0);
      const out = written.map((doc) => JSON.stringify({type: "document", ...doc, chunks: perDocument.get(doc.id)}));
      if (out.length) yield `${out.join("\n")}\n`;
      yield `${JSON.stringify({type: "end", manifest: manifestBody(build({documents: written, chunks, vectors, bytes: 0, sha256: ""}))})}\n`;
    }

    const hash = createHash("sha256");
    let position = HEADER_BYTES + reserved;
    let bytes = 0;
    const file = handle;
    await pipeline(Readable.from(lines(), {objectMode: false}), createGzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const piece of source) {
        hash.update(piece);
        await file.write(piece, 0, piece.length, position);
        position += piece.length;
        bytes += piece.length;
      }
    }, {signal: options.signal});

    const written = contents.documents.filter((doc) => (perDocument.get(doc.id) ?? 0) > 0);
    const manifest = build({documents: written, chunks, vectors, bytes, sha256: hash.digest("hex")});
    const json = Buffer.from(JSON.stringify(manifest));
    if (json.length > reserved) throw new DesksideError("INTERNAL", "The pack manifest outgrew its reserved space.");
    const slot = Buffer.alloc(reserved, 0x20);
    json.copy(slot, 0);
    await handle.write(slot, 0, slot.length, HEADER_BYTES);
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(partial, target);
    return {manifest, sizeBytes: position};
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(partial, {force: true});
    if ((error as NodeJS.ErrnoException)?.code === "ENOSPC") throw new DesksideError("DISK_FULL", "The disk is full; the knowledge pack was not written.", {cause: error});
    if (options.signal?.aborted || (error as {name?: string})?.name === "AbortError") throw new DesksideError("CANCELLED", "The export was cancelled.", {cause: error});
    throw error;
  }
}

// ---- reading ---------------------------------------------------------------------------------

/**
 * Reads and checks what can be checked without the payload: the magic, the manifest (its format
 * version first, so a newer pack gets PACK_VERSION_UNSUPPORTED rather than a schema complaint), and
 * that the file is exactly as long as the manifest says.
 */
export async function openPack(file: string): Promise<OpenedPack> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, "r");
  } catch (error) {
    throw new DesksideError("FILE_UNREADABLE", "The knowledge pack could not be read; it may have been moved, deleted or locked.", {cause: error});
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(HEADER_BYTES);
    const {bytesRead} = await handle.read(head, 0, HEADER_BYTES, 0);
    const magicSeen = Math.min(bytesRead, PACK_MAGIC.length);
    if (magicSeen === 0 || !head.subarray(0, magicSeen).equals(PACK_MAGIC.subarray(0, magicSeen))) throw notAPack();
    if (bytesRead < HEADER_BYTES) throw truncated(size, HEADER_BYTES);
    const manifestBytes = head.readUInt32BE(PACK_MAGIC.length);
    if (manifestBytes === 0 || manifestBytes > PACK_LIMITS.manifestBytes) throw malformed("its manifest has an impossible size");
    if (size < HEADER_BYTES + manifestBytes) throw truncated(size, HEADER_BYTES + manifestBytes);
    const text = Buffer.alloc(manifestBytes);
    await handle.read(text, 0, manifestBytes, HEADER_BYTES);

    let raw: unknown;
    try {
      raw = JSON.parse(text.toString("utf8"));
    } catch {
      throw malformed("its manifest is not readable");
    }
    const fields = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    if (fields.format !== PACK_FORMAT) throw notAPack();
    const version = fields.formatVersion;
    if (typeof version === "number" && Number.isInteger(version) && version > PACK_FORMAT_VERSION)
      throw new DesksideError(
        "PACK_VERSION_UNSUPPORTED",
        `This knowledge pack was made by a newer Deskside (${typeof fields.appVersion === "string" ? `version ${fields.appVersion.slice(0, 40)}, ` : ""}pack format ${version}); this version reads pack format ${PACK_FORMAT_VERSION}. Update Deskside to import it; nothing was imported.`,
        {details: {formatVersion: version, supported: PACK_FORMAT_VERSION}},
      );
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) throw malformed(`its manifest is not valid: ${parsed.error.issues[0]?.path.join(".") || "manifest"}`);
    const manifest = parsed.data as PackManifest;
    const expected = HEADER_BYTES + manifestBytes + manifest.payload.bytes;
    if (size < expected) throw truncated(size, expected);
    if (size > expected) throw invalid("trailing-bytes", `This knowledge pack has ${size - expected} bytes after its end, so it is not the file that was exported; nothing was imported.`);
    return {file, manifest, rawManifest: fields, payloadOffset: HEADER_BYTES + manifestBytes};
  } finally {
    await handle.close();
  }
}

function payloadStream(pack: OpenedPack, hash: ReturnType<typeof createHash>): Readable {
  const {payload} = pack.manifest;
  if (payload.bytes === 0) return Readable.from([]);
  return createReadStream(pack.file, {start: pack.payloadOffset, end: pack.payloadOffset + payload.bytes - 1, highWaterMark: 256 * 1024}).pipe(
    new Transform({
      transform(piece: Buffer, _encoding, done) {
        hash.update(piece);
        done(null, piece);
      },
    }),
  );
}

/** SHA-256 of the payload, read through once. */
async function checkChecksum(pack: OpenedPack, signal?: AbortSignal): Promise<void> {
  const hash = createHash("sha256");
  const stream = payloadStream(pack, hash);
  for await (const _piece of stream) if (signal?.aborted) throw new DesksideError("CANCELLED", "The import was cancelled.");
  if (hash.digest("hex") !== pack.manifest.payload.sha256)
    throw invalid("checksum", "This knowledge pack was changed or damaged after it was made (its checksum does not match); nothing was imported. Export it again.");
}

/** The payload's lines, decompressed, each at most PACK_LIMITS.lineBytes; yields to the event loop every few milliseconds. */
async function* payloadLines(pack: OpenedPack, hash: ReturnType<typeof createHash>, signal?: AbortSignal): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const source = payloadStream(pack, hash);
  source.on("error", (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lastTurn = performance.now();
  try {
    for await (const piece of gunzip as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new DesksideError("CANCELLED", "The import was cancelled.");
      let start = 0;
      for (let newline = piece.indexOf(10, start); newline !== -1; newline = piece.indexOf(10, start)) {
        const tail = piece.subarray(start, newline);
        if (pendingBytes + tail.length > PACK_LIMITS.lineBytes) throw malformed("a line is longer than any passage can be");
        const line = pending.length ? Buffer.concat([...pending, tail]) : tail;
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
        yield line.toString("utf8");
      }
      if (start < piece.length) {
        pending.push(piece.subarray(start));
        pendingBytes += piece.length - start;
        if (pendingBytes > PACK_LIMITS.lineBytes) throw malformed("a line is longer than any passage can be");
      }
      if (performance.now() - lastTurn > 10) {
        await nextTurn();
        lastTurn = performance.now();
      }
    }
  } catch (error) {
    if (error instanceof DesksideError) throw error;
    // zlib's "unexpected end of file", a bad header, or a read error: the payload is not what was written.
    throw malformed("its contents cannot be decompressed");
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (pendingBytes > 0) throw malformed("it does not end with a complete line");
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw malformed("a line is not JSON");
}

type DocumentLine = z.infer<typeof documentLine>;

/**
 * Walks the payload once, checking every line against the manifest: each passage's document is
 * listed, ordinals are unique within a document, counts match, vectors have the manifest's
 * dimension, and the `end` line repeats the manifest. `onChunk` sees each passage as it is read.
 */
async function walkPayload(pack: OpenedPack, options: {signal?: AbortSignal; onChunk?: (chunk: PackChunk) => Promise<void> | void}): Promise<VerifiedDocument[]> {
  const {manifest} = pack;
  const dimension = manifest.embedding?.dimension ?? null;
  const seen = new Map<string, {ordinals: Set<number>; vectors: number}>();
  const documents: VerifiedDocument[] = [];
  const documentIds = new Set<string>();
  let chunks = 0;
  let vectors = 0;
  let ended = false;
  const hash = createHash("sha256");

  for await (const line of payloadLines(pack, hash, options.signal)) {
    if (ended) throw malformed("there is more after its end");
    const value = parseLine(line);
    if (value.type === "chunk") {
      if (documents.length > 0) throw malformed("a passage comes after the documents");
      const parsed = chunkLine.safeParse(value);
      if (!parsed.success) throw malformed(`a passage is not valid: ${parsed.error.issues[0]?.path.join(".")}`);
      const line = parsed.data;
      if (++chunks > manifest.counts.chunks) throw malformed("it holds more passages than its manifest says");
      let entry = seen.get(line.document);
      if (!entry) {
        if (seen.size >= manifest.counts.documents) throw malformed("its passages name more documents than its manifest lists");
        seen.set(line.document, (entry = {ordinals: new Set(), vectors: 0}));
      }
      if (entry.ordinals.has(line.ordinal)) throw malformed("a passage appears twice");
      entry.ordinals.add(line.ordinal);
      let vector: Float32Array | null = null;
      if (line.vector !== null) {
        if (dimension === null) throw malformed("a passage has a vector but the manifest names no embedding model");
        vector = decodeVector(line.vector, dimension);
        vectors++;
        entry.vectors++;
      }
      await options.onChunk?.({document: line.document, ordinal: line.ordinal, text: line.text, headingPath: line.headingPath, page: line.page, row: line.row, vector, ocr: line.ocr === true});
    } else if (value.type === "document") {
      const parsed = documentLine.safeParse(value);
      if (!parsed.success) throw malformed(`a document entry is not valid: ${parsed.error.issues[0]?.path.join(".")}`);
      const {type: _type, chunks: count, ...doc}: DocumentLine = parsed.data;
      if (documentIds.has(doc.id)) throw malformed("a document is listed twice");
      documentIds.add(doc.id);
      const entry = seen.get(doc.id);
      if (!entry || entry.ordinals.size !== count) throw malformed(`the document "${doc.title.slice(0, 80)}" does not have the passages it lists`);
      if (doc.collection !== null && !manifest.collections.includes(doc.collection)) throw malformed("a document's collection is not in the manifest");
      if (manifest.collection !== null && doc.collection !== manifest.collection) throw malformed("a document is outside the collection the pack was made of");
      documents.push({...doc, chunks: count, vectors: entry.vectors});
    } else if (value.type === "end") {
      const parsed = endLine.safeParse(value);
      if (!parsed.success || canonical(parsed.data.manifest) !== canonical(manifestBody(pack.rawManifest))) throw malformed("its manifest does not match its contents");
      ended = true;
    } else throw malformed("a line is of an unknown kind");
  }
  if (!ended) throw malformed("its end is missing");
  if (hash.digest("hex") !== manifest.payload.sha256)
    throw invalid("checksum", "This knowledge pack changed while it was being read; nothing more was imported.");
  if (documents.length !== manifest.counts.documents || chunks !== manifest.counts.chunks || vectors !== manifest.counts.vectors)
    throw malformed("its counts do not match its manifest");
  if (documents.length !== seen.size) throw malformed("some passages belong to no listed document");
  return documents;
}

/**
 * Checks a whole pack before anything is written: header and manifest, the payload's checksum,
 * then every line. Any failure is PACK_INVALID (or PACK_VERSION_UNSUPPORTED) with a reason.
 */
export async function verifyPack(file: string, options: {signal?: AbortSignal} = {}): Promise<VerifiedPack> {
  const opened = await openPack(file);
  await checkChecksum(opened, options.signal);
  const documents = await walkPayload(opened, {signal: options.signal});
  return {...opened, documents};
}

/**
 * Reads a verified pack's passages again, in file order, for writing. The payload is checked as it
 * goes by, so a file changed since it was verified fails (at the latest at its end) instead of
 * importing something else.
 */
export async function readPackChunks(pack: VerifiedPack, onChunk: (chunk: PackChunk) => Promise<void> | void, options: {signal?: AbortSignal} = {}): Promise<void> {
  await walkPayload(pack, {signal: options.signal, onChunk});
}
