import * as lancedb from "@lancedb/lancedb";

/**
 * LanceDB keeps index pages and file metadata in a per-session cache that by default may grow to
 * 6 GB and 1 GB, and that memory is not handed back. A desktop app shares the machine with the
 * model it runs, so the caches get a bound: enough for the full-text and vector indexes of a large
 * knowledge base (about 100k passages), not a share of the user's RAM. All connections of this
 * process (knowledge base and history) share one session.
 */
const INDEX_CACHE_BYTES = 256n * 1024n * 1024n;
const METADATA_CACHE_BYTES = 64n * 1024n * 1024n;

let shared: lancedb.Session | null = null;

export function lancedbSession(): lancedb.Session {
  shared ??= new lancedb.Session(INDEX_CACHE_BYTES, METADATA_CACHE_BYTES);
  return shared;
}
