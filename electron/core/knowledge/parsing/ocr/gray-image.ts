/**
 * 8-bit grayscale pixels: what a scanned page becomes before OCR. PDF.js hands decoded images
 * over in three layouts (1-bit, RGB, RGBA); OCR needs neither colour nor more than one byte per
 * pixel, so each is turned into gray (0 black, 255 white) with an opacity where the image has one.
 */

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major, one byte per pixel, 0 black … 255 white. */
  data: Uint8Array;
  /** Opacity per pixel (0 transparent … 255 opaque); absent when the image is opaque. */
  alpha?: Uint8Array;
}

/** PDF.js's ImageKind values. */
export const PDF_IMAGE_KIND = {GRAYSCALE_1BPP: 1, RGB_24BPP: 2, RGBA_32BPP: 3} as const;

/** A decoded image as PDF.js keeps it in a page's objects. */
export interface PdfImageData {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/**
 * One decoded PDF image in gray. `mask`: an image mask (stencil) that paints the fill colour,
 * taken as black ink, where its bit is clear; 1-bit images are white where their bit is set.
 * Null when PDF.js gave no pixel data (it drops images past its size limit).
 */
export function grayFromPdfImage(image: PdfImageData, mask = false): GrayImage | null {
  const {width, height, data} = image;
  if (!data || width <= 0 || height <= 0) return null;
  const pixels = width * height;
  const gray = new Uint8Array(pixels);
  if (mask || image.kind === PDF_IMAGE_KIND.GRAYSCALE_1BPP) {
    const rowBytes = (width + 7) >> 3;
    if (data.length < rowBytes * height) return null;
    const alpha = mask ? new Uint8Array(pixels) : undefined;
    for (let y = 0; y < height; y++) {
      const row = y * rowBytes;
      const out = y * width;
      for (let x = 0; x < width; x++) {
        const set = (data[row + (x >> 3)] >> (7 - (x & 7))) & 1;
        if (alpha) alpha[out + x] = set ? 0 : 255;
        else gray[out + x] = set ? 255 : 0;
      }
    }
    return {width, height, data: gray, alpha};
  }
  const channels = image.kind === PDF_IMAGE_KIND.RGBA_32BPP ? 4 : image.kind === PDF_IMAGE_KIND.RGB_24BPP ? 3 : 0;
  if (channels === 0 || data.length < pixels * channels) return null;
  for (let i = 0, j = 0; i < pixels; i++, j += channels) gray[i] = (data[j] * 299 + data[j + 1] * 587 + data[j + 2] * 114 + 500) / 1000;
  if (channels === 3) return {width, height, data: gray};
  const alpha = new Uint8Array(pixels);
  let opaque = true;
  for (let i = 0; i < pixels; i++) {
    alpha[i] = data[i * 4 + 3];
    if (alpha[i] !== 255) opaque = false;
  }
  return opaque ? {width, height, data: gray} : {width, height, data: gray, alpha};
}

/** Binary PGM (P5): the simplest file tesseract's image reader takes, written without a codec. */
export function encodePgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.width * image.height);
  out.set(header, 0);
  out.set(image.data.subarray(0, image.width * image.height), header.length);
  return out;
}
