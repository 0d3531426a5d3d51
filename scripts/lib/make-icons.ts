/**
 * Renders build/icon.svg into the icon files electron-builder uses:
 *   build/icon.png (1024), build/icons/<n>x<n>.png (Linux), build/icon.ico (Windows),
 *   build/icon.icns (macOS).
 * Run after changing the SVG: npx tsx scripts/lib/make-icons.ts
 */
import {mkdir, readFile, writeFile} from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import {PROJECT_ROOT} from "./models/manifest.js";

const BUILD_DIR = path.join(PROJECT_ROOT, "build");
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types holding PNG data, and their pixel size. */
const ICNS_TYPES: ReadonlyArray<[string, number]> = [
  ["icp4", 16],
  ["icp5", 32],
  ["icp6", 64],
  ["ic07", 128],
  ["ic08", 256],
  ["ic09", 512],
  ["ic10", 1024],
  ["ic11", 32],
  ["ic12", 64],
  ["ic13", 256],
  ["ic14", 512],
];

async function render(svg: Buffer, size: number): Promise<Buffer> {
  return sharp(svg, {density: Math.max(72, Math.ceil((72 * size) / 1024) * 4)})
    .resize(size, size)
    .png({compressionLevel: 9})
    .toBuffer();
}

/** An .ico whose images are PNG-compressed (supported since Windows Vista). */
export function buildIco(images: ReadonlyArray<{size: number; png: Buffer}>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const {size, png} of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2);
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

/** An .icns made of PNG entries. */
export function buildIcns(entries: ReadonlyArray<{type: string; png: Buffer}>): Buffer {
  const chunks = entries.map(({type, png}) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 4, "ascii");
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const header = Buffer.alloc(8);
  header.write("icns", 0, 4, "ascii");
  header.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([header, ...chunks]);
}

async function main(): Promise<void> {
  const svg = await readFile(path.join(BUILD_DIR, "icon.svg"));
  const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)])];
  const pngs = new Map<number, Buffer>();
  for (const size of sizes) pngs.set(size, await render(svg, size));

  await mkdir(path.join(BUILD_DIR, "icons"), {recursive: true});
  for (const size of LINUX_SIZES) await writeFile(path.join(BUILD_DIR, "icons", `${size}x${size}.png`), pngs.get(size)!);
  await writeFile(path.join(BUILD_DIR, "icon.png"), pngs.get(1024)!);
  await writeFile(path.join(BUILD_DIR, "icon.ico"), buildIco(ICO_SIZES.map((size) => ({size, png: pngs.get(size)!}))));
  await writeFile(path.join(BUILD_DIR, "icon.icns"), buildIcns(ICNS_TYPES.map(([type, size]) => ({type, png: pngs.get(size)!}))));
  process.stderr.write(`icons written to ${BUILD_DIR}\n`);
}

await main();
