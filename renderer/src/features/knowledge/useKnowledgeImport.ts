import {useCallback} from "react";
import type {ImportJob} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import type {DesktopBridge} from "../../client/transport.js";
import type {PickedFile} from "./dropped-files.js";
import {batchBySize, toBase64} from "./upload.js";

/** Upload requests stay well below the API's default 2 MB body limit per call. */
const UPLOAD_BATCH_BYTES = 1_500_000;
/**
 * Files this large are sent one by one as a streamed body (PUT /api/documents/{name}) instead of in
 * base64 JSON: decoding a 25 MB file's JSON held the server's event loop for about 1.5 s.
 */
const STREAM_FROM_BYTES = 1_000_000;

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
      const streamed = client.canUpload ? files.filter((picked) => picked.file.size >= STREAM_FROM_BYTES) : [];
      for (const picked of streamed) {
        const query = collection ? `?collection=${encodeURIComponent(collection)}` : "";
        const {job_id: id} = await client.upload<{job_id: string}>(`/api/documents/${encodeURIComponent(picked.relativePath)}${query}`, picked.file);
        jobs.push(await client.invoke("knowledge.job", {id}));
      }
      for (const batch of batchBySize(
        files.filter((picked) => !streamed.includes(picked)),
        UPLOAD_BATCH_BYTES,
      )) {
        const encoded = await Promise.all(batch.map(async (picked) => ({name: picked.relativePath, dataBase64: await toBase64(picked.file)})));
        jobs.push(await client.invoke("knowledge.upload", {files: encoded, collection}));
      }
      return jobs;
    },
    [client, importPaths],
  );

  return {importFiles, importPaths, canPickPaths: Boolean(client.desktop?.pickFiles)};
}
