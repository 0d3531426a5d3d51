import fs from "node:fs";
import path from "node:path";
import type * as lancedb from "@lancedb/lancedb";

/**
 * Opening and reading a LanceDB table that may be damaged (a truncated or deleted data file, a
 * damaged manifest or index), recovering what can still be read. Shared by the knowledge store and
 * the conversation history, so each table costs only what was damaged in it.
 *
 * What LanceDB keeps makes this possible: each commit writes a new manifest (`_versions/`) and new
 * data files, and older versions stay readable until cleaned up. A damaged latest manifest is
 * moved aside so the table opens at the version before; rows of a damaged data file are looked for
 * in older versions (compaction rewrites rows into new files, so the files it replaced often still
 * hold them).
 */

export type Row = Record<string, unknown>;

export interface TableOpening {
  table: lancedb.Table | null;
  /** Sentences for the log and the report: what was wrong and what was done. */
  notes: string[];
}

export interface SalvageResult {
  rows: Row[];
  /** True when every row of the latest version was read (nothing lost). */
  complete: boolean;
  /** Keys of rows taken from an older version because the latest one could not be read. */
  fromOlderVersions: Set<string>;
  /** Rows of the latest version that could not be read anywhere. */
  lost: number;
  notes: string[];
}

const MANIFEST_ROLLBACKS = 5;
const READ_BATCH = 512;
const OLDER_VERSIONS = 40;
/** A salvage gives up on the rest after this long; what it found by then is kept. */
const SALVAGE_BUDGET_MS = 60_000;

/** The table's folder in a local store, or null for object storage (no file-level repairs there). */
function tableFolder(localRoot: string | null, name: string): string | null {
  return localRoot ? path.join(localRoot, `${name}.lance`) : null;
}

/**
 * Opens `name`; if its latest manifest is damaged, moves manifests aside (newest first) until the
 * table opens. Null when it cannot be opened at all (then the caller moves it aside).
 */
export async function openTableRepaired(db: lancedb.Connection, name: string, localRoot: string | null): Promise<TableOpening> {
  const notes: string[] = [];
  const folder = tableFolder(localRoot, name);
  for (let attempt = 0; ; attempt++) {
    try {
      return {table: await db.openTable(name), notes};
    } catch (error) {
      const moved = folder && attempt < MANIFEST_ROLLBACKS ? moveLatestManifestAside(folder) : null;
      if (!moved) {
        notes.push(`table "${name}" could not be opened: ${describe(error)}`);
        return {table: null, notes};
      }
      notes.push(`table "${name}": its latest version record (${moved}) was unreadable and was moved aside; the version before it is used`);
    }
  }
}

function moveLatestManifestAside(folder: string): string | null {
  const versions = path.join(folder, "_versions");
  let names: string[];
  try {
    names = fs.readdirSync(versions).filter((name) => name.endsWith(".manifest"));
  } catch {
    return null;
  }
  if (names.length <= 1) return null;
  // Manifest names count down (u64 max minus the version), so the newest sorts first by value.
  names.sort((a, b) => (BigInt(a.split(".")[0]) < BigInt(b.split(".")[0]) ? -1 : 1));
  const latest = names[0];
  fs.renameSync(path.join(versions, latest), path.join(versions, `${latest}.damaged`));
  fs.rmSync(path.join(versions, "latest_version_hint.json"), {force: true});
  return latest;
}

/** Moves a table folder out of LanceDB's sight (kept for inspection); returns its new name. */
export function moveTableAside(localRoot: string | null, name: string): string | null {
  const folder = tableFolder(localRoot, name);
  if (!folder || !fs.existsSync(folder)) return null;
  const aside = `${name}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  fs.renameSync(folder, path.join(localRoot!, aside));
  return aside;
}

/** Every row of the table (the given columns), or, when some cannot be read, all that can. */
export async function readRows(table: lancedb.Table, columns: string[], key: string): Promise<SalvageResult> {
  try {
    const rows = (await table.query().select(columns).toArray()) as Row[];
    return {rows, complete: true, fromOlderVersions: new Set(), lost: 0, notes: []};
  } catch (error) {
    return salvageRows(table, columns, key, describe(error));
  }
}

async function salvageRows(table: lancedb.Table, columns: string[], key: string, why: string): Promise<SalvageResult> {
  const notes = [`table "${table.name}" could not be read whole (${why}); reading what is left`];
  const deadline = Date.now() + SALVAGE_BUDGET_MS;
  const total = await table.countRows().catch(() => 0);
  const rows = await readByOffsets(table, columns, total, deadline);
  const found = new Map(rows.map((row) => [String(row[key]), row]));
  const fromOlderVersions = new Set<string>();
  let missing = total - rows.length;
  if (missing > 0) {
    // The same rows often sit in files an older version still points to (before a compaction).
    const versions = await table.listVersions().catch(() => []);
    const latest = versions.length ? Math.max(...versions.map((v) => v.version)) : 0;
    const older = versions
      .map((v) => v.version)
      .filter((v) => v < latest)
      .sort((a, b) => b - a)
      .slice(0, OLDER_VERSIONS);
    for (const version of older) {
      if (missing <= 0 || Date.now() > deadline) break;
      try {
        await table.checkout(version);
        // An older version may share the damaged file: then only its readable rows count.
        const oldRows = await table
          .query()
          .select(columns)
          .toArray()
          .catch(async () => readByOffsets(table, columns, await table.countRows(), deadline));
        for (const row of oldRows as Row[]) {
          const id = String(row[key]);
          if (found.has(id)) continue;
          found.set(id, row);
          fromOlderVersions.add(id);
        }
        missing = total - found.size;
      } catch {
        // this version cannot be read at all; try the one before
      }
    }
    await table.checkoutLatest().catch(() => undefined);
  }
  const lost = Math.max(0, total - found.size);
  notes.push(`table "${table.name}": ${rows.length} of ${total} rows read directly, ${fromOlderVersions.size} recovered from earlier versions, ${lost} lost`);
  return {rows: [...found.values()], complete: false, fromOlderVersions, lost, notes};
}

/**
 * Reads rows by position in batches. A damaged data file makes a contiguous run of positions
 * unreadable; its start is found by halving the failing batch and its end by galloping, so a run
 * of any length costs a few dozen reads.
 */
async function readByOffsets(table: lancedb.Table, columns: string[], total: number, deadline: number): Promise<Row[]> {
  const rows: Row[] = [];
  const read = async (from: number, to: number): Promise<Row[] | null> => {
    try {
      const offsets = Array.from({length: to - from}, (_, i) => from + i);
      return (await table.takeOffsets(offsets).select(columns).toArray()) as Row[];
    } catch {
      return null;
    }
  };
  let position = 0;
  while (position < total && Date.now() < deadline) {
    const end = Math.min(total, position + READ_BATCH);
    const batch = await read(position, end);
    if (batch) {
      rows.push(...batch);
      position = end;
      continue;
    }
    // Longest readable prefix of the batch.
    let low = position;
    let high = end - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (await read(position, middle)) low = middle;
      else high = middle - 1;
    }
    if (low > position) {
      rows.push(...((await read(position, low)) ?? []));
      position = low;
    }
    // `position` is unreadable: gallop to a readable row, then narrow down the first one.
    let bad = position;
    let step = 1;
    let probe = position + 1;
    while (probe < total && !(await read(probe, probe + 1))) {
      bad = probe;
      step *= 2;
      probe = Math.min(total, position + step);
    }
    let good = probe;
    while (good - bad > 1) {
      const middle = Math.floor((bad + good) / 2);
      if (await read(middle, middle + 1)) good = middle;
      else bad = middle;
    }
    position = good;
  }
  return rows;
}

/**
 * Queries that touch each index; one that fails means the index is damaged. The table then drops
 * the indexes by their names (listing them may itself fail) so the caller builds them again.
 */
export async function repairIndexes(table: lancedb.Table, probes: (() => Promise<unknown>)[], indexNames: string[]): Promise<string[]> {
  const notes: string[] = [];
  let damaged = false;
  try {
    await table.listIndices();
    for (const probe of probes) await probe();
  } catch (error) {
    damaged = true;
    notes.push(`table "${table.name}": a search index is damaged (${describe(error)}); it is rebuilt`);
  }
  if (!damaged) return notes;
  for (const name of indexNames) await table.dropIndex(name).catch(() => undefined);
  return notes;
}

/** A library error in one line, without the Rust source locations. */
export function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/,?\s*\/(rustc|usr\/local\/cargo)\/\S+/g, "").split("\n")[0].slice(0, 300);
}
