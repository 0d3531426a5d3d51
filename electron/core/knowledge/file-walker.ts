import {readdir, realpath, stat} from "node:fs/promises";
import path from "node:path";
import {DesksideError} from "../../../shared/errors.js";
import type {ImportJobWarning} from "./import-jobs.js";
import {extensionLabel, isIgnoredName, isMachinery, isSkippedFolder} from "./folders/sync-filter.js";

export interface WalkedFile {
  path: string;
  /** Set when the entry itself could not be examined; the file then fails alone with this error. */
  error?: {code: "FILE_UNREADABLE"; message: string};
}

export interface WalkResult {
  files: WalkedFile[];
  warnings: ImportJobWarning[];
}

/**
 * Expands the given files and folders into the list of files to import, recursively. Inside folders,
 * what is never a document is left out and counted in one warning per folder given: hidden and
 * temporary entries (.git, .DS_Store, ~$ owner files), tooling and generated folders (node_modules,
 * a Sphinx site's `_sources` and `_static`) and a web site's machinery (scripts, style sheets, fonts;
 * see sync-filter.ts). A path given explicitly is always taken.
 * Every folder is entered once by its real path, so symlink loops end with a warning instead of
 * running forever. More than `maxFiles` files stops the walk early with BATCH_TOO_LARGE.
 */
export async function collectFiles(inputs: string[], options: {maxFiles: number; /** Keep every given path, even two that lead to one file (a watched folder's links: one document per path). */ keepAliases?: boolean}): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const warnings: ImportJobWarning[] = [];
  const visitedFolders = new Set<string>();
  /** Each file taken so far by its real path, with its place in `files`. */
  const seenFiles = new Map<string, number>();

  const addFile = (file: WalkedFile, real?: string) => {
    if (real && !options.keepAliases) {
      const earlier = seenFiles.get(real);
      if (earlier !== undefined) {
        // A link met before the file it points to (a manual's `da/bind.html` → `en/bind.html`,
        // names sorted): the document is named after the file itself.
        if (file.path === real && files[earlier].path !== real) files[earlier] = file;
        return;
      }
      seenFiles.set(real, files.length);
    }
    files.push(file);
    if (files.length > options.maxFiles)
      throw new DesksideError("BATCH_TOO_LARGE", `This import has more than ${options.maxFiles} files; import fewer at a time or raise the limit in Settings.`, {
        details: {maxFiles: options.maxFiles},
      });
  };

  /** What the folder given now is leaving out: files counted by extension, tooling and generated folders by name. */
  let leftOut: LeftOut = {files: new Map(), folders: new Set()};

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
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name)) await walkFolder(full);
        else if (!isIgnoredName(entry.name)) leftOut.folders.add(entry.name);
        continue;
      }
      // Sockets, FIFOs and devices are not documents.
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      // Hidden and temporary files go unmentioned; machinery is counted, so nobody wonders where it went.
      if (isIgnoredName(entry.name)) continue;
      if (isMachinery(entry.name)) {
        const label = extensionLabel(entry.name);
        leftOut.files.set(label, (leftOut.files.get(label) ?? 0) + 1);
        continue;
      }
      if (entry.isFile()) addFile({path: full}, full);
      else await visitLink(full);
    }
  };

  const visitLink = async (link: string): Promise<void> => {
    try {
      const target = await stat(link);
      if (target.isDirectory() && !isSkippedFolder(path.basename(link))) await walkFolder(link);
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
    if (info.isDirectory()) {
      leftOut = {files: new Map(), folders: new Set()};
      await walkFolder(full);
      if (leftOut.files.size > 0 || leftOut.folders.size > 0) warnings.push({path: full, code: "NOT_DOCUMENTS", message: leftOutMessage(leftOut)});
    } else addFile({path: full}, await realpath(full).catch(() => full));
  }
  return {files, warnings};
}

interface LeftOut {
  files: Map<string, number>;
  folders: Set<string>;
}

/** "23 files that are not documents (…) were left out: .js 11, .css 5, …; so were the folders _sources, _static (…)." */
function leftOutMessage({files, folders}: LeftOut): string {
  const parts: string[] = [];
  if (files.size > 0) {
    const total = [...files.values()].reduce((sum, n) => sum + n, 0);
    const kinds = [...files].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const listed = kinds.slice(0, 6).map(([label, n]) => `${label} ${n}`).join(", ");
    const what = total === 1 ? "1 file that is not a document" : `${total} files that are not documents`;
    parts.push(`${what} (scripts, style sheets, fonts, program files) ${total === 1 ? "was" : "were"} left out: ${listed}${kinds.length > 6 ? ", …" : ""}`);
  }
  if (folders.size > 0) {
    const names = [...folders].sort().join(", ");
    parts.push(`${parts.length ? "so were" : "Left out:"} the ${folders.size === 1 ? "folder" : "folders"} ${names} (tooling, or a documentation site's copies of its pages)`);
  }
  return `${parts.join("; ")}.`;
}
