import path from "node:path";
import type {DocumentRecord} from "../../electron/core/knowledge/store-schema.js";

/** A ready, imported document record for writing straight to a store; the title is the file name. */
export function documentRecord(id: string, sourcePath: string, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    id,
    title: path.basename(sourcePath),
    sourcePath,
    sha256: `sha-${id}`,
    mime: "text/plain",
    kind: "text",
    collection: null,
    chunkCount: 0,
    sizeBytes: 10,
    importedAt: new Date().toISOString(),
    status: "ready",
    origin: "import",
    embeddingModel: null,
    error: null,
    notes: [],
    ...extra,
  };
}
