import {useCallback, useRef, useState} from "react";
import {PACK_EXTENSION, type PackImportResult, type PackManifest} from "../../../../shared/knowledge.js";
import {useClient, useEvent} from "../../client/context.js";
import {RpcError} from "../../client/rpc-error.js";
import {downloadBlob} from "../../ui/files.js";
import {formatBytes, formatNumber} from "../../ui/format.js";
import {desktopPathOf} from "./useKnowledgeImport.js";

/** What the Knowledge panel shows of the latest pack import. */
export type PackActivity =
  | {state: "idle"}
  | {state: "running"; fileName: string; phase: "sending" | "verifying" | "writing" | "embedding"; done: number; total: number}
  | {state: "done"; fileName: string; result: PackImportResult}
  | {state: "failed"; fileName: string; error: {code: string; message: string}};

export const PACK_FILTERS = [{name: "Knowledge packs", extensions: [PACK_EXTENSION.slice(1)]}];

export function isPackFile(name: string): boolean {
  return name.toLowerCase().endsWith(PACK_EXTENSION);
}

/** POST /api/knowledge/pack answers in the help-desk API's snake_case; the panel reads the contract's shape. */
interface PackImportView {
  imported: PackImportResult["imported"];
  skipped: {title: string; collection: string | null; reason: string; document_id: string | null}[];
  replaced: PackImportResult["replaced"];
  chunks: number;
  vectors: PackImportResult["vectors"];
  embedding_model: string | null;
  took_ms: number;
  manifest: {
    format: "deskside-knowledge-pack";
    format_version: number;
    created_at: string;
    app_version: string;
    collection: string | null;
    collections: string[];
    counts: PackManifest["counts"];
    embedding: PackManifest["embedding"];
    payload: PackManifest["payload"];
  };
}

function fromView(view: PackImportView): PackImportResult {
  const m = view.manifest;
  return {
    imported: view.imported,
    skipped: view.skipped.map((s) => ({title: s.title, collection: s.collection, reason: s.reason, documentId: s.document_id})),
    replaced: view.replaced,
    chunks: view.chunks,
    vectors: view.vectors,
    embeddingModel: view.embedding_model,
    tookMs: view.took_ms,
    manifest: {
      format: m.format,
      formatVersion: m.format_version,
      createdAt: m.created_at,
      appVersion: m.app_version,
      collection: m.collection,
      collections: m.collections,
      counts: m.counts,
      embedding: m.embedding,
      payload: m.payload,
    },
  };
}

function errorInfo(error: unknown): {code: string; message: string} {
  if (error instanceof RpcError) return {code: error.code, message: error.message};
  return {code: "INTERNAL", message: error instanceof Error ? error.message : String(error)};
}

/**
 * Knowledge packs from the Knowledge panel. A browser tab downloads a pack (GET /api/knowledge/pack)
 * and uploads one (POST, with bytes-sent progress); the desktop app picks paths with its own
 * dialogs and lets the core read and write the files. The core's knowledge.packImport events carry
 * the import's progress once the pack has arrived.
 */
export function useKnowledgePacks() {
  const client = useClient();
  const [activity, setActivity] = useState<PackActivity>({state: "idle"});
  /** The collection being exported (null: everything); undefined when no export runs. */
  const [exporting, setExporting] = useState<string | null | undefined>(undefined);
  const running = useRef(false);

  useEvent("knowledge.packImport", (progress) => {
    const phase = progress.state;
    if (phase === "done" || phase === "failed") return;
    setActivity((current) => (current.state === "running" ? {...current, phase, done: progress.done, total: progress.total} : current));
  });

  const canImport = client.canUpload || Boolean(client.desktop?.pickFiles);
  const canExport = client.canDownload || Boolean(client.desktop?.pickSavePath);

  const run = useCallback(async (fileName: string, work: () => Promise<PackImportResult>): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setActivity({state: "running", fileName, phase: "sending", done: 0, total: 0});
    try {
      setActivity({state: "done", fileName, result: await work()});
    } catch (error) {
      setActivity({state: "failed", fileName, error: errorInfo(error)});
    } finally {
      running.current = false;
    }
  }, []);

  /** A pack the user picked or dropped: uploaded from a browser, read from disk by the desktop app. */
  const importFile = useCallback(
    (file: File) => {
      const onDisk = desktopPathOf(file, client.desktop);
      return run(file.name, async () => {
        if (onDisk) return client.invoke("knowledge.importPack", {path: onDisk});
        const view = await client.upload<PackImportView>("/api/knowledge/pack", file, {
          method: "POST",
          onProgress: (sent, total) =>
            setActivity((current) => (current.state === "running" && current.phase === "sending" ? {...current, done: sent, total} : current)),
        });
        return fromView(view);
      });
    },
    [client, run],
  );

  const importPath = useCallback((path: string) => run(path.split(/[\\/]/).pop() ?? path, () => client.invoke("knowledge.importPack", {path})), [client, run]);

  /** The desktop app's open dialog; false when there is none (a browser opens its own file input). */
  const pickAndImport = useCallback(async (): Promise<boolean> => {
    if (!client.desktop?.pickFiles) return false;
    const [path] = await client.desktop.pickFiles({filters: PACK_FILTERS});
    if (path) await importPath(path);
    return true;
  }, [client, importPath]);

  /** Exports a collection (or everything) and says where it went, for a toast. */
  const exportPack = useCallback(
    async (collection: string | null): Promise<string | null> => {
      setExporting(collection);
      try {
        if (client.canDownload) {
          const {blob, fileName} = await client.download(`/api/knowledge/pack${collection ? `?collection=${encodeURIComponent(collection)}` : ""}`);
          const name = fileName ?? `deskside-knowledge${PACK_EXTENSION}`;
          downloadBlob(name, blob);
          return `Downloaded ${name} (${formatBytes(blob.size)}).`;
        }
        if (!client.desktop?.pickSavePath) throw new RpcError("INVALID_INPUT", "This window cannot save files; export the pack from the browser interface or with GET /api/knowledge/pack.");
        const slug = (collection ?? "knowledge").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "collection";
        const path = await client.desktop.pickSavePath({defaultName: `deskside-${slug}-${new Date().toISOString().slice(0, 10)}${PACK_EXTENSION}`, filters: PACK_FILTERS});
        if (!path) return null;
        const result = await client.invoke("knowledge.exportPack", {path, collection});
        return `Saved ${result.fileName}: ${formatNumber(result.manifest.counts.documents)} documents, ${formatBytes(result.sizeBytes)}.`;
      } finally {
        setExporting(undefined);
      }
    },
    [client],
  );

  return {activity, dismiss: () => setActivity({state: "idle"}), importFile, importPath, pickAndImport, exportPack, exporting, canImport, canExport};
}
