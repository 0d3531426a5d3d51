import zlib from "node:zlib";
import {DesksideError} from "../../../../shared/errors.js";
import {baseNameOf} from "./file-name.js";
import {fileTooLarge, formatMegabytes, type FileLimits} from "./file-limits.js";

/**
 * A gzipped document (`ssh_config.5.gz`, `README.gz`, `notes.txt.gz`, a rotated `syslog.2.gz`)
 * is read as the file inside it: Linux installs its manual pages and much of its documentation
 * this way. The file inside is named by dropping `.gz`, and its content decides its type as for
 * any other file; a tar archive inside still gets the archive answer. What it unpacks to counts
 * against the same limit as a Word file's or a PDF's streams, so a gzip bomb fails alone.
 */

export interface UnwrappedFile {
  bytes: Uint8Array;
  fileName: string;
  /** Whether the bytes were unpacked from gzip. */
  gzipped: boolean;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/** The name of the file a gzip holds: `a.5.gz` → `a.5`, `a.tgz` → `a.tar`. */
export function innerName(fileName: string): string {
  const base = baseNameOf(fileName);
  const folder = fileName.slice(0, fileName.length - base.length);
  if (/\.tgz$/i.test(base)) return folder + base.slice(0, -4) + ".tar";
  if (/.\.gz$/i.test(base)) return folder + base.slice(0, -3);
  return fileName;
}

export function unwrapGzip(bytes: Uint8Array, fileName: string, limits: Pick<FileLimits, "maxUnpackedBytes">): UnwrappedFile {
  if (!isGzip(bytes)) return {bytes, fileName, gzipped: false};
  let inner: Buffer;
  try {
    inner = zlib.gunzipSync(bytes, {maxOutputLength: limits.maxUnpackedBytes});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw fileTooLarge(
        `This compressed file unpacks to more than ${formatMegabytes(limits.maxUnpackedBytes)}, more than one file may hold; unpack it and split what is inside.`,
        {maxUnpackedBytes: limits.maxUnpackedBytes},
      );
    }
    throw new DesksideError("PARSE_FAILED", "This gzip file is damaged or cut off and could not be unpacked; copy it again from its source.", {cause: error});
  }
  return {bytes: inner, fileName: innerName(fileName), gzipped: true};
}

/**
 * The start of what a gzip holds, enough to tell its type, without unpacking all of it: a worker
 * loads the right reader before the file's clock starts. 64 KB of gzip unpack to at most about
 * 64 MB, so a bomb cannot make this expensive.
 */
export function gzipHead(bytes: Uint8Array, fileName: string): UnwrappedFile {
  if (!isGzip(bytes)) return {bytes, fileName, gzipped: false};
  try {
    const head = zlib.gunzipSync(bytes.subarray(0, 64 * 1024), {finishFlush: zlib.constants.Z_SYNC_FLUSH});
    return {bytes: head, fileName: innerName(fileName), gzipped: true};
  } catch {
    return {bytes, fileName, gzipped: false};
  }
}
