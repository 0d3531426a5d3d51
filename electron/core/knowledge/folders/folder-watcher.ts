import path from "node:path";
import {watch, type FSWatcher} from "chokidar";
import {isIgnoredName, isSkippedFolder, isSyncedFile} from "./sync-filter.js";

export interface FolderWatchHandlers {
  /** A synced file was added, changed or removed, or a folder appeared or went (`kind`). */
  onChange(changed: string, kind: "file" | "folder"): void;
  /** The watched folder itself went away. */
  onRootGone(): void;
  /** The operating system stopped reporting changes (e.g. ENOSPC: out of inotify watches). */
  onError(error: Error): void;
}

export interface FolderWatch {
  /** Settles once every folder is watched (or watching failed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Native change notifications for one folder tree (chokidar: inotify, FSEvents, ReadDirectoryChangesW),
 * filtered to the entries a sync cares about. Editors that save by writing a temporary file and
 * renaming it over the document come out as one change of the document (chokidar's `atomic`).
 * Nothing is debounced here: the sync waits for changes to settle.
 */
export function watchFolder(root: string, handlers: FolderWatchHandlers): FolderWatch {
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    ignorePermissionErrors: true,
    atomic: true,
    ignored: (entry, stats) => {
      if (entry === root) return false;
      const name = path.basename(entry);
      if (stats?.isDirectory()) return isSkippedFolder(name);
      if (stats?.isFile()) return !isSyncedFile(name);
      // Not known yet (chokidar asks again with stats): only names that are never wanted.
      return isIgnoredName(name);
    },
  });
  watcher.on("add", (file) => handlers.onChange(file, "file"));
  watcher.on("change", (file) => handlers.onChange(file, "file"));
  watcher.on("unlink", (file) => handlers.onChange(file, "file"));
  watcher.on("addDir", (folder) => {
    if (folder !== root) handlers.onChange(folder, "folder");
  });
  watcher.on("unlinkDir", (folder) => (folder === root ? handlers.onRootGone() : handlers.onChange(folder, "folder")));
  watcher.on("error", (error) => handlers.onError(error instanceof Error ? error : new Error(String(error))));
  const ready = new Promise<void>((resolve) => {
    watcher.once("ready", () => resolve());
    watcher.once("error", () => resolve());
  });
  return {ready, close: () => watcher.close()};
}
