import {readdir, realpath, stat} from "node:fs/promises";
import path from "node:path";
import {DesksideError} from "../../../shared/errors.js";
import type {ImportJobWarning} from "./import-jobs.js";

export interface WalkedFile {
  path: string;
  /** Set when the entry itself could not be examined; the file then fails alone with this error. */
  error?: {code: "FILE_UNREADABLE"; message: string};
}

export interface WalkResult {
  files: WalkedFile[];
  warnings: ImportJobWarning[];
}

function isHidden(name: string): boolean {
  return name.startsWith(".");
}

/**
 * Expands the given files and folders into the list of files to import, recursively. Hidden entries
 * (.git, .DS_Store) inside folders are skipped; a path given explicitly is taken even when hidden.
 * Every folder is entered once by its real path, so symlink loops end with a warning instead of
 * running forever. More than `maxFiles` files stops the walk early with BATCH_TOO_LARGE.
 */
export async function collectFiles(inputs: string[], options: {maxFiles: number; /** Keep every given path, even two that lead to one file (a watched folder's links: one document per path). */ keepAliases?: boolean}): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const warnings: ImportJobWarning[] = [];
  const visitedFolders = new Set<string>();
  const seenFiles = new Set<string>();

  const addFile = (file: WalkedFile, real?: string) => {
    if (real && !options.keepAliases) {
      if (seenFiles.has(real)) return;
      seenFiles.add(real);
    }
    files.push(file);
    if (files.length > options.maxFiles)
      throw new DesksideError("BATCH_TOO_LARGE", `This import has more than ${options.maxFiles} files; import fewer at a time or raise the limit in Settings.`, {
        details: {maxFiles: options.maxFiles},
      });
  };

  const walkFolder = async (folder: string): Promise<void> => {
    let real: string;
    try {
      real = await realpath(folder);
    } catch {
      warnings.push({path: folder, code: "FILE_UNREADABLE", message: "This folder could not be opened."});
      return;
    }
    if (visitedFolders.has(real)) {
      warnings.push({path: folder, code: "SYMLINK_LOOP", message: "This folder links back to a folder already being imported; it was skipped."});
      return;
    }
    visitedFolders.add(real);
    let entries;
    try {
      entries = await readdir(folder, {withFileTypes: true});
    } catch {
      warnings.push({path: folder, code: "FILE_UNREADABLE", message: "This folder could not be read; check its permissions."});
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walkFolder(full);
      else if (entry.isFile()) addFile({path: full}, full);
      else if (entry.isSymbolicLink()) await visitLink(full);
      // sockets, FIFOs and devices are not documents
    }
  };

  const visitLink = async (link: string): Promise<void> => {
    try {
      const target = await stat(link);
      if (target.isDirectory()) await walkFolder(link);
      else if (target.isFile()) addFile({path: link}, await realpath(link));
    } catch (error) {
      if (error instanceof DesksideError) throw error;
      warnings.push({path: link, code: "FILE_UNREADABLE", message: "This link points to something that cannot be read."});
    }
  };

  for (const input of inputs) {
    const full = path.resolve(input);
    let info;
    try {
      info = await stat(full);
    } catch {
      addFile({path: full, error: {code: "FILE_UNREADABLE", message: "This file or folder does not exist or cannot be read."}});
      continue;
    }
    if (info.isDirectory()) await walkFolder(full);
    else addFile({path: full}, await realpath(full).catch(() => full));
  }
  return {files, warnings};
}
