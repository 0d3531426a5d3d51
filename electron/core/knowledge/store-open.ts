import {randomUUID} from "node:crypto";
import * as lancedb from "@lancedb/lancedb";
import type {DataType, Field} from "apache-arrow";
import type {StoreLocation} from "./store-uri.js";
import {
  CHUNK_COLUMNS,
  CHUNK_IDENTITY_COLUMNS,
  CHUNKS_TABLE_PREFIX,
  DOCUMENTS_TABLE,
  LOST_PASSAGES_ERROR,
  META_KEYS,
  META_TABLE,
  chunkRowFromStored,
  chunksSchema,
  documentToRow,
  documentsSchema,
  metaSchema,
  rowToChunk,
  rowToDocument,
  type DocumentRecord,
  type VectorModel,
} from "./store-schema.js";
import {describe, moveTableAside, openTableRepaired, readRows, repairIndexes, type Row} from "../storage/table-repair.js";
import {knownTableNames} from "./store-tables.js";

/**
 * Opens the knowledge base's tables so that damage costs only what was damaged:
 * - `meta` (which chunks table is active, which model made its vectors) is bookkeeping; missing or
 *   unreadable, it is rebuilt from the tables it describes. A chunks table is found by its name
 *   and columns and is never dropped because bookkeeping is missing.
 * - a damaged `documents` table keeps what can be read and is completed from the chunks, which
 *   carry each document's title, source and collection.
 * - a damaged chunks table keeps what can be read; documents that lost passages are listed as
 *   failed (STORE_DAMAGED), so they are never "already imported" and a re-import restores them.
 * - damaged search indexes are dropped and built again.
 */

export interface StoreHealth {
  /** Sentences for the log: what was damaged and what was done about it. */
  notes: string[];
  /** Documents whose passages were lost; now listed as failed with STORE_DAMAGED. */
  lostDocuments: number;
  /** Documents rebuilt from their passages because their rows were damaged or missing. */
  rebuiltDocuments: number;
  /** `meta` was missing or unreadable and was rebuilt. */
  metaRebuilt: boolean;
  /** Documents of which only passages were found (an interrupted import); those passages were removed. */
  orphanDocuments: number;
}

export interface OpenedTables {
  documentsTable: lancedb.Table;
  metaTable: lancedb.Table;
  chunksTable: lancedb.Table;
  chunksTableName: string;
  model: VectorModel | null;
  meta: Record<string, string>;
  /** Other chunks tables, left over from a re-index; safe to drop only when `meta` was intact. */
  leftoverChunkTables: string[];
  health: StoreHealth;
}

interface ChunkOwner {
  count: number;
  title: string;
  sourcePath: string;
  collection: string | null;
}

const OWNER_COLUMNS = ["id", "document_id", "title", "source_path", "collection"];
const INDEXED_COLUMNS = ["text", "context", "id", "document_id", "vector"];
const REWRITE_SLICE = 500;

export async function openKnowledgeTables(db: lancedb.Connection, location: StoreLocation): Promise<OpenedTables> {
  const localRoot = location.kind === "local" ? location.uri : null;
  const health: StoreHealth = {notes: [], lostDocuments: 0, rebuiltDocuments: 0, metaRebuilt: false, orphanDocuments: 0};
  const names = await knownTableNames(db, location);
  const chunkTableNames = names.filter((name) => name.startsWith(CHUNKS_TABLE_PREFIX));

  // ---- meta ----
  const metaOpened = await openOrReplace(db, META_TABLE, metaSchema(), names, localRoot, health);
  let meta: Record<string, string> | null = null;
  if (metaOpened.existed) {
    const read = await readRows(metaOpened.table, ["key", "value"], "key");
    health.notes.push(...read.notes);
    if (read.complete) meta = Object.fromEntries(read.rows.map((row) => [String(row.key), String(row.value)]));
  }
  const metaIntact = meta !== null && chunkTableNames.includes(meta[META_KEYS.chunksTable] ?? "");
  // A brand-new store has no meta and no chunks: nothing to rebuild.
  if (!metaIntact && (metaOpened.existed || chunkTableNames.length > 0)) {
    health.metaRebuilt = true;
    health.notes.push(meta === null ? "the meta record was missing or unreadable; it is rebuilt from the tables" : "the meta record names a chunks table that does not exist; it is rebuilt from the tables");
  }

  // ---- documents ----
  const docsOpened = await openOrReplace(db, DOCUMENTS_TABLE, documentsSchema(), names, localRoot, health);
  let docRows: DocumentRecord[] = [];
  let docsComplete = docsOpened.existed || chunkTableNames.length === 0;
  let docsFromOlder = new Set<string>();
  let docsOutdated = false;
  if (docsOpened.existed) {
    const columns = await documentColumns(docsOpened.table);
    docsOutdated = columns.length < documentsSchema().fields.length;
    const read = await readRows(docsOpened.table, columns, "id");
    health.notes.push(...read.notes);
    docRows = read.rows.map(rowToDocument);
    docsComplete = read.complete;
    docsFromOlder = read.fromOlderVersions;
  } else if (chunkTableNames.length > 0) {
    health.notes.push("the documents table was missing; documents are rebuilt from their passages");
  }

  // ---- chunks ----
  const chosen = metaIntact ? meta![META_KEYS.chunksTable] : await pickChunksTable(db, chunkTableNames, docRows);
  const leftoverChunkTables = metaIntact ? chunkTableNames.filter((name) => name !== chosen) : [];
  if (!metaIntact && chosen) health.notes.push(`the active chunks table is "${chosen}" (found by its name and columns)`);
  let chunksName = chosen ?? newChunksTableName();
  const chunksOpened = await openOrReplace(db, chunksName, chunksSchema(meta && !health.metaRebuilt ? dimensionOf(meta) : null), chosen ? names : [], localRoot, health);
  let chunksTable = chunksOpened.table;
  const ownersRead = await readRows(chunksTable, OWNER_COLUMNS, "id");
  health.notes.push(...ownersRead.notes);
  const chunksComplete = ownersRead.complete && chunksOpened.existed === Boolean(chosen);
  if (!ownersRead.complete) {
    // Rewrite what could be read into a fresh table, which becomes the active one below.
    const rewritten = await rewriteChunks(db, chunksTable, await vectorDimension(chunksTable));
    health.notes.push(`the readable passages were copied into a fresh table "${rewritten.name}"`);
    if (localRoot) moveTableAside(localRoot, chunksName);
    else await db.dropTable(chunksName).catch(() => undefined);
    chunksTable = rewritten.table;
    chunksName = rewritten.name;
  }
  const owners = chunkOwners(ownersRead.complete ? ownersRead.rows : (await readRows(chunksTable, OWNER_COLUMNS, "id")).rows);

  health.notes.push(...(await repairChunkIndexes(chunksTable)));

  // ---- meta rebuilt, or pointed at a new chunks table ----
  const dimension = await vectorDimension(chunksTable);
  let model: VectorModel | null;
  let metaRecord: Record<string, string>;
  if (metaIntact && chunksName === chosen) {
    metaRecord = meta!;
    model = modelOf(meta!);
  } else {
    model = dimension === null ? null : {id: (metaIntact ? meta![META_KEYS.model] : null) ?? mostCommonModel(docRows) ?? "unknown", dimension};
    metaRecord = {[META_KEYS.chunksTable]: chunksName};
    if (model) Object.assign(metaRecord, {[META_KEYS.model]: model.id, [META_KEYS.dimension]: String(model.dimension)});
    const rows = Object.entries(metaRecord).map(([key, value]) => ({key, value}));
    await metaOpened.table.add(lancedb.makeArrowTable(rows, {schema: metaSchema()}), {mode: "overwrite"});
  }

  // ---- documents completed from chunks, and documents that lost their passages ----
  const docs = new Map(docRows.map((doc) => [doc.id, doc]));
  // A table that could not gain a new column in place is written again whole, in the current schema.
  let docsChanged = !docsComplete || docsOutdated;
  if (!docsComplete) {
    for (const [id, owner] of owners) {
      if (docs.has(id)) continue;
      docs.set(id, rebuiltDocument(id, owner, model));
      health.rebuiltDocuments++;
    }
    // Rows found only in an older version whose passages are all gone were deleted since.
    if (chunksComplete) for (const id of docsFromOlder) if (docs.get(id)?.status === "ready" && !owners.has(id)) docs.delete(id);
    if (health.rebuiltDocuments) health.notes.push(`${health.rebuiltDocuments} documents were rebuilt from their passages`);
  }
  for (const doc of docs.values()) {
    if (doc.status !== "ready") continue;
    const present = owners.get(doc.id)?.count ?? 0;
    if (present >= doc.chunkCount && present > 0) continue;
    docs.set(doc.id, {...doc, status: "failed", chunkCount: 0, embeddingModel: null, error: {...LOST_PASSAGES_ERROR}});
    health.lostDocuments++;
    docsChanged = true;
  }
  if (health.lostDocuments) health.notes.push(`${health.lostDocuments} documents lost their passages and are listed as failed until imported again`);
  if (docsChanged) {
    const rows = [...docs.values()].map(documentToRow);
    await docsOpened.table.add(lancedb.makeArrowTable(rows, {schema: documentsSchema()}), {mode: "overwrite"});
  }

  return {
    documentsTable: docsOpened.table,
    metaTable: metaOpened.table,
    chunksTable,
    chunksTableName: chunksName,
    model,
    meta: metaRecord,
    leftoverChunkTables,
    health,
  };
}

/**
 * Opens a table, repairing its version record if needed; one that cannot be opened at all is
 * moved aside (kept, for inspection) and replaced by an empty one. `existed` is false for a new table.
 */
async function openOrReplace(
  db: lancedb.Connection,
  name: string,
  schema: ReturnType<typeof metaSchema>,
  names: string[],
  localRoot: string | null,
  health: StoreHealth,
): Promise<{table: lancedb.Table; existed: boolean}> {
  if (names.includes(name)) {
    const opened = await openTableRepaired(db, name, localRoot);
    health.notes.push(...opened.notes);
    if (opened.table) return {table: opened.table, existed: true};
    const aside = moveTableAside(localRoot, name);
    if (aside) health.notes.push(`table "${name}" was moved aside as "${aside}"`);
    else await db.dropTable(name).catch(() => undefined);
  }
  return {table: await db.createEmptyTable(name, schema), existed: false};
}

/**
 * Without `meta`, the chunks table is the one with a chunk's columns whose passages belong to the
 * most known documents (a table left by a crashed re-index holds fewer); then the larger, then the
 * older one.
 */
async function pickChunksTable(db: lancedb.Connection, candidates: string[], docs: DocumentRecord[]): Promise<string | null> {
  const known = new Set(docs.map((doc) => doc.id));
  let best: {name: string; score: number; rows: number} | null = null;
  for (const name of [...candidates].sort()) {
    let table: lancedb.Table;
    try {
      table = await db.openTable(name);
    } catch {
      continue;
    }
    try {
      const columns = (await table.schema()).fields.map((field) => field.name);
      if (!CHUNK_IDENTITY_COLUMNS.every((column) => columns.includes(column))) continue;
      const rows = await table.countRows().catch(() => 0);
      const owners = await readRows(table, ["document_id"], "document_id").catch(() => ({rows: [] as Row[]}));
      const score = new Set(owners.rows.map((row) => String(row.document_id)).filter((id) => known.has(id))).size;
      if (!best || score > best.score || (score === best.score && rows > best.rows)) best = {name, score, rows};
    } finally {
      table.close();
    }
  }
  return best?.name ?? null;
}

function newChunksTableName(): string {
  return `${CHUNKS_TABLE_PREFIX}_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
}

/** Copies every readable chunk (from the latest or an earlier version) into a fresh table. */
async function rewriteChunks(db: lancedb.Connection, damaged: lancedb.Table, dimension: number | null): Promise<{table: lancedb.Table; name: string}> {
  // A table older than a column (the OCR mark) is read without it; the copy gets its default.
  const present = new Set((await damaged.schema()).fields.map((field) => field.name));
  const columns = [...CHUNK_COLUMNS.filter((column) => present.has(column)), ...(dimension !== null ? ["vector"] : [])];
  const salvaged = await readRows(damaged, columns, "id");
  const name = newChunksTableName();
  const table = await db.createEmptyTable(name, chunksSchema(dimension));
  const rows = salvaged.rows.map((row) => {
    return chunkRowFromStored(rowToChunk(row), dimension !== null ? toFloat32(row.vector) : undefined);
  });
  for (let start = 0; start < rows.length; start += REWRITE_SLICE) await table.add(rows.slice(start, start + REWRITE_SLICE));
  return {table, name};
}

function toFloat32(value: unknown): Float32Array | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Float32Array) return value;
  const maybe = value as {toArray?: () => ArrayLike<number>};
  return Float32Array.from(typeof maybe.toArray === "function" ? maybe.toArray() : (value as ArrayLike<number>));
}

function chunkOwners(rows: Row[]): Map<string, ChunkOwner> {
  const owners = new Map<string, ChunkOwner>();
  for (const row of rows) {
    const id = String(row.document_id);
    const owner = owners.get(id);
    if (owner) owner.count++;
    else owners.set(id, {count: 1, title: String(row.title ?? ""), sourcePath: String(row.source_path ?? ""), collection: (row.collection as string | null) ?? null});
  }
  return owners;
}

/** Columns of the documents table that older stores lack, with the value their existing rows get. */
const DOCUMENT_COLUMNS_ADDED_LATER: Record<string, string> = {notes: "CAST(NULL AS STRING)"};

/**
 * The documents table's columns, after adding those that came later (empty for existing rows) to a
 * table written before them. When the table cannot be changed in place (damaged), only the columns
 * it has are named, and the caller writes it again.
 */
async function documentColumns(table: lancedb.Table): Promise<string[]> {
  const wanted = documentsSchema().fields;
  let present: Set<string>;
  try {
    present = new Set((await table.schema()).fields.map((field) => field.name));
  } catch {
    return wanted.map((field) => field.name);
  }
  const missing = Object.keys(DOCUMENT_COLUMNS_ADDED_LATER).filter((name) => !present.has(name));
  if (missing.length > 0) {
    try {
      await table.addColumns(missing.map((name) => ({name, valueSql: DOCUMENT_COLUMNS_ADDED_LATER[name]})));
      for (const name of missing) present.add(name);
    } catch {
      // Left to the rewrite.
    }
  }
  return wanted.map((field) => field.name).filter((name) => present.has(name));
}

/** A document row made from what its passages carry; what they do not carry is left neutral. */
function rebuiltDocument(id: string, owner: ChunkOwner, model: VectorModel | null): DocumentRecord {
  const extension = /\.([a-z0-9]+)$/i.exec(owner.sourcePath)?.[1]?.toLowerCase() ?? "";
  return {
    id,
    title: owner.title || owner.sourcePath || "Recovered document",
    sourcePath: owner.sourcePath,
    // Unknown: an import of the same file is then never taken for "already imported".
    sha256: "",
    mime: "application/octet-stream",
    kind: KIND_BY_EXTENSION[extension] ?? "unknown",
    collection: owner.collection,
    chunkCount: owner.count,
    sizeBytes: 0,
    importedAt: new Date().toISOString(),
    status: "ready",
    origin: "recovered",
    embeddingModel: model?.id ?? null,
    error: null,
    notes: [],
  };
}

const KIND_BY_EXTENSION: Record<string, string> = {
  pdf: "pdf",
  docx: "docx",
  html: "html",
  htm: "html",
  md: "markdown",
  markdown: "markdown",
  txt: "text",
  csv: "csv",
  tsv: "csv",
  json: "json",
  jsonl: "json",
  eml: "email",
  msg: "email",
  mbox: "email",
  png: "image",
  jpg: "image",
  jpeg: "image",
  tif: "image",
  tiff: "image",
};

function mostCommonModel(docs: DocumentRecord[]): string | null {
  const counts = new Map<string, number>();
  for (const doc of docs) if (doc.status === "ready" && doc.embeddingModel) counts.set(doc.embeddingModel, (counts.get(doc.embeddingModel) ?? 0) + 1);
  let best: string | null = null;
  for (const [id, count] of counts) if (best === null || count > counts.get(best)!) best = id;
  return best;
}

function modelOf(meta: Record<string, string>): VectorModel | null {
  return meta[META_KEYS.model] && meta[META_KEYS.dimension] ? {id: meta[META_KEYS.model], dimension: Number(meta[META_KEYS.dimension])} : null;
}

function dimensionOf(meta: Record<string, string>): number | null {
  return modelOf(meta)?.dimension ?? null;
}

async function vectorDimension(table: lancedb.Table): Promise<number | null> {
  const field = (await table.schema()).fields.find((f) => f.name === "vector") as Field<DataType> | undefined;
  const listSize = (field?.type as {listSize?: number} | undefined)?.listSize;
  return typeof listSize === "number" ? listSize : null;
}

/** Probes each search index of the chunks table with a query that uses it; damaged ones are dropped (ensureTextIndex rebuilds them). */
async function repairChunkIndexes(table: lancedb.Table): Promise<string[]> {
  let indices: Awaited<ReturnType<lancedb.Table["listIndices"]>> = [];
  try {
    indices = await table.listIndices();
  } catch {
    // listing itself fails on damaged index files: repairIndexes sees it too
  }
  const probes = indices.map((index) => {
    const column = index.columns[0];
    if (index.indexType === "FTS") return () => table.query().fullTextSearch(new lancedb.MatchQuery("deskside", column)).limit(1).toArray();
    if (column === "vector") return async () => table.vectorSearch(new Array<number>((await vectorDimension(table)) ?? 1).fill(0.5)).limit(1).toArray();
    return () => table.query().where(`${column} = ''`).limit(1).toArray();
  });
  try {
    return await repairIndexes(table, probes, INDEXED_COLUMNS.map((column) => `${column}_idx`));
  } catch (error) {
    return [`the search indexes could not be checked: ${describe(error)}`];
  }
}
