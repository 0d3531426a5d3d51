import * as lancedb from "@lancedb/lancedb";
import {DesksideError} from "../../../shared/errors.js";
import {DOCUMENTS_TABLE, META_KEYS, META_TABLE} from "./store-schema.js";
import type {StoreLocation} from "./store-uri.js";

/**
 * The knowledge base's tables that exist, for store-open.ts to decide what to open and what to create.
 *
 * A local folder's listing is exact. An object store's listing is not to be trusted: `tableNames()`
 * lists `<prefix>/` with a delimiter and expects one common prefix per `<table>.lance/`, and
 * S3-compatible servers differ there (s3rver, for one, answers an empty list because every object
 * sits two levels below the table's prefix). Taking an empty listing for an empty store would
 * create fresh tables over a team's data, so on object storage the tables are also looked up by the
 * names the store knows: `meta`, `documents`, and the chunks table that `meta` names. A lookup that
 * fails for any reason but "not found" stops the opening rather than guess.
 */
export async function knownTableNames(db: lancedb.Connection, location: StoreLocation): Promise<string[]> {
  const listed = await db.tableNames();
  if (location.kind === "local") return listed;
  const names = new Set(listed);
  const meta = await probe(db, META_TABLE, names);
  await probe(db, DOCUMENTS_TABLE, names);
  if (meta) {
    try {
      const rows = (await meta.query().where(`key = '${META_KEYS.chunksTable}'`).select(["value"]).toArray()) as {value: unknown}[];
      const chunks = rows.length ? String(rows[0].value) : null;
      if (chunks) (await probe(db, chunks, names))?.close();
    } catch (error) {
      throw new DesksideError("STORE_ERROR", "The shared knowledge base's meta table could not be read, so it is not known which tables it holds; nothing was changed. Details are in the log.", {cause: error});
    } finally {
      meta.close();
    }
  }
  return [...names];
}

/** Opens `name` to learn whether it exists (recorded in `names`); null when it does not. */
async function probe(db: lancedb.Connection, name: string, names: Set<string>): Promise<lancedb.Table | null> {
  try {
    const table = await db.openTable(name);
    names.add(name);
    return table;
  } catch (error) {
    if (names.has(name)) throw error;
    if (/was not found|not found/i.test(error instanceof Error ? error.message : String(error))) return null;
    throw error;
  }
}
