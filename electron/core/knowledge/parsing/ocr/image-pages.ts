/**
 * The pages of an image file and their sizes, read from its headers before any decoder sees it,
 * so an image claiming a billion pixels is refused instead of decoded. PNG and JPEG hold one page;
 * a TIFF (faxes, document scanners) may hold many, each an image file directory (IFD). tesseract
 * reads the first IFD of a TIFF, so page n is handed over as the same bytes with the header
 * pointing at IFD n (offsets in a TIFF are absolute, so nothing else moves).
 */

export type ImageFormat = "png" | "jpeg" | "tiff";

export interface ImagePage {
  width: number;
  height: number;
  /** The bytes tesseract reads for this page. */
  bytes: () => Uint8Array;
}

/** Thrown for headers that do not hold together; the caller words it for the file. */
export class DamagedImageError extends Error {}

export function imagePages(bytes: Uint8Array, format: ImageFormat, maxPages: number): ImagePage[] {
  if (format === "png") return [{...pngSize(bytes), bytes: () => bytes}];
  if (format === "jpeg") return [{...jpegSize(bytes), bytes: () => bytes}];
  return tiffPages(bytes, maxPages);
}

function pngSize(bytes: Uint8Array): {width: number; height: number} {
  const view = viewOf(bytes);
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") throw new DamagedImageError("no PNG header");
  return {width: view.getUint32(16), height: view.getUint32(20)};
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are not frames. */
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(bytes: Uint8Array): {width: number; height: number} {
  const view = viewOf(bytes);
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new DamagedImageError("JPEG segment out of place");
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const length = view.getUint16(at + 2);
    if (JPEG_FRAMES.has(marker)) {
      if (at + 9 > bytes.length) break;
      return {height: view.getUint16(at + 5), width: view.getUint16(at + 7)};
    }
    at += 2 + length;
  }
  throw new DamagedImageError("no JPEG frame header");
}

const TIFF_WIDTH = 256;
const TIFF_HEIGHT = 257;
const TIFF_SUBFILE = 254;

function tiffPages(bytes: Uint8Array, maxPages: number): ImagePage[] {
  if (bytes.length < 8) throw new DamagedImageError("TIFF header cut off");
  const little = bytes[0] === 0x49;
  const view = viewOf(bytes);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const u64 = (at: number) => Number(view.getBigUint64(at, little));
  const big = u16(2) === 43;
  const offsetSize = big ? 8 : 4;
  const firstAt = big ? 8 : 4;
  const readOffset = (at: number) => (big ? u64(at) : u32(at));
  const entrySize = big ? 20 : 12;
  const countSize = big ? 8 : 2;

  const pages: ImagePage[] = [];
  const seen = new Set<number>();
  let ifd = readOffset(firstAt);
  // Reduced-resolution copies (thumbnails) are IFDs too; only full pages count.
  let scanned = 0;
  while (ifd !== 0) {
    if (seen.has(ifd) || ifd + countSize > bytes.length) throw new DamagedImageError("TIFF directory chain broken");
    seen.add(ifd);
    if (++scanned > maxPages * 2 + 2) break;
    const count = big ? u64(ifd) : u16(ifd);
    const end = ifd + countSize + count * entrySize;
    if (end + offsetSize > bytes.length) throw new DamagedImageError("TIFF directory cut off");
    let width = 0;
    let height = 0;
    let reduced = false;
    for (let i = 0; i < count; i++) {
      const entry = ifd + countSize + i * entrySize;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const valueAt = entry + (big ? 12 : 8);
      const value = type === 3 ? u16(valueAt) : type === 16 ? u64(valueAt) : u32(valueAt);
      if (tag === TIFF_WIDTH) width = value;
      else if (tag === TIFF_HEIGHT) height = value;
      else if (tag === TIFF_SUBFILE) reduced = (value & 1) === 1;
    }
    if (!reduced) {
      if (width <= 0 || height <= 0) throw new DamagedImageError("TIFF page without a size");
      const at = ifd;
      pages.push({width, height, bytes: () => pointedAt(bytes, firstAt, at, big, little)});
      if (pages.length > maxPages) break;
    }
    ifd = readOffset(end);
  }
  if (pages.length === 0) throw new DamagedImageError("TIFF without pages");
  return pages;
}

/** A copy whose header names `ifd` as the first directory. */
function pointedAt(bytes: Uint8Array, firstAt: number, ifd: number, big: boolean, little: boolean): Uint8Array {
  if (ifd === (big ? Number(viewOf(bytes).getBigUint64(firstAt, little)) : viewOf(bytes).getUint32(firstAt, little))) return bytes;
  const copy = new Uint8Array(bytes);
  const view = viewOf(copy);
  if (big) view.setBigUint64(firstAt, BigInt(ifd), little);
  else view.setUint32(firstAt, ifd, little);
  return copy;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
