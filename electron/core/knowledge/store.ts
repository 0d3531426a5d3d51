import {randomUUID} from "node:crypto";
import {setImmediate as nextTurn} from "node:timers/promises";
import * as lancedb from "@lancedb/lancedb";
import type {Table as ArrowTable} from "apache-arrow";
import {DesksideError} from "../../../shared/errors.js";
import type {FusionCalibration} from "./fusion-calibration.js";
import {SerialQueue} from "./serial-queue.js";
import {openKnowledgeTables, type StoreHealth} from "./store-open.js";
import {parseStoreUri, type StoreLocation} from "./store-uri.js";
import {lancedbSession} from "../storage/lancedb-session.js";
import {isUnreachable, unreachableError} from "./store-reachability.js";
import {
  CHUNK_COLUMNS,
  CHUNKS_TABLE_PREFIX,
  CONTEXT_COLUMN_SQL,
  chunkContext,
  chunkRowFromStored,
  META_KEYS,
  chunkToRow,
  chunksSchema,
  documentToRow,
  documentsSchema,
  rowToChunk,
  rowToDocument,
  sqlIn,
  sqlString,
  toStringArray,
  type ChunkRecord,
  type DocumentRecord,
  type StoredChunk,
  type VectorModel,
} from "./store-schema.js";

/**
 * The knowledge base on disk (or object storage): documents, chunks and which model made the vectors.
 *
 * Visibility rule, the core of crash safety: a chunk is searchable only when its document row exists
 * with status "ready". A document's chunks go in first (in slices of 100 rows), and only
 * afterwards its document row. A crash in between leaves chunks without a document; they are never
 * returned and are deleted the next time the store opens. Writes go through one queue.
 */

export interface OpenStoreOptions {
  /** Local folder, or s3:// gs:// az:// URI. */
  uri: string;
  /** Passed to LanceDB untouched (credentials, region, endpoint). */
  storageOptions?: Record<string, string>;
}

/** A stored passage with its vector (null in a text-only table). */
export type ChunkWithVector = StoredChunk & {vector: Float32Array | null};

/** Passages written by beginStaging/stageChunks whose documents are not visible yet. */
export interface StagedDocuments {
  readonly table: lancedb.Table;
  readonly tableName: string;
  readonly model: VectorModel | null;
  /** Whether the staged passages keep their vectors (the vectors' model is the table's). */
  readonly withVectors: boolean;
  readonly documentIds: Set<string>;
}

/** A search candidate before its content is fetched. */
export interface Candidate {
  id: string;
  documentId: string;
  /** Cosine distance (vector search). */
  distance?: number;
  /** BM25 (full-text search). */
  bm25?: number;
}

export interface ChunkHit extends StoredChunk {
  /** Cosine distance (vector search). */
  distance?: number;
  /** BM25 (full-text search). */
  bm25?: number;
}

export interface ChunkQueryOptions {
  limit: number;
  collection?: string | null;
  /** Collections whose chunks are left out. */
  excludeCollections?: string[];
}

export interface TextQueryOptions extends ChunkQueryOptions {
  /** Weight of the title-and-headings field next to the body (0: body only). */
  contextBoost?: number;
}

export interface RebuildOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Runs inside the write queue right at the swap, so no write sees the new table with the old embedder. */
  onSwap?: () => void;
}

type Embed = (texts: string[], signal?: AbortSignal) => Promise<Float32Array[]>;

const META_CHUNKS_TABLE = META_KEYS.chunksTable;
const META_MODEL = META_KEYS.model;
const META_DIMENSION = META_KEYS.dimension;
const META_INDEX_ROWS = META_KEYS.indexRows;
const META_FUSION = META_KEYS.fusion;
const REBUILD_BATCH = 256;
/**
 * Below this many chunks an exact (flat) vector scan is fast enough (~5 ms at 10k × 100-d here); above
 * it an IVF_FLAT index keeps search near 5 ms at 100k. IVF_FLAT keeps full vectors, so the distances
 * are exact within the probed partitions (recall@10 0.985 against flat at 100k), and it trains in about
 * a second, where IVF_PQ lost a third of recall and HNSW took over a minute to build.
 */
const VECTOR_INDEX_MIN_ROWS = 25_000;
/** Retrain when the table has grown this much since the partitions were trained. */
const VECTOR_INDEX_RETRAIN_GROWTH = 4;
/**
 * optimize() adds the rows written since the last one to the vector index, often as a part of its own,
 * and every part is searched: a 78,000-passage import folded every 2,500 passages ended in 15 parts,
 * and search took 1.6× as long as after one fold. Past this many parts the index is trained again
 * (about 1 s at 100k rows).
 */
const VECTOR_INDEX_MAX_PARTS = 4;
const IN_LIST_BATCH = 500;
/** Chunk rows (or text) per `table.add` of one document: each add converts its rows on the main thread. */
const WRITE_SLICE_ROWS = 100;
const WRITE_SLICE_CHARS = 512 * 1024;

/** Consecutive runs of chunks, each at most WRITE_SLICE_ROWS chunks and (but for a single huge one) WRITE_SLICE_CHARS of text. */
function writeSlices(chunks: ChunkRecord[]): ChunkRecord[][] {
  const slices: ChunkRecord[][] = [];
  let current: ChunkRecord[] = [];
  let chars = 0;
  for (const row of chunks) {
    const length = row.text.length;
    if (current.length > 0 && (current.length >= WRITE_SLICE_ROWS || chars + length > WRITE_SLICE_CHARS)) {
      slices.push(current);
      current = [];
      chars = 0;
    }
    current.push(row);
    chars += length;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
const INT32_MAX = 2_147_483_647;
/** A word no passage holds, put between texts analysed in one call to tell their terms apart. */
const TEXT_SEPARATOR = "qqdesksidebreakqq";
/** The title-and-headings list is read this many times deeper than the body list (see textCandidates). */
const CONTEXT_DEPTH_FACTOR = 4;

function reindexedMeanwhile(): DesksideError {
  return new DesksideError("BUSY", "The knowledge base was re-indexed while a pack was being imported; import the pack again.");
}

/**
 * Rows for one `table.add` as one Arrow table, converted WRITE_SLICE_ROWS at a time with a turn of
 * the event loop between slices: the conversion runs on the main thread, about 1 s per 10,000 rows.
 */
async function arrowInSlices(table: lancedb.Table, rows: Record<string, unknown>[]): Promise<ArrowTable> {
  const schema = await table.schema();
  const slices: ArrowTable[] = [];
  for (let i = 0; i < rows.length; i += WRITE_SLICE_ROWS) {
    if (i > 0) await nextTurn();
    slices.push(lancedb.makeArrowTable(rows.slice(i, i + WRITE_SLICE_ROWS), {schema}));
  }
  // Joined by the slices' own Table class: LanceDB loads Arrow's CommonJS build, this module its ES
  // build, and Arrow's constructors check `instanceof`.
  return slices[0].concat(...slices.slice(1));
}

/** Rows converted per turn of the event loop when passages are read out with their vectors. */
const EXPORT_SLICE_ROWS = 256;

/** The parts of an Arrow column's data chunks read directly (buffers are already sliced to each chunk). */
interface ArrowData {
  length: number;
  stride: number;
  values: Float32Array | Uint8Array;
  valueOffsets: Int32Array;
  children: ArrowData[];
  getValid(index: number): boolean;
}
interface ArrowColumn {
  data: ArrowData[];
}

function chunkOf(column: ArrowColumn, row: number): [ArrowData, number] {
  let index = row;
  for (const data of column.data) {
    if (index < data.length) return [data, index];
    index -= data.length;
  }
  throw new RangeError("row outside the column");
}

/** Row `row` of a FixedSizeList<Float32> column, copied out; null for a null entry. */
function floatsAt(column: ArrowColumn, row: number): Float32Array | null {
  const [data, index] = chunkOf(column, row);
  if (!data.getValid(index)) return null;
  return (data.children[0].values as Float32Array).slice(index * data.stride, (index + 1) * data.stride);
}

const utf8 = new TextDecoder();

/** Row `row` of a List<Utf8> column; null entries read as empty. */
function stringsAt(column: ArrowColumn, row: number): string[] {
  const [data, index] = chunkOf(column, row);
  if (!data.getValid(index)) return [];
  const strings = data.children[0];
  const out: string[] = [];
  for (let k = data.valueOffsets[index]; k < data.valueOffsets[index + 1]; k++)
    out.push(strings.getValid(k) ? utf8.decode((strings.values as Uint8Array).subarray(strings.valueOffsets[k], strings.valueOffsets[k + 1])) : "");
  return out;
}

function cancelled(): DesksideError {
  return new DesksideError("CANCELLED", "The operation was cancelled.");
}

function storeError(action: string, cause: unknown): DesksideError {
  if (cause instanceof DesksideError) return cause;
  // An object store that cannot be reached is not a broken knowledge base: it says so, and to retry.
  if (isUnreachable(cause)) return unreachableError(null, cause);
  return new DesksideError("STORE_ERROR", `The knowledge store could not ${action}; details are in the log.`, {cause});
}

function collectionFilter(options: Pick<ChunkQueryOptions, "collection" | "excludeCollections">): string | undefined {
  const parts: string[] = [];
  if (options.collection) parts.push(`collection = ${sqlString(options.collection)}`);
  const excluded = (options.excludeCollections ?? []).filter(Boolean);
  if (excluded.length) parts.push(`(collection IS NULL OR NOT ${sqlIn("collection", excluded)})`);
  return parts.length ? parts.join(" AND ") : undefined;
}

async function readAll(table: lancedb.Table, columns: string[], where?: string): Promise<Record<string, unknown>[]> {
  const query = table.query().select(columns);
  if (where) query.where(where);
  return (await query.toArray()) as Record<string, unknown>[];
}

/** Documents per delete or move statement: keeps the SQL (and a merge's source) short. */
const DOCUMENTS_PER_STATEMENT = 200;

/** A document's file at a new path; `title` replaces the title when given. */
export interface DocumentMove {
  id: string;
  sourcePath: string;
  title?: string;
}

export class KnowledgeStore {
  private readonly docs = new Map<string, DocumentRecord>();
  private readonly writes = new SerialQueue();
  private readonly retiredTables: string[] = [];
  private rebuilding: {done: number; total: number} | null = null;
  private closed = false;
  /** Versions of `documents` and `meta` last read, to see writes of other processes sharing the store. */
  private seenVersions = {documents: 0, meta: 0};
  private lastRefresh = 0;
  private openHealth: StoreHealth = {notes: [], lostDocuments: 0, rebuiltDocuments: 0, metaRebuilt: false, orphanDocuments: 0};

  private constructor(
    readonly location: StoreLocation,
    private readonly db: lancedb.Connection,
    private readonly documentsTable: lancedb.Table,
    private readonly metaTable: lancedb.Table,
    private chunksTable: lancedb.Table,
    private chunksTableName: string,
    private model: VectorModel | null,
    private meta: Record<string, string>,
  ) {}

  static async open(options: OpenStoreOptions): Promise<KnowledgeStore> {
    const location = parseStoreUri(options.uri);
    try {
      const db = await lancedb.connect(location.uri, options.storageOptions ? {storageOptions: options.storageOptions} : {}, lancedbSession());
      // Finds the tables, rebuilds missing bookkeeping and keeps what a damaged file left readable.
      const opened = await openKnowledgeTables(db, location);
      const {documentsTable, metaTable, chunksTable, chunksTableName, model, meta} = opened;
      const store = new KnowledgeStore(location, db, documentsTable, metaTable, chunksTable, chunksTableName, model, meta);
      store.openHealth = opened.health;
      // Leftovers of a re-index that crashed before its swap, or of one whose old table was not dropped.
      for (const name of opened.leftoverChunkTables) await db.dropTable(name);
      await store.loadDocuments();
      store.seenVersions = {documents: await documentsTable.version(), meta: await metaTable.version()};
      store.lastRefresh = Date.now();
      await store.recoverFromCrash();
      await store.ensureContextColumn(chunksTable);
      await store.ensureTextIndex(chunksTable);
      return store;
    } catch (error) {
      throw storeError("be opened", error);
    }
  }

  /** What opening found damaged and repaired, and what was lost (empty notes: nothing). */
  health(): StoreHealth {
    return {...this.openHealth, notes: [...this.openHealth.notes]};
  }

  private async loadDocuments(): Promise<void> {
    this.docs.clear();
    for (const row of await readAll(this.documentsTable, documentsSchema().fields.map((f) => f.name))) {
      const doc = rowToDocument(row);
      this.docs.set(doc.id, doc);
    }
  }

  /** Finishes what a killed process left half done: a replaced document not yet removed, orphan chunks. */
  private async recoverFromCrash(): Promise<void> {
    const newestReady = new Map<string, DocumentRecord>();
    for (const doc of this.docs.values()) {
      if (doc.status !== "ready") continue;
      const current = newestReady.get(doc.sourcePath);
      if (!current || current.importedAt < doc.importedAt) newestReady.set(doc.sourcePath, doc);
    }
    const stale = [...this.docs.values()].filter((doc) => {
      const newest = newestReady.get(doc.sourcePath);
      return newest !== undefined && newest.id !== doc.id && doc.importedAt <= newest.importedAt;
    });
    for (const doc of stale) await this.removeDocumentNow(doc.id);

    // In a shared store, passages without a document may be another process's import in progress;
    // they stay invisible either way, and deleting them could leave its document without passages.
    if (this.isShared()) return;
    const chunkOwners = new Set((await readAll(this.chunksTable, ["document_id"])).map((row) => String(row.document_id)));
    const orphans = [...chunkOwners].filter((id) => this.docs.get(id)?.status !== "ready");
    for (let i = 0; i < orphans.length; i += IN_LIST_BATCH) await this.chunksTable.delete(sqlIn("document_id", orphans.slice(i, i + IN_LIST_BATCH)));
    if (orphans.length) this.openHealth.orphanDocuments = orphans.length;
  }

  /**
   * Tables written before the title-and-headings field existed get it computed in place; tables
   * written before OCR get the OCR mark, false for every passage they hold.
   */
  private async ensureContextColumn(table: lancedb.Table): Promise<void> {
    const schema = await table.schema();
    if (!schema.fields.some((field) => field.name === "context")) await table.addColumns([{name: "context", valueSql: CONTEXT_COLUMN_SQL}]);
    if (!schema.fields.some((field) => field.name === "ocr")) await table.addColumns([{name: "ocr", valueSql: "CAST(false AS BOOLEAN)"}]);
  }

  /**
   * Full-text indexes on the text and on the title-and-headings field, and B-trees on the chunk id and
   * document id: search reads the winning chunks (and their neighbours, for passages) back by id, which
   * without them scans the whole table (about 9 ms instead of 2 ms at 100k chunks).
   */
  private async ensureTextIndex(table: lancedb.Table): Promise<void> {
    const indices = await table.listIndices();
    if (!indices.some((index) => index.columns.includes("text") && index.indexType === "FTS"))
      await table.createIndex("text", {config: lancedb.Index.fts()});
    if (!indices.some((index) => index.columns.includes("context") && index.indexType === "FTS"))
      await table.createIndex("context", {config: lancedb.Index.fts()});
    for (const column of ["id", "document_id"])
      if (!indices.some((index) => index.columns.includes(column) && index.indexType.toUpperCase().includes("BTREE")))
        await table.createIndex(column, {config: lancedb.Index.btree()});
  }

  // ---- other processes on a shared store ----------------------------------------------------

  /** On object storage, several Deskside processes may use the store at once (a team's shared knowledge base). */
  isShared(): boolean {
    return this.location.kind !== "local";
  }

  /** refreshShared, when the last one is at least `intervalMs` old (a search calls this; the service also on a timer). */
  refreshIfDue(intervalMs: number): Promise<boolean> {
    if (!this.isShared() || this.closed || Date.now() - this.lastRefresh < intervalMs) return Promise.resolve(false);
    this.lastRefresh = Date.now();
    return this.refreshShared().catch((error: unknown) => {
      // Failed: the next caller tries again rather than waiting out the interval.
      this.lastRefresh = 0;
      throw error;
    });
  }

  /**
   * Takes in what other processes wrote to a shared store: the document list when `documents` has a
   * new version, the chunks table and its model when another process's re-index swapped `meta`.
   * Documents are read before the chunks table moves on, and another process writes a document's
   * passages before its row, so a document seen here has all its passages: no half-imported
   * document becomes visible. Returns whether anything changed. In the write queue, so a local
   * write never interleaves with the list being replaced.
   */
  refreshShared(): Promise<boolean> {
    return this.writes.run(async () => {
      if (this.closed) return false;
      try {
        let changed = false;
        await this.metaTable.checkoutLatest();
        const metaVersion = await this.metaTable.version();
        if (metaVersion !== this.seenVersions.meta) {
          changed = (await this.takeInMeta()) || changed;
          this.seenVersions.meta = metaVersion;
        }
        await this.documentsTable.checkoutLatest();
        const documentsVersion = await this.documentsTable.version();
        if (documentsVersion !== this.seenVersions.documents) {
          const before = JSON.stringify(this.listDocuments());
          await this.loadDocuments();
          this.seenVersions.documents = documentsVersion;
          changed = changed || JSON.stringify(this.listDocuments()) !== before;
        }
        await this.chunksTable.checkoutLatest();
        return changed;
      } catch (error) {
        throw storeError("be read", error);
      }
    });
  }

  /** A `meta` written by another process: its fusion weights, and the chunks table it made active. */
  private async takeInMeta(): Promise<boolean> {
    const rows = await readAll(this.metaTable, ["key", "value"]);
    const meta = Object.fromEntries(rows.map((row) => [String(row.key), String(row.value)]));
    const name = meta[META_CHUNKS_TABLE];
    this.meta = meta;
    if (!name || name === this.chunksTableName) return false;
    // The old handle is left to searches still running on it, not closed under them.
    this.chunksTable = await this.db.openTable(name);
    this.chunksTableName = name;
    this.model = meta[META_MODEL] && meta[META_DIMENSION] ? {id: meta[META_MODEL], dimension: Number(meta[META_DIMENSION])} : null;
    return true;
  }

  // ---- reads -------------------------------------------------------------------------------

  /** The model whose vectors the chunks table holds; null when the store is text-only. */
  vectorModel(): VectorModel | null {
    return this.model;
  }

  rebuildProgress(): {done: number; total: number} | null {
    return this.rebuilding ? {...this.rebuilding} : null;
  }

  isVisible(documentId: string): boolean {
    return this.docs.get(documentId)?.status === "ready";
  }

  listDocuments(): DocumentRecord[] {
    return [...this.docs.values()].sort((a, b) => b.importedAt.localeCompare(a.importedAt));
  }

  getDocument(id: string): DocumentRecord | null {
    return this.docs.get(id) ?? null;
  }

  findReadyBySha256(sha256: string): DocumentRecord | null {
    for (const doc of this.docs.values()) if (doc.status === "ready" && doc.sha256 === sha256) return doc;
    return null;
  }

  findBySourcePath(sourcePath: string): DocumentRecord[] {
    return [...this.docs.values()].filter((doc) => doc.sourcePath === sourcePath);
  }

  async getChunk(id: string): Promise<StoredChunk | null> {
    const rows = await this.chunksTable.query().where(`id = ${sqlString(id)}`).select(CHUNK_COLUMNS).limit(1).toArray();
    if (!rows.length) return null;
    const chunk = rowToChunk(rows[0] as Record<string, unknown>);
    return this.isVisible(chunk.documentId) ? chunk : null;
  }

  async countChunks(): Promise<number> {
    return this.chunksTable.countRows();
  }

  /**
   * Nearest chunks by cosine distance, as ids and distances only (search fetches the text of the few
   * it keeps, which halves query time at 100k chunks). Chunks of invisible documents are included.
   */
  async vectorCandidates(vector: Float32Array, options: ChunkQueryOptions): Promise<Candidate[]> {
    if (!this.model) return [];
    if (vector.length !== this.model.dimension)
      throw new DesksideError("EMBEDDING_FAILED", `The query vector has ${vector.length} dimensions but the stored vectors have ${this.model.dimension}; re-index the knowledge base.`);
    const query = this.chunksTable.vectorSearch(vector).distanceType("cosine").select(["id", "document_id", "_distance"]).limit(options.limit);
    const where = collectionFilter(options);
    if (where) query.where(where);
    const rows = (await query.toArray()) as Record<string, unknown>[];
    return rows.map((row) => ({id: String(row.id), documentId: String(row.document_id), distance: Number(row._distance)}));
  }

  /**
   * BM25 over the native full-text indexes (rows added since the last optimize() are searched
   * unindexed): the body alone, or body plus the title-and-headings field weighted by contextBoost.
   * The two fields are queried apart and added here: LanceDB's boolean "should" query over both took
   * 140 ms at 100k chunks against 4 ms for the two queries, and MultiMatchQuery keeps only the larger
   * field score. A chunk outside one field's list scores 0 there; the context list is read deeper
   * because a matching title is shared by every chunk of its document.
   */
  async textCandidates(text: string, options: TextQueryOptions): Promise<Candidate[]> {
    const boost = options.contextBoost ?? 0;
    const where = collectionFilter(options);
    const run = async (column: "text" | "context", limit: number) => {
      const query = this.chunksTable.query().fullTextSearch(new lancedb.MatchQuery(text, column)).select(["id", "document_id", "_score"]).limit(limit);
      if (where) query.where(where);
      return (await query.toArray()) as Record<string, unknown>[];
    };
    const [body, context] = await Promise.all([run("text", options.limit), boost > 0 ? run("context", options.limit * CONTEXT_DEPTH_FACTOR) : Promise.resolve([])]);
    const byId = new Map<string, Candidate>();
    for (const row of body) byId.set(String(row.id), {id: String(row.id), documentId: String(row.document_id), bm25: Number(row._score)});
    for (const row of context) {
      const id = String(row.id);
      const entry = byId.get(id) ?? {id, documentId: String(row.document_id), bm25: 0};
      entry.bm25 = (entry.bm25 ?? 0) + boost * Number(row._score);
      byId.set(id, entry);
    }
    return [...byId.values()].sort((a, b) => (b.bm25 ?? 0) - (a.bm25 ?? 0) || a.id.localeCompare(b.id)).slice(0, options.limit);
  }

  /** Full chunks for the given ids, in the given order; ids no longer stored are left out. */
  async chunksByIds(ids: string[]): Promise<StoredChunk[]> {
    if (ids.length === 0) return [];
    const rows = await readAll(this.chunksTable, CHUNK_COLUMNS, sqlIn("id", ids));
    const byId = new Map(rows.map((row) => [String(row.id), rowToChunk(row)]));
    return ids.map((id) => byId.get(id)).filter((chunk): chunk is StoredChunk => chunk !== undefined);
  }

  /**
   * The chunks of a document from `fromOrdinal` to `toOrdinal` (inclusive), in order: the neighbours
   * a hit is widened with so the reader gets the whole section, not a cut-off excerpt.
   */
  async documentChunks(documentId: string, fromOrdinal: number, toOrdinal: number): Promise<StoredChunk[]> {
    if (!this.isVisible(documentId)) return [];
    // Ordinals are Int32 in the table; a wider literal fails the comparison.
    const clamp = (n: number) => Math.max(-INT32_MAX, Math.min(INT32_MAX, Math.floor(n)));
    const rows = await readAll(this.chunksTable, CHUNK_COLUMNS, `document_id = ${sqlString(documentId)} AND ordinal >= ${clamp(fromOrdinal)} AND ordinal <= ${clamp(toOrdinal)}`);
    return rows.map(rowToChunk).sort((a, b) => a.ordinal - b.ordinal);
  }

  /**
   * An evenly spread sample of visible chunks that depends only on the content's sources: ordered by
   * source path and position (ids are random per import), so the same files give the same sample.
   */
  async sampleChunks(count: number): Promise<StoredChunk[]> {
    // Positions come from the documents in memory (a document's chunks are ordinals 0..n-1), so
    // only the chosen chunks are read: reading every chunk's id to sort them held the event loop
    // for over 100 ms per 30,000 chunks.
    const docs = [...this.docs.values()]
      .filter((doc) => doc.status === "ready" && doc.chunkCount > 0)
      .sort((a, b) => (a.sourcePath < b.sourcePath ? -1 : a.sourcePath > b.sourcePath ? 1 : a.id.localeCompare(b.id)));
    const total = docs.reduce((sum, doc) => sum + doc.chunkCount, 0);
    if (total === 0 || count <= 0) return [];
    const picks = Math.min(count, total);
    const step = total / picks;
    const chosen: {documentId: string; ordinal: number}[] = [];
    let docIndex = 0;
    let before = 0;
    for (let i = 0; i < picks; i++) {
      const position = Math.floor(i * step);
      while (position >= before + docs[docIndex].chunkCount) before += docs[docIndex++].chunkCount;
      chosen.push({documentId: docs[docIndex].id, ordinal: position - before});
    }
    const byDocument = new Map<string, number[]>();
    for (const {documentId, ordinal} of chosen) {
      const ordinals = byDocument.get(documentId);
      if (ordinals) ordinals.push(ordinal);
      else byDocument.set(documentId, [ordinal]);
    }
    const where = [...byDocument].map(([id, ordinals]) => `(document_id = ${sqlString(id)} AND ordinal IN (${ordinals.join(", ")}))`).join(" OR ");
    const found = new Map((await readAll(this.chunksTable, CHUNK_COLUMNS, where)).map((row) => {
      const chunk = rowToChunk(row);
      return [`${chunk.documentId}\u0000${chunk.ordinal}`, chunk] as const;
    }));
    return chosen.map(({documentId, ordinal}) => found.get(`${documentId}\u0000${ordinal}`)).filter((chunk): chunk is StoredChunk => chunk !== undefined);
  }

  /** The fusion weights measured on this table (see fusion-calibration.ts), or null. */
  fusionCalibration(): FusionCalibration | null {
    const raw = this.meta[META_FUSION];
    if (!raw) return null;
    try {
      return JSON.parse(raw) as FusionCalibration;
    } catch {
      return null;
    }
  }

  saveFusionCalibration(calibration: FusionCalibration | null): Promise<void> {
    return this.writes.run(async () => {
      const meta = {...this.meta};
      if (calibration) meta[META_FUSION] = JSON.stringify(calibration);
      else delete meta[META_FUSION];
      try {
        await this.writeMeta(meta);
      } catch (error) {
        throw storeError("save the search calibration", error);
      }
    });
  }

  /** vectorCandidates with the chunks' content. */
  async vectorSearch(vector: Float32Array, options: ChunkQueryOptions): Promise<ChunkHit[]> {
    return this.withContent(await this.vectorCandidates(vector, options));
  }

  /** textCandidates with the chunks' content. */
  async textSearch(text: string, options: ChunkQueryOptions): Promise<ChunkHit[]> {
    return this.withContent(await this.textCandidates(text, options));
  }

  private async withContent(candidates: Candidate[]): Promise<ChunkHit[]> {
    const chunks = new Map((await this.chunksByIds(candidates.map((c) => c.id))).map((chunk) => [chunk.id, chunk]));
    return candidates.flatMap((candidate) => {
      const chunk = chunks.get(candidate.id);
      return chunk ? [{...chunk, distance: candidate.distance, bm25: candidate.bm25}] : [];
    });
  }

  /** The words the full-text index would keep from a text (lowercased, stemmed, stop words removed). */
  async analyze(text: string): Promise<string[]> {
    return (await this.chunksTable.tokenize(text, {column: "text"})).map((token) => token.text);
  }

  /**
   * The analysed words of each text, in one call to the analyzer: each call costs about half a
   * millisecond before any text is read, which for 50 passages was most of the time. Falls back to one
   * call per text if a text holds the separator itself.
   */
  async analyzeEach(texts: string[]): Promise<string[][]> {
    if (texts.length === 0) return [];
    const [separator] = await this.analyze(TEXT_SEPARATOR);
    const terms = await this.analyze(texts.join(`\n${TEXT_SEPARATOR}\n`));
    const out: string[][] = [[]];
    for (const term of terms) {
      if (term === separator) out.push([]);
      else out[out.length - 1].push(term);
    }
    return out.length === texts.length ? out : Promise.all(texts.map((text) => this.analyze(text)));
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Stores a document and all its chunks, then removes older documents from the same source path.
   * Vectors are kept only when `vectorModel` is the model of the chunks table, so one table never mixes
   * models; otherwise the document is stored text-only and a re-index fills it in.
   */
  writeDocument(doc: DocumentRecord, chunks: ChunkRecord[], options: {vectorModel: VectorModel | null; signal?: AbortSignal}): Promise<DocumentRecord> {
    return this.writes.run(async () => {
      if (options.signal?.aborted) throw cancelled();
      const model = this.model;
      const vectorsFit =
        model !== null &&
        options.vectorModel?.id === model.id &&
        options.vectorModel.dimension === model.dimension &&
        chunks.every((chunk) => chunk.vector?.length === model.dimension);
      const record: DocumentRecord = {...doc, status: "ready", chunkCount: chunks.length, error: null, embeddingModel: vectorsFit ? model.id : null};
      try {
        // In slices, rows built per slice: turning rows into Arrow holds the event loop (about 1 s
        // for 10,000 rows in one call). Visibility still comes from the document row, written last.
        for (const slice of writeSlices(chunks)) {
          if (options.signal?.aborted) throw cancelled();
          await this.chunksTable.add(slice.map((chunk) => chunkToRow(record, vectorsFit ? chunk : {...chunk, vector: null}, model !== null)));
        }
        if (options.signal?.aborted) throw cancelled();
        await this.documentsTable.add([documentToRow(record)]);
      } catch (error) {
        await this.chunksTable.delete(`document_id = ${sqlString(record.id)}`).catch(() => undefined);
        throw storeError("save the document", error);
      }
      this.docs.set(record.id, record);
      for (const older of this.findBySourcePath(record.sourcePath)) if (older.id !== record.id) await this.removeDocumentNow(older.id);
      return record;
    });
  }

  /** Keeps a failed import listed with its error; replaces an earlier failure of the same source. */
  recordFailure(doc: DocumentRecord): Promise<DocumentRecord> {
    return this.writes.run(async () => {
      const record: DocumentRecord = {...doc, status: "failed", chunkCount: 0, embeddingModel: null};
      try {
        await this.documentsTable.add([documentToRow(record)]);
      } catch (error) {
        throw storeError("record the failed import", error);
      }
      this.docs.set(record.id, record);
      for (const older of this.findBySourcePath(record.sourcePath))
        if (older.id !== record.id && older.status === "failed") await this.removeDocumentNow(older.id);
      return record;
    });
  }

  deleteDocument(id: string): Promise<boolean> {
    return this.writes.run(async () => {
      if (!this.docs.has(id)) return false;
      await this.removeDocumentNow(id);
      return true;
    });
  }

  /**
   * Deletes many documents with one delete per table and slice instead of two per document (a
   * watched folder's files removed together, a collection); returns how many existed.
   */
  deleteDocuments(ids: string[]): Promise<number> {
    return this.writes.run(async () => {
      const known = [...new Set(ids)].filter((id) => this.docs.has(id));
      for (let start = 0; start < known.length; start += DOCUMENTS_PER_STATEMENT) {
        const slice = known.slice(start, start + DOCUMENTS_PER_STATEMENT);
        const list = slice.map(sqlString).join(", ");
        try {
          await this.documentsTable.delete(`id IN (${list})`);
          for (const id of slice) this.docs.delete(id);
          await this.chunksTable.delete(`document_id IN (${list})`);
        } catch (error) {
          throw storeError("delete the documents", error);
        }
      }
      return known.length;
    });
  }

  /** Document row first, so the document vanishes from search at once; its chunks follow. */
  private async removeDocumentNow(id: string): Promise<void> {
    try {
      await this.documentsTable.delete(`id = ${sqlString(id)}`);
      this.docs.delete(id);
      await this.chunksTable.delete(`document_id = ${sqlString(id)}`);
    } catch (error) {
      throw storeError("delete the document", error);
    }
  }

  setCollection(id: string, collection: string | null): Promise<DocumentRecord> {
    return this.writes.run(async () => {
      const doc = this.docs.get(id);
      if (!doc) throw new DesksideError("NOT_FOUND", "That document is not in the knowledge base.");
      try {
        await this.chunksTable.update({values: {collection}, where: `document_id = ${sqlString(id)}`});
        await this.documentsTable.update({values: {collection}, where: `id = ${sqlString(id)}`});
      } catch (error) {
        throw storeError("change the collection", error);
      }
      const updated = {...doc, collection};
      this.docs.set(id, updated);
      return updated;
    });
  }

  /**
   * Points documents at other source paths (their files were renamed or moved) and, where given, new
   * titles, keeping their passages and vectors: nothing is parsed or embedded again. A merge of the
   * changed columns per table for each 200 documents (one update per document took 0.2 s each).
   * Chunks are updated first, so a crash in between leaves a document at its old path, which the next
   * folder sync treats as a removed file and a new one, rather than leaving passages with a stale
   * path. Unknown ids are passed over.
   */
  moveDocuments(moves: DocumentMove[]): Promise<DocumentRecord[]> {
    return this.writes.run(async () => {
      const moved: DocumentRecord[] = [];
      const known = moves.filter((move) => this.docs.has(move.id));
      for (let start = 0; start < known.length; start += DOCUMENTS_PER_STATEMENT) {
        const slice = known.slice(start, start + DOCUMENTS_PER_STATEMENT).map((move) => {
          const doc = this.docs.get(move.id)!;
          return {...doc, sourcePath: move.sourcePath, title: move.title?.trim() || doc.title};
        });
        const byId = new Map(slice.map((doc) => [doc.id, doc]));
        try {
          const chunks = await readAll(this.chunksTable, ["id", "document_id", "heading_path"], sqlIn("document_id", [...byId.keys()]));
          if (chunks.length > 0)
            await this.chunksTable
              .mergeInsert("id")
              .whenMatchedUpdateAll()
              .execute(
                chunks.map((row) => {
                  const doc = byId.get(String(row.document_id))!;
                  return {id: String(row.id), source_path: doc.sourcePath, title: doc.title, context: chunkContext(doc.title, toStringArray(row.heading_path))};
                }),
              );
          await this.documentsTable
            .mergeInsert("id")
            .whenMatchedUpdateAll()
            .execute(slice.map((doc) => ({id: doc.id, source_path: doc.sourcePath, title: doc.title})));
        } catch (error) {
          throw storeError("move the documents", error);
        }
        for (const doc of slice) {
          this.docs.set(doc.id, doc);
          moved.push(doc);
        }
      }
      return moved;
    });
  }

  /**
   * Compacts small per-document fragments, folds new rows into the full-text and vector indexes, and
   * (re)trains the vector index once the table is large enough or has outgrown its partitions.
   */
  optimize(): Promise<void> {
    return this.writes.run(async () => {
      try {
        await this.chunksTable.optimize();
        await this.documentsTable.optimize();
        const trained = await this.trainVectorIndexIfDue(this.chunksTable, this.model, Number(this.meta[META_INDEX_ROWS] ?? 0));
        if (trained !== null) await this.writeMeta({...this.meta, [META_INDEX_ROWS]: String(trained)});
      } catch (error) {
        throw storeError("be optimized", error);
      }
    });
  }

  /** Trains the IVF index when due; returns the row count it was trained on, or null when not due. */
  private async trainVectorIndexIfDue(table: lancedb.Table, model: VectorModel | null, trainedOn: number): Promise<number | null> {
    if (!model) return null;
    const rows = await table.countRows("vector IS NOT NULL");
    if (rows < VECTOR_INDEX_MIN_ROWS) return null;
    if (trainedOn > 0 && rows < trainedOn * VECTOR_INDEX_RETRAIN_GROWTH && (await vectorIndexParts(table)) <= VECTOR_INDEX_MAX_PARTS) return null;
    const numPartitions = Math.max(8, Math.round(Math.sqrt(rows) / 5));
    await table.createIndex("vector", {config: lancedb.Index.ivfFlat({distanceType: "cosine", numPartitions}), replace: true});
    return rows;
  }

  private async writeMeta(meta: Record<string, string>): Promise<void> {
    await this.metaTable.add(
      Object.entries(meta).map(([key, value]) => ({key, value})),
      {mode: "overwrite"},
    );
    this.meta = meta;
  }

  /**
   * Rebuilds every chunk into a fresh table with vectors from `target` (null: text-only) and swaps it in
   * by rewriting the meta record, so searches see either the old table or the complete new one. The bulk
   * runs beside normal imports; documents added, deleted or moved meanwhile are caught up inside the
   * write queue just before the swap. A crash before the swap leaves the old table in charge.
   */
  async rebuild(target: VectorModel | null, embed: Embed | null, options: RebuildOptions = {}): Promise<void> {
    if (this.rebuilding) throw new DesksideError("BUSY", "The knowledge base is already being re-indexed.");
    if (target && !embed) throw new DesksideError("EMBEDDING_MODEL_MISSING", "Re-indexing with vectors needs an embedding model.");
    this.rebuilding = {done: 0, total: 0};
    const oldTable = this.chunksTable;
    const newName = `${CHUNKS_TABLE_PREFIX}_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
    let newTable: lancedb.Table | null = null;
    try {
      newTable = await this.db.createEmptyTable(newName, chunksSchema(target?.dimension ?? null));
      const snapshot = new Map([...this.docs.values()].filter((doc) => doc.status === "ready").map((doc) => [doc.id, doc.collection]));
      this.rebuilding.total = await oldTable.countRows();
      options.onProgress?.(0, this.rebuilding.total);

      const copy = async (chunks: StoredChunk[]) => {
        for (let i = 0; i < chunks.length; i += REBUILD_BATCH) {
          if (options.signal?.aborted) throw cancelled();
          const batch = chunks.slice(i, i + REBUILD_BATCH);
          const vectors = target && embed ? await embed(batch.map((chunk) => chunk.text), options.signal) : null;
          await newTable!.add(batch.map((chunk, j) => chunkRowFromStored(chunk, vectors ? vectors[j] : undefined)));
          this.rebuilding!.done += batch.length;
          options.onProgress?.(this.rebuilding!.done, Math.max(this.rebuilding!.total, this.rebuilding!.done));
        }
      };

      for await (const batch of oldTable.query().select(CHUNK_COLUMNS)) {
        const chunks = batch
          .toArray()
          .map((row: {toJSON(): Record<string, unknown>}) => rowToChunk(row.toJSON()))
          .filter((chunk: StoredChunk) => snapshot.has(chunk.documentId));
        await copy(chunks);
      }

      await this.writes.run(async () => {
        const now = new Map([...this.docs.values()].filter((doc) => doc.status === "ready").map((doc) => [doc.id, doc.collection]));
        const added = [...now.keys()].filter((id) => !snapshot.has(id));
        const removed = [...snapshot.keys()].filter((id) => !now.has(id));
        for (let i = 0; i < added.length; i += IN_LIST_BATCH)
          await copy((await readAll(oldTable, CHUNK_COLUMNS, sqlIn("document_id", added.slice(i, i + IN_LIST_BATCH)))).map(rowToChunk));
        for (let i = 0; i < removed.length; i += IN_LIST_BATCH) await newTable!.delete(sqlIn("document_id", removed.slice(i, i + IN_LIST_BATCH)));
        for (const [id, collection] of now)
          if (snapshot.has(id) && snapshot.get(id) !== collection)
            await newTable!.update({values: {collection}, where: `document_id = ${sqlString(id)}`});
        if (options.signal?.aborted) throw cancelled();

        await this.ensureTextIndex(newTable!);
        await newTable!.optimize();
        const trained = await this.trainVectorIndexIfDue(newTable!, target, 0);
        const meta: Record<string, string> = {[META_CHUNKS_TABLE]: newName};
        if (target) Object.assign(meta, {[META_MODEL]: target.id, [META_DIMENSION]: String(target.dimension)});
        if (trained !== null) meta[META_INDEX_ROWS] = String(trained);
        await this.writeMeta(meta);
        // The swap is done: from here on searches and imports use the new table.
        this.retiredTables.push(this.chunksTableName);
        this.chunksTable = newTable!;
        this.chunksTableName = newName;
        this.model = target;
        newTable = null;
        options.onSwap?.();
        await this.documentsTable.update({values: {embedding_model: target?.id ?? null}, where: "status = 'ready'"});
        for (const doc of this.docs.values()) if (doc.status === "ready") this.docs.set(doc.id, {...doc, embeddingModel: target?.id ?? null});
      });
    } catch (error) {
      throw storeError("be re-indexed", error);
    } finally {
      this.rebuilding = null;
      if (newTable) {
        newTable.close();
        await this.db.dropTable(newName).catch(() => undefined);
      }
    }
  }

  // ---- knowledge packs -----------------------------------------------------------------------

  /**
   * The chunks table in use now and the model of its vectors, for reading passages with their
   * vectors in storage order (an export). A re-index that swaps tables meanwhile does not mix two
   * models into one read: a replaced table stays readable until the store closes.
   */
  vectorSnapshot(): {model: VectorModel | null; read: (where?: string) => AsyncGenerator<ChunkWithVector[]>} {
    const table = this.chunksTable;
    const model = this.model;
    const columns = model ? [...CHUNK_COLUMNS, "vector"] : CHUNK_COLUMNS;
    return {
      model,
      async *read(where) {
        const query = table.query().select(columns);
        if (where) query.where(where);
        for await (const batch of query) {
          // Column by column, a slice at a time: a compacted table hands over batches of thousands
          // of rows, and converting one whole (row.toJSON()) held the event loop for hundreds of ms.
          // The two nested columns are read from their buffers: Arrow's get() builds a Vector per
          // row for them, about 0.2-0.7 ms each, most of the cost of reading a passage.
          const fields = columns.filter((name) => name !== "vector" && name !== "heading_path").map((name) => [name, batch.getChild(name)] as const);
          const headings = batch.getChild("heading_path") as unknown as ArrowColumn | null;
          const vectors = model ? (batch.getChild("vector") as unknown as ArrowColumn | null) : null;
          for (let start = 0; start < batch.numRows; start += EXPORT_SLICE_ROWS) {
            const slice: ChunkWithVector[] = [];
            for (let i = start; i < Math.min(batch.numRows, start + EXPORT_SLICE_ROWS); i++) {
              const values: Record<string, unknown> = {heading_path: headings ? stringsAt(headings, i) : []};
              for (const [name, field] of fields) values[name] = field?.get(i) ?? null;
              slice.push({...rowToChunk(values), vector: vectors ? floatsAt(vectors, i) : null});
            }
            yield slice;
            await nextTurn();
          }
        }
      },
    };
  }

  /**
   * Starts writing passages of documents that are not visible yet (a pack import): nothing staged
   * is searchable until commitStaged writes all their document rows in one add, and a crash before
   * that leaves only passages without a document, which the next open deletes. Vectors are kept only
   * when `vectorModel` is the model of the table in use.
   */
  beginStaging(vectorModel: VectorModel | null): StagedDocuments {
    const model = this.model;
    const withVectors = model !== null && vectorModel !== null && vectorModel.id === model.id && vectorModel.dimension === model.dimension;
    return {table: this.chunksTable, tableName: this.chunksTableName, model, withVectors, documentIds: new Set()};
  }

  /** Adds passages to a staging (slices of WRITE_SLICE_ROWS, each a turn of the write queue). */
  async stageChunks(staging: StagedDocuments, rows: {doc: DocumentRecord; chunk: ChunkRecord}[]): Promise<void> {
    await this.writes.run(async () => {
      if (this.chunksTableName !== staging.tableName) throw reindexedMeanwhile();
      for (const {doc} of rows) staging.documentIds.add(doc.id);
      try {
        const values = rows.map(({doc, chunk}) => {
          if (staging.withVectors && chunk.vector?.length !== staging.model!.dimension) throw new DesksideError("INTERNAL", "A staged passage has no vector of the table's dimension.");
          return chunkToRow(doc, staging.withVectors ? chunk : {...chunk, vector: null}, staging.model !== null);
        });
        // One add (one table version) for the whole call, converted a slice per turn.
        await staging.table.add(await arrowInSlices(staging.table, values));
      } catch (error) {
        throw storeError("save the passages", error);
      }
    });
  }

  /**
   * Makes staged documents visible at once: one add of all their rows. A record whose source path a
   * document in another collection took meanwhile gets `placeAgain`'s path instead; afterwards,
   * earlier documents with the same source path (same collection) are removed, as a re-import
   * replaces. Returns the records as stored and the documents they replaced.
   */
  commitStaged(staging: StagedDocuments, records: DocumentRecord[], placeAgain: (record: DocumentRecord) => string): Promise<{committed: DocumentRecord[]; replaced: DocumentRecord[]}> {
    return this.writes.run(async () => {
      if (this.chunksTableName !== staging.tableName) throw reindexedMeanwhile();
      const embeddingModel = staging.withVectors ? staging.model!.id : null;
      const committed: DocumentRecord[] = [];
      // Source path → collections of the documents there, built once (a pack can hold thousands).
      const collectionsAt = new Map<string, Set<string | null>>();
      for (const doc of this.docs.values()) collectionsAt.set(doc.sourcePath, (collectionsAt.get(doc.sourcePath) ?? new Set()).add(doc.collection));
      try {
        for (const record of records) {
          let sourcePath = record.sourcePath;
          if ([...(collectionsAt.get(sourcePath) ?? [])].some((collection) => collection !== record.collection)) {
            sourcePath = placeAgain(record);
            await staging.table.update({values: {source_path: sourcePath}, where: `document_id = ${sqlString(record.id)}`});
          }
          committed.push({...record, sourcePath, status: "ready", error: null, embeddingModel});
        }
        // One add, so every document appears at once; converted a slice per turn (5,000 rows in one
        // conversion held the event loop about 200 ms).
        if (committed.length) await this.documentsTable.add(await arrowInSlices(this.documentsTable, committed.map(documentToRow)));
      } catch (error) {
        throw storeError("save the documents", error);
      }
      for (const record of committed) this.docs.set(record.id, record);
      const ours = new Set(committed.map((record) => record.id));
      const paths = new Set(committed.map((record) => record.sourcePath));
      const replaced = [...this.docs.values()].filter((doc) => paths.has(doc.sourcePath) && !ours.has(doc.id));
      for (const older of replaced) await this.removeDocumentNow(older.id);
      return {committed, replaced};
    });
  }

  /** Removes what a staging wrote (an import that failed or was cancelled); its documents never became visible. */
  discardStaged(staging: StagedDocuments): Promise<void> {
    return this.writes.run(async () => {
      const ids = [...staging.documentIds].filter((id) => !this.docs.has(id));
      for (let i = 0; i < ids.length; i += IN_LIST_BATCH) await staging.table.delete(sqlIn("document_id", ids.slice(i, i + IN_LIST_BATCH))).catch(() => undefined);
    });
  }

  /** Waits for queued writes, drops tables replaced by a re-index and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.idle();
    for (const name of this.retiredTables.splice(0)) await this.db.dropTable(name).catch(() => undefined);
    this.chunksTable.close();
    this.documentsTable.close();
    this.metaTable.close();
    this.db.close();
  }
}

/** How many parts the vector index is in (0 without one). */
async function vectorIndexParts(table: lancedb.Table): Promise<number> {
  const index = (await table.listIndices()).find((candidate) => candidate.columns.includes("vector"));
  if (!index) return 0;
  return (await table.indexStats(index.name))?.numIndices ?? 0;
}
