import {DesksideError} from "../../../../shared/errors.js";
import {fileTooComplex, fileTooLarge, formatCount, formatMegabytes, type FileLimits} from "./file-limits.js";
import {inflatedSize} from "./inflated-size.js";

/**
 * Checks a ZIP-based document (DOCX) before any library inflates it: the central directory's
 * uncompressed sizes must stay within the limit, and each compressed entry must really inflate to
 * no more than it declares. A crafted archive lies in its headers; the check streams each entry
 * through zlib, counting and dropping the output, and stops one byte past what the entry declares,
 * so a 1 KB entry that unpacks to 300 MB costs 1 KB of inflating and no memory.
 */

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const STORED = 0;
const DEFLATED = 8;

export async function checkZipArchive(bytes: Uint8Array, limits: FileLimits): Promise<void> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = readCentralDirectory(view, limits);
  let declared = 0;
  for (const entry of entries) declared += entry.uncompressedSize;
  if (declared > limits.maxUnpackedBytes) throw unpacksTooLarge(declared, limits);
  for (const entry of entries) await verifyEntry(view, entry, limits);
}

function readCentralDirectory(view: Buffer, limits: FileLimits): Entry[] {
  const end = findEndOfDirectory(view);
  if (end < 0) throw damaged();
  if (end >= 20 && view.readUInt32LE(end - 20) === ZIP64_END_LOCATOR) throw fileTooLarge("This document uses the ZIP64 format for parts larger than 4 GB; Deskside does not read documents that large.");
  const count = view.readUInt16LE(end + 10);
  const directorySize = view.readUInt32LE(end + 12);
  const directoryOffset = view.readUInt32LE(end + 16);
  if (count > limits.maxArchiveEntries)
    throw fileTooComplex(`This document is an archive of ${formatCount(count)} parts, more than the ${formatCount(limits.maxArchiveEntries)} Deskside reads; save it again from Word.`);
  if (directoryOffset + directorySize > view.length) throw damaged();

  const entries: Entry[] = [];
  let position = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (position + 46 > view.length || view.readUInt32LE(position) !== CENTRAL_HEADER) throw damaged();
    const nameLength = view.readUInt16LE(position + 28);
    const extraLength = view.readUInt16LE(position + 30);
    const commentLength = view.readUInt16LE(position + 32);
    const entry: Entry = {
      name: view.toString("utf8", position + 46, position + 46 + nameLength),
      method: view.readUInt16LE(position + 10),
      compressedSize: view.readUInt32LE(position + 20),
      uncompressedSize: view.readUInt32LE(position + 24),
      localHeaderOffset: view.readUInt32LE(position + 42),
    };
    applyZip64Extra(entry, view.subarray(position + 46 + nameLength, position + 46 + nameLength + extraLength));
    entries.push(entry);
    position += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The end-of-directory record sits in the last 64 KB + 22 bytes (its comment is at most 64 KB). */
function findEndOfDirectory(view: Buffer): number {
  const lowest = Math.max(0, view.length - 0xffff - 22);
  for (let i = view.length - 22; i >= lowest; i--) if (view.readUInt32LE(i) === END_OF_DIRECTORY) return i;
  return -1;
}

/** 0xFFFFFFFF in a size field means "see the ZIP64 extra field"; without one the size is unknowable. */
function applyZip64Extra(entry: Entry, extra: Buffer): void {
  const needs = [entry.uncompressedSize, entry.compressedSize, entry.localHeaderOffset].map((value) => value === 0xffffffff);
  if (!needs.some(Boolean)) return;
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (needs[0]) entry.uncompressedSize = next();
      if (needs[1]) entry.compressedSize = next();
      if (needs[2]) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
  throw fileTooLarge("This document declares a part larger than 4 GB; Deskside does not read documents that large.");
}

async function verifyEntry(view: Buffer, entry: Entry, limits: FileLimits): Promise<void> {
  if (entry.method !== STORED && entry.method !== DEFLATED) return; // the reader will refuse it
  const at = entry.localHeaderOffset;
  if (at + 30 > view.length || view.readUInt32LE(at) !== LOCAL_HEADER) throw damaged();
  const dataStart = at + 30 + view.readUInt16LE(at + 26) + view.readUInt16LE(at + 28);
  const data = view.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === STORED) {
    if (data.length > limits.maxUnpackedBytes) throw unpacksTooLarge(data.length, limits);
    return;
  }
  // One byte over what the entry declares is enough to know it lies.
  const cap = Math.min(entry.uncompressedSize, limits.maxUnpackedBytes);
  if ((await inflatedSize(data, cap, "raw")) <= cap) return;
  if (entry.uncompressedSize >= limits.maxUnpackedBytes) throw unpacksTooLarge(cap, limits);
  throw fileTooLarge(`Part "${entry.name.slice(0, 80)}" of this document unpacks to more than its header says (a decompression bomb); it was not opened.`);
}


function unpacksTooLarge(bytes: number, limits: FileLimits): DesksideError {
  return fileTooLarge(`This document unpacks to ${formatMegabytes(bytes)} or more, beyond the ${formatMegabytes(limits.maxUnpackedBytes)} Deskside unpacks for one file; it may be a decompression bomb.`, {
    maxUnpackedBytes: limits.maxUnpackedBytes,
  });
}

function damaged(): DesksideError {
  return new DesksideError("PARSE_FAILED", "This Word document could not be read; its archive structure is damaged or it is not really a .docx file.");
}
