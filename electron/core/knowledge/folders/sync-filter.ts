import path from "node:path";

/**
 * Which entries of a watched folder are synced. Documents only, by extension: a shared drive or a
 * git checkout also holds scripts, archives and build output that nobody wants as answers. Editors'
 * temporary and lock files come and go while a document is saved; importing them would add and
 * remove a document on every save.
 */
export const SYNCED_EXTENSIONS: ReadonlySet<string> = new Set([
  "pdf",
  "docx",
  "docm",
  "html",
  "htm",
  "xhtml",
  "shtml",
  "mht",
  "md",
  "markdown",
  "mdown",
  "mkd",
  "mkdn",
  "mdx",
  "txt",
  "text",
  "rst",
  "adoc",
  "csv",
  "tsv",
  "tab",
  "json",
  "jsonl",
  "ndjson",
  "eml",
  "msg",
  "mbox",
  "png",
  "jpg",
  "jpeg",
  "tif",
  "tiff",
]);

/** Suffixes of files being written or downloaded (browsers, editors, copy tools). */
const TEMPORARY_SUFFIXES = [".tmp", ".temp", ".swp", ".swo", ".swx", ".part", ".partial", ".crdownload", ".download", ".bak", ".lock", "~"];
/** Folders that are tooling, never documentation. */
const SKIPPED_FOLDERS = new Set(["node_modules", "__pycache__", "$RECYCLE.BIN", "System Volume Information", "lost+found"]);
const SYSTEM_FILES = new Set(["thumbs.db", "desktop.ini", "ehthumbs.db"]);

/**
 * True for names never synced, files or folders: hidden ones (.git, .DS_Store, LibreOffice's
 * `.~lock.x#`, Emacs's `.#x`), Office's `~$x` owner files, Emacs's `#x#` autosaves, temporary
 * suffixes and system files.
 */
export function isIgnoredName(name: string): boolean {
  if (name.startsWith(".") || name.startsWith("~$")) return true;
  if (name.startsWith("#") && name.endsWith("#")) return true;
  const lower = name.toLowerCase();
  if (SYSTEM_FILES.has(lower)) return true;
  return TEMPORARY_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

export function isSkippedFolder(name: string): boolean {
  return isIgnoredName(name) || SKIPPED_FOLDERS.has(name);
}

/** Whether a file (by its name) is a document a watched folder syncs. */
export function isSyncedFile(name: string): boolean {
  if (isIgnoredName(name)) return false;
  const dot = name.lastIndexOf(".");
  return dot > 0 && SYNCED_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** Whether `target` is `root` or inside it (both absolute and resolved). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Whether any folder between `root` (exclusive) and the file is ignored, so a file in `.git/` is never synced. */
export function inIgnoredFolder(root: string, file: string): boolean {
  const parts = path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean);
  return parts.some(isSkippedFolder);
}
