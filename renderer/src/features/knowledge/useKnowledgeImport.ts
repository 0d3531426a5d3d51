import {useCallback} from "react";
import type {ImportJob} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import type {DesktopBridge} from "../../client/transport.js";
import type {PickedFile} from "./dropped-files.js";
import {batchBySize, toBase64} from "./upload.js";

/** Upload requests stay well below the API's default 2 MB body limit per call. */
const UPLOAD_BATCH_BYTES = 1_500_000;

/** The file's place on disk, when the desktop app can tell (Electron's webUtils, or File.path in older Electron). */
export function desktopPathOf(file: File, desktop: DesktopBridge | null): string | null {
  if (!desktop) return null;
  try {
    const viaBridge = desktop.pathForFile?.(file);
    if (viaBridge) return viaBridge;
  } catch {
    // Not a file from disk (e.g. dragged from a browser); fall through to upload.
  }
  const legacy = (file as File & {path?: string}).path;
  return legacy || null;
}

/**
 * Imports picked or dropped files. In the desktop app paths go to knowledge.import (the core walks
 * folders itself and nothing is copied through IPC); in a browser tab the bytes are uploaded.
 */
export function useKnowledgeImport() {
  const client = useClient();

  const importPaths = useCallback((paths: string[], collection: string | null) => client.invoke("knowledge.import", {paths, collection}), [client]);

  const importFiles = useCallback(
    async (files: PickedFile[], collection: string | null, droppedPaths: string[] = []): Promise<ImportJob[]> => {
      if (droppedPaths.length > 0) return [await importPaths(droppedPaths, collection)];
      const paths = files.map((picked) => desktopPathOf(picked.file, client.desktop));
      if (files.length > 0 && paths.every((path): path is string => path !== null)) return [await importPaths(paths, collection)];

      const jobs: ImportJob[] = [];
      for (const batch of batchBySize(files, UPLOAD_BATCH_BYTES)) {
        const encoded = await Promise.all(batch.map(async (picked) => ({name: picked.relativePath, dataBase64: await toBase64(picked.file)})));
        jobs.push(await client.invoke("knowledge.upload", {files: encoded, collection}));
      }
      return jobs;
    },
    [client, importPaths],
  );

  return {importFiles, importPaths, canPickPaths: Boolean(client.desktop?.pickFiles)};
}
