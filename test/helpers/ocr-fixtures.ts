/**
 * Images of known text for the OCR tests, made at test time: sentences drawn by Debian's Chromium
 * (playwright-core) on a canvas, then encoded by the browser (PNG, JPEG), written as TIFF here, or
 * placed on PDF pages with pdf-lib, as a scanner or a "print to PDF" of a scan would.
 */
import {chromium, type Browser, type Page} from "playwright-core";
import {PDFDocument, StandardFonts, degrees} from "pdf-lib";

// As in e2e-browser.ts, which is not imported here: the OCR benchmark uses these fixtures outside vitest.
const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Sentences a help desk would search for; no "fi"/"fl"/"ff", which fonts may draw as one ligature glyph. */
export const SCANNED_SENTENCES = {
  spooler: "Restart the print spooler when jobs are stuck in the queue.",
  vpn: "The VPN client shows error 809 when the hotel network blocks the tunnel.",
  toner: "Replace the toner cartridge when the amber light starts blinking.",
  badge: "Badge readers on the third storey need a new battery every spring.",
  wifi: "Guests connect to the visitor wireless network with the daily code.",
} as const;

export interface GrayPixels {
  width: number;
  height: number;
  /** One byte per pixel, 0 black … 255 white. */
  data: Uint8Array;
}

export interface TextImages {
  /** The lines drawn in black on white, `fontPx` high, encoded by the browser. */
  encoded(lines: string[], format: "png" | "jpeg", options?: DrawOptions): Promise<Uint8Array>;
  /** The same drawing as gray pixels (for TIFF and raw PDF images). */
  gray(lines: string[], options?: DrawOptions): Promise<GrayPixels>;
  close(): Promise<void>;
}

export interface DrawOptions {
  width?: number;
  /** At least this tall (a whole page), else as tall as the lines need. */
  height?: number;
  fontPx?: number;
  /** Lines drawn this many times larger than the rest (headings), by index. */
  large?: number[];
}

/** Runs in the page: draws the lines on a canvas and returns it encoded, or as gray pixels. */
const DRAW_IN_PAGE = String.raw`({lines, width, minHeight, fontPx, large, output}) => {
  const scale = (index) => (large.includes(index) ? 1.7 : 1);
  const lineHeight = (index) => scale(index) * fontPx * 1.6;
  const height = Math.max(minHeight, Math.ceil(fontPx * 2 + lines.reduce((sum, _line, index) => sum + lineHeight(index), 0)));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#000";
  ctx.textBaseline = "top";
  let y = fontPx;
  lines.forEach((line, index) => {
    ctx.font = (large.includes(index) ? "bold " : "") + Math.round(scale(index) * fontPx) + 'px "DejaVu Sans", sans-serif';
    ctx.fillText(line, fontPx, y);
    y += lineHeight(index);
  });
  if (output !== "gray") return {url: canvas.toDataURL(output === "png" ? "image/png" : "image/jpeg", 0.92)};
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const gray = new Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round((rgba[i * 4] + rgba[i * 4 + 1] + rgba[i * 4 + 2]) / 3);
  return {width, height, gray};
}`;

export async function openTextImages(): Promise<TextImages> {
  const browser: Browser = await chromium.launch({executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS});
  const page: Page = await browser.newPage();
  const draw = (lines: string[], options: DrawOptions, output: "png" | "jpeg" | "gray") => {
    const args = {lines, width: options.width ?? 1400, minHeight: options.height ?? 0, fontPx: options.fontPx ?? 30, large: options.large ?? [], output};
    // Sent as source text: a function compiled by tsx would carry helpers the page does not have.
    return page.evaluate(`(${DRAW_IN_PAGE})(${JSON.stringify(args)})`) as Promise<{url: string} | {width: number; height: number; gray: number[]}>;
  };
  return {
    async encoded(lines, format, options = {}) {
      const {url} = (await draw(lines, options, format)) as {url: string};
      return new Uint8Array(Buffer.from(url.slice(url.indexOf(",") + 1), "base64"));
    },
    async gray(lines, options = {}) {
      const {width, height, gray} = (await draw(lines, options, "gray")) as {width: number; height: number; gray: number[]};
      return {width, height, data: Uint8Array.from(gray)};
    },
    close: () => browser.close(),
  };
}

/** An uncompressed 8-bit grayscale TIFF, one page per image (classic TIFF, little-endian). */
export function makeGrayTiff(pages: GrayPixels[]): Uint8Array {
  const entries = 9;
  const ifdSize = 2 + entries * 12 + 4;
  let size = 8;
  const layout = pages.map((page) => {
    const ifd = size;
    const pixels = ifd + ifdSize;
    size = pixels + page.width * page.height;
    size += size % 2; // IFDs start on a word boundary
    return {ifd, pixels};
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49], 0);
  view.setUint16(2, 42, true);
  view.setUint32(4, layout[0].ifd, true);
  pages.forEach((page, index) => {
    const {ifd, pixels} = layout[index];
    const tags: [number, number, number][] = [
      [256, 4, page.width],
      [257, 4, page.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1], // BlackIsZero
      [273, 4, pixels],
      [277, 3, 1],
      [278, 4, page.height],
      [279, 4, page.width * page.height],
    ];
    view.setUint16(ifd, entries, true);
    tags.forEach(([tag, type, value], i) => {
      const at = ifd + 2 + i * 12;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      view.setUint32(at + 4, 1, true);
      if (type === 3) view.setUint16(at + 8, value, true);
      else view.setUint32(at + 8, value, true);
    });
    view.setUint32(ifd + 2 + entries * 12, index + 1 < pages.length ? layout[index + 1].ifd : 0, true);
    out.set(page.data, pixels);
  });
  return out;
}

export type ScannedPdfPage =
  | {
      image: Uint8Array;
      format: "png" | "jpeg";
      /** Page /Rotate, with the image placed so the page reads upright. */
      rotate?: 90;
      /** The scan's resolution, which sets the page size (default 144: half a point a pixel). */
      dpi?: number;
      /** Text stamped on the page before the image is drawn, as scanning software numbers pages. */
      stamp?: string;
    }
  | {text: string[]};

/** A PDF whose pages are either images (a scan: no text layer) or Helvetica text (a text layer). */
export async function makeScannedPdf(pages: ScannedPdfPage[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const content of pages) {
    if ("text" in content) {
      const page = pdf.addPage([595, 842]);
      content.text.forEach((line, index) => page.drawText(line, {x: 56, y: 780 - index * 18, size: 12, font}));
      continue;
    }
    const image = content.format === "png" ? await pdf.embedPng(content.image) : await pdf.embedJpg(content.image);
    const width = (image.width * 72) / (content.dpi ?? 144);
    const height = (image.height * 72) / (content.dpi ?? 144);
    if (content.rotate) {
      const page = pdf.addPage([height, width]);
      page.setRotation(degrees(90));
      page.drawImage(image, {x: height, y: 0, width, height, rotate: degrees(90)});
    } else {
      const page = pdf.addPage([width, height]);
      if (content.stamp) page.drawText(content.stamp, {x: width / 2, y: 8, size: 8, font});
      page.drawImage(image, {x: 0, y: 0, width, height});
    }
  }
  return pdf.save();
}

/** Lower-case words of at least three letters or any digits, punctuation dropped. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3 || /\d/.test(word));
}

/**
 * How much of a sentence OCR got: the share of its words found in order in the recognised text
 * (each word at most one misread letter away), so a stray misreading costs a little and a missing
 * line costs a lot.
 */
export function recognisedShare(recognised: string, sentence: string): number {
  const found = wordsOf(recognised);
  const wanted = wordsOf(sentence);
  let at = 0;
  let hits = 0;
  for (const word of wanted) {
    const index = found.findIndex((candidate, i) => i >= at && withinOneEdit(candidate, word));
    if (index !== -1) {
      hits++;
      at = index + 1;
    }
  }
  return wanted.length === 0 ? 0 : hits / wanted.length;
}

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
