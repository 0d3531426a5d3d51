/**
 * Responses must never reveal where things live on the technician's disk (user names, share
 * names). Absolute paths in messages are cut down to the file name, or to "<path>" for folders.
 */
const WINDOWS_PATH = /\b[A-Za-z]:\\(?:[^\\\s"'`<>|:*?]+\\)*[^\\\s"'`<>|:*?,;)]*/g;
const UNC_PATH = /\\\\[^\\\s"'`]+\\(?:[^\\\s"'`]+\\)*[^\\\s"'`,;)]*/g;
const FILE_URL = /\bfile:\/\/[^\s"'`)]+/g;
// Starts at the beginning or after a separator so URLs ("http://host/x") are left alone.
const POSIX_PATH = /(?<=^|[\s"'`(=[])\/(?:[^\s"'`/()[\]]+\/)+[^\s"'`/()[\],;]*/g;

function shorten(full: string): string {
  const trimmed = full.replace(/[\\/]+$/, "");
  const base = trimmed.split(/[\\/]/).pop() ?? "";
  // A base name with an extension is a file the message is about; anything else may be a user name.
  return /\.[A-Za-z0-9]{1,8}$/.test(base) ? base : "<path>";
}

export function scrubPaths(message: string): string {
  return message.replace(FILE_URL, (m) => shorten(m)).replace(UNC_PATH, shorten).replace(WINDOWS_PATH, shorten).replace(POSIX_PATH, shorten);
}
