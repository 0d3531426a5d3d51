import {getDocumentProxy} from "unpdf";
import {describe, expect, it} from "vitest";
import {makeRawPdf, type PdfObject} from "../../../../../test/helpers/pdf-writer.js";
import {rasterizePageImages} from "./pdf-page-raster.js";

/** One page of `width` × `height` points painting the given images with the given content stream. */
function pdfWithImages(options: {width: number; height: number; rotate?: number; content: string; images: {dict: string; data: number[]}[]}): Uint8Array {
  const names = options.images.map((_image, i) => `/Im${i + 1} ${5 + i} 0 R`).join(" ");
  const objects: PdfObject[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${options.width} ${options.height}]${options.rotate ? ` /Rotate ${options.rotate}` : ""} /Resources << /XObject << ${names} >> >> /Contents 4 0 R >>`,
    {dict: "", stream: Buffer.from(options.content, "latin1")},
    ...options.images.map(({dict, data}) => ({dict: `/Type /XObject /Subtype /Image ${dict}`, stream: Uint8Array.from(data)})),
  ];
  return makeRawPdf(objects);
}

/** A 2 × 2 gray image, black in its top-left pixel only. */
const CORNER = {dict: "/Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", data: [0, 255, 255, 255]};

async function raster(bytes: Uint8Array, maxPixels = 1_000_000) {
  const pdf = await getDocumentProxy(bytes, {verbosity: 0, isOffscreenCanvasSupported: false});
  try {
    return await rasterizePageImages(await pdf.getPage(1), maxPixels);
  } finally {
    await pdf.destroy();
  }
}

/** The canvas's mean gray in a quadrant: "tl", "tr", "bl", "br". */
function quadrant(result: NonNullable<Awaited<ReturnType<typeof raster>>>, which: "tl" | "tr" | "bl" | "br"): number {
  const {width, height, data} = result.image;
  const xs = which.endsWith("l") ? [0, width >> 1] : [width >> 1, width];
  const ys = which.startsWith("t") ? [0, height >> 1] : [height >> 1, height];
  let sum = 0;
  for (let y = ys[0]; y < ys[1]; y++) for (let x = xs[0]; x < xs[1]; x++) sum += data[y * width + x];
  return Math.round(sum / ((xs[1] - xs[0]) * (ys[1] - ys[0])));
}

describe("rasterizePageImages", () => {
  it("lays an image out as the page shows it, at least at 72 dpi", async () => {
    const result = (await raster(pdfWithImages({width: 100, height: 50, content: "q 100 0 0 50 0 0 cm /Im1 Do Q", images: [CORNER]})))!;
    expect(result.dpi).toBe(72);
    expect([result.image.width, result.image.height]).toEqual([100, 50]);
    expect([quadrant(result, "tl"), quadrant(result, "tr"), quadrant(result, "bl"), quadrant(result, "br")]).toEqual([0, 255, 255, 255]);
  });

  it("turns the image with the page's /Rotate and with the matrix it is placed by", async () => {
    const rotated = (await raster(pdfWithImages({width: 100, height: 50, rotate: 90, content: "q 100 0 0 50 0 0 cm /Im1 Do Q", images: [CORNER]})))!;
    expect([rotated.image.width, rotated.image.height]).toEqual([50, 100]);
    expect(quadrant(rotated, "tr")).toBe(0);
    // Drawn upside down (a negative vertical scale), it reads the other way round.
    const flipped = (await raster(pdfWithImages({width: 100, height: 50, content: "q 100 0 0 -50 0 50 cm /Im1 Do Q", images: [CORNER]})))!;
    expect(quadrant(flipped, "bl")).toBe(0);
  });

  it("joins strips, reads 1-bit images and image masks, and takes the sharpest image's resolution", async () => {
    const black = {dict: "/Width 8 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8", data: new Array(32).fill(0)};
    const white = {dict: "/Width 8 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8", data: new Array(32).fill(255)};
    const strips = (await raster(pdfWithImages({width: 4, height: 4, content: "q 4 0 0 2 0 2 cm /Im1 Do Q q 4 0 0 2 0 0 cm /Im2 Do Q", images: [black, white]})))!;
    // 8 × 4 pixels over 4 × 2 points: 144 dpi.
    expect(strips.dpi).toBe(144);
    expect([quadrant(strips, "tl"), quadrant(strips, "tr"), quadrant(strips, "bl"), quadrant(strips, "br")]).toEqual([0, 0, 255, 255]);

    // 8 × 2, bits clear on the left half of the top row: black in a 1-bit image, ink in a mask.
    const bits = [0x0f, 0xff];
    for (const image of [{dict: "/Width 8 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 1", data: bits}, {dict: "/Width 8 /Height 2 /ImageMask true", data: bits}]) {
      const result = (await raster(pdfWithImages({width: 80, height: 20, content: "q 80 0 0 20 0 0 cm /Im1 Do Q", images: [image]})))!;
      expect([quadrant(result, "tl"), quadrant(result, "tr"), quadrant(result, "bl")], image.dict).toEqual([0, 255, 255]);
    }
  });

  it("leaves out pages whose images are only a logo, and fits the canvas under the pixel limit", async () => {
    expect(await raster(pdfWithImages({width: 600, height: 800, content: "q 40 0 0 40 10 750 cm /Im1 Do Q", images: [CORNER]}))).toBeNull();
    const large = {dict: "/Width 400 /Height 400 /ColorSpace /DeviceGray /BitsPerComponent 8", data: new Array(160_000).fill(200)};
    const fitted = (await raster(pdfWithImages({width: 100, height: 100, content: "q 100 0 0 100 0 0 cm /Im1 Do Q", images: [large]}), 10_000))!;
    expect(fitted.image.width * fitted.image.height).toBeLessThanOrEqual(10_000);
    expect(quadrant(fitted, "br")).toBe(200);
  });
});
