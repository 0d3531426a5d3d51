import {createHash} from "node:crypto";
import {createReadStream} from "node:fs";
import {readdir, stat} from "node:fs/promises";
import path from "node:path";
import {DesksideError} from "../../../../shared/errors.js";
import {isSkippedFolder, isSyncedFile} from "./sync-filter.js";

/**
 * Size, modification and change times: when all are as last synced, the file is taken as unchanged.
 * The change time moves with permissions too, so a file made readable is tried again.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface ScanProblem {
  path: string;
  code: "FOLDER_UNREADABLE";
  message: string;
}

export interface FolderScan {
  files: Map<string, FileStamp>;
  /** Sub-folders that could not be listed: what was imported from them is neither confirmed nor removed. */
  unreadable: ScanProblem[];
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Throws FOLDER_MISSING when the root is gone or no longer a folder, FOLDER_UNREADABLE when it cannot be listed. */
export async function checkRoot(root: string): Promise<void> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    if (errnoOf(error) === "EACCES" || errnoOf(error) === "EPERM") throw unreadableRoot();
    throw new DesksideError("FOLDER_MISSING", "This folder no longer exists (deleted, renamed or on a drive that is not connected); its documents are kept until it is back or removed from Deskside.");
  }
  if (!info.isDirectory()) throw new DesksideError("FOLDER_MISSING", "This path is no longer a folder; its documents are kept until it is back or removed from Deskside.");
}

/** checkRoot, and that the folder can be listed. */
export async function checkReadable(root: string): Promise<void> {
  await checkRoot(root);
  try {
    await readdir(root);
  } catch {
    throw unreadableRoot();
  }
}

function unreadableRoot(): DesksideError {
  return new DesksideError("FOLDER_UNREADABLE", "Deskside may not read this folder (permissions); its documents are kept as they were. Give the account running Deskside read access.");
}

/**
 * Lists the synced files under `root` (sync-filter.ts decides which), with their stamps. Folders
 * linked by symlink are not entered (a link back up would loop, and the watcher does not follow
 * them either); linked files are synced like files. A sub-folder that cannot be listed is reported
 * and skipped; the root itself failing throws (checkRoot's codes).
 */
export async function scanFolder(root: string, subtree: string = root): Promise<FolderScan> {
  const files = new Map<string, FileStamp>();
  const unreadable: ScanProblem[] = [];
  const walk = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, {withFileTypes: true});
    } catch (error) {
      if (folder === root) {
        await checkRoot(root);
        throw unreadableRoot();
      }
      // Gone between listing its parent and now: nothing to report, the next event or scan settles it.
      if (errnoOf(error) === "ENOENT" || errnoOf(error) === "ENOTDIR") return;
      unreadable.push({path: folder, code: "FOLDER_UNREADABLE", message: "This folder could not be read (permissions); documents imported from it earlier are kept."});
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name)) await walk(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isSyncedFile(entry.name)) {
        const stamp = await fileStamp(full);
        if (stamp) files.set(full, stamp);
      }
    }
  };
  await walk(subtree);
  return {files, unreadable};
}

/** The stamp of a regular file (following a link), or null when it is not one or is gone. */
export async function fileStamp(file: string): Promise<FileStamp | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? {size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs} : null;
  } catch (error) {
    // Present but not stat-able (a link into a folder we may not enter): still a file to report.
    if (errnoOf(error) === "EACCES" || errnoOf(error) === "EPERM") return {size: 0, mtimeMs: 0, ctimeMs: 0};
    return null;
  }
}

/** SHA-256 of a file's content, read as a stream (the same digest the importer stores); null when it cannot be read. */
export async function hashFile(file: string): Promise<string | null> {
  try {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } catch {
    return null;
  }
}
