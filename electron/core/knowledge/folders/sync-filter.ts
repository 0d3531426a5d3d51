import path from "node:path";
import {extensionOf} from "../parsing/file-name.js";

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
  "rest",
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
/**
 * Folders that are tooling, never documentation. A built Sphinx site (Python's, Kerberos's and most
 * Read the Docs manuals) keeps a copy of every page's source in `_sources` and its theme in
 * `_static`: the pages themselves already hold the text, and a second copy of each would answer
 * every question twice.
 */
const SKIPPED_FOLDERS = new Set(["node_modules", "__pycache__", "$RECYCLE.BIN", "System Volume Information", "lost+found", "_sources", "_static"]);
/** Operating systems' folder files, and generated search indexes that repeat every page's text (MkDocs, Sphinx). */
const SYSTEM_FILES = new Set(["thumbs.db", "desktop.ini", "ehthumbs.db", "search_index.json", "searchindex.js"]);

/**
 * What a web page or a program is built from, not what it says: scripts, style sheets, fonts,
 * icons, source maps, compiled code. A folder import leaves these out (a saved or built web site
 * has dozens); they are never documents, while a file of an unknown kind still gets its chance.
 */
const MACHINERY_EXTENSIONS = new Set([
  "js", "mjs", "cjs", "css", "scss", "less", "map", "woff", "woff2", "ttf", "otf", "eot", "ico", "svg", "inv",
  "pyc", "pyo", "class", "jar", "o", "obj", "so", "dll", "dylib", "exe", "wasm",
]);

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

/**
 * Manual pages by their section suffix: `ssh_config.5`, `openssl.1ssl`, `Net::FTP.3pm`, `tclsh.n`
 * (Tcl's pages are in section n), or `.man`; not the video and archive names that look alike (`.3gp`, `.7z`).
 */
const MANPAGE_EXTENSION = /^(?!3gp$|3g2$|7z$)([1-9][a-z]{0,6}|n|man)$/;

/** GNU Info manuals, and the parts a large one is split into (`find.info-1`). */
const INFO_EXTENSION = /^info(-\d{1,3})?$/;

/**
 * Whether a file (by its name) is a document a watched folder syncs: one of the documents' extensions,
 * a manual page, or either of those gzipped (`README.txt.gz`, `ssh_config.5.gz`), as Linux installs
 * its manual pages and much of its documentation.
 */
export function isSyncedFile(name: string): boolean {
  if (isIgnoredName(name)) return false;
  const inner = /.\.gz$/i.test(name) ? name.slice(0, -3) : name;
  const extension = extensionOf(inner);
  return SYNCED_EXTENSIONS.has(extension) || MANPAGE_EXTENSION.test(extension) || INFO_EXTENSION.test(extension);
}

/**
 * Whether a file is machinery (see MACHINERY_EXTENSIONS), which a folder import leaves out. Broader
 * than a watched folder's list of documents: any other file is tried (a README without an
 * extension, a .log), and fails alone with a clear error if it is not readable after all.
 */
export function isMachinery(name: string): boolean {
  return MACHINERY_EXTENSIONS.has(extensionOf(name));
}

/** The extension a left-out file is counted under ("no extension" when it has none). */
export function extensionLabel(name: string): string {
  const extension = extensionOf(name);
  return extension ? `.${extension}` : "no extension";
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
