/**
 * Names for uploaded files. An upload arrives with whatever name its client sent (a multipart
 * filename, or a folder-relative path from the browser UI), so the name is cleaned first; then each
 * file gets a name no other document uses, so two different files called `runbook.md` never replace
 * each other, while uploading the same file (same folder and name) again still replaces it.
 *
 * An upload's identity is its stored source path: the folder it came from (as the client sent it,
 * cleaned) and its name, e.g. `vpn/runbook.md`. Help-desk views show only the last part.
 */

/** Longest name kept, in characters; longer ones are cut, keeping the extension. */
export const MAX_UPLOAD_NAME_CHARS = 150;
/** Used when nothing is left of a name once it has been cleaned. */
export const FALLBACK_UPLOAD_NAME = "upload";
/** Folder levels kept from a client's relative path (the innermost ones). */
const MAX_FOLDER_DEPTH = 16;
const MAX_EXTENSION_CHARS = 16;

/** C0 and C1 control characters (NUL included) and the invisible marks that reorder text on screen. */
// eslint-disable-next-line no-control-regex -- control characters are what is removed
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export interface UploadPath {
  /** Folders the client sent, cleaned, joined with "/"; "" when none. */
  folder: string;
  /** The file name alone: no separators, no control characters, at most MAX_UPLOAD_NAME_CHARS. */
  name: string;
}

function shorten(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (extension.length > 1 && extension.length <= MAX_EXTENSION_CHARS) {
    const stem = Array.from(name.slice(0, dot));
    return stem.slice(0, max - extension.length).join("").trimEnd() + extension.join("");
  }
  return chars.slice(0, max).join("").trimEnd();
}

/**
 * Cleans a client's file name: control characters are removed, `/` and `\` split it into folders
 * and a name, `.` and `..` parts are dropped (a path with `..` keeps no folder at all), a name longer than
 * MAX_UPLOAD_NAME_CHARS is cut (its extension kept), and an empty name becomes FALLBACK_UPLOAD_NAME.
 */
export function cleanUploadPath(raw: string): UploadPath {
  const split = String(raw)
    .normalize("NFC")
    .replace(HIDDEN, "")
    .split(/[\\/]+/)
    .map((part) => part.trim());
  // A path that climbs (..) says nothing trustworthy about its folder: only its name is kept.
  const climbs = split.includes("..");
  const parts = split.filter((part) => part !== "" && part !== "." && part !== "..");
  const last = parts.pop() ?? "";
  const name = shorten(last, MAX_UPLOAD_NAME_CHARS) || FALLBACK_UPLOAD_NAME;
  // Folder parts lose ":" so no stored path can read as a drive (C:/…) on any system.
  const folders = (climbs ? [] : parts)
    .map((part) => shorten(part.replaceAll(":", ""), MAX_UPLOAD_NAME_CHARS))
    .filter((part) => part !== "" && part !== "." && part !== "..")
    .slice(-MAX_FOLDER_DEPTH);
  return {folder: folders.join("/"), name};
}

/** The last part of a source path: what the help-desk views show as a document's `source`. */
export function displayName(sourcePath: string): string {
  const parts = sourcePath.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? sourcePath;
}

function splitExtension(name: string): {stem: string; extension: string} {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? {stem: name.slice(0, dot), extension: name.slice(dot)} : {stem: name, extension: ""};
}

/** `runbook (2).md`, kept within MAX_UPLOAD_NAME_CHARS. */
function numbered(name: string, n: number): string {
  const {stem, extension} = splitExtension(name);
  const suffix = ` (${n})`;
  return `${shorten(stem, MAX_UPLOAD_NAME_CHARS - suffix.length - Array.from(extension).length)}${suffix}${extension}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface PlannedUpload {
  /** The name the file is imported as (job progress, title when the file has none, `source`). */
  name: string;
  /** Its identity: a document already stored under it is replaced. */
  sourcePath: string;
}

/**
 * Decides each uploaded file's name and identity against the documents already stored and the files
 * before it in the same batch:
 * - a stored upload with the same folder and name is the same file: it is replaced, under its
 *   stored name (also when that name had a number added when it arrived);
 * - otherwise the file keeps its name unless another document (any folder, any origin) or an
 *   earlier file of this batch already shows that name; then it becomes `name (2).ext`, `(3)`, ….
 * Two files sent with the same folder and name in one batch are different files as far as the
 * names go (the second is numbered); identical content is caught later, when it is hashed.
 */
export function planUploadNames(rawNames: string[], stored: {sourcePath: string}[]): PlannedUpload[] {
  const storedPaths = new Set(stored.map((doc) => doc.sourcePath));
  /** Lower-cased names shown by stored documents and by files planned so far. */
  const shown = new Set(stored.map((doc) => displayName(doc.sourcePath).toLowerCase()));
  const claimed = new Set<string>();
  const plans: PlannedUpload[] = [];

  for (const raw of rawNames) {
    const {folder, name} = cleanUploadPath(raw);
    const at = (fileName: string) => (folder ? `${folder}/${fileName}` : fileName);
    let chosen: string | null = null;

    if (storedPaths.has(at(name)) && !claimed.has(at(name))) chosen = name;
    else {
      // A copy stored earlier under a numbered name (it met a namesake when it arrived).
      const {stem, extension} = splitExtension(name);
      const pattern = new RegExp(`^${escapeRegExp(stem)} \\((\\d+)\\)${escapeRegExp(extension)}$`);
      const earlier = [...storedPaths]
        .filter((sourcePath) => sourcePath === at(displayName(sourcePath)) && pattern.test(displayName(sourcePath)) && !claimed.has(sourcePath))
        .sort((a, b) => Number(pattern.exec(displayName(a))![1]) - Number(pattern.exec(displayName(b))![1]));
      if (earlier.length > 0) chosen = displayName(earlier[0]);
    }
    if (chosen === null) {
      chosen = name;
      for (let n = 2; shown.has(chosen.toLowerCase()) || storedPaths.has(at(chosen)) || claimed.has(at(chosen)); n++) chosen = numbered(name, n);
    }

    const sourcePath = at(chosen);
    claimed.add(sourcePath);
    shown.add(chosen.toLowerCase());
    plans.push({name: chosen, sourcePath});
  }
  return plans;
}
