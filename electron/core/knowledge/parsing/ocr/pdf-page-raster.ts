import "../pdfjs-compat.js";
import type {getDocumentProxy} from "unpdf";
import {getResolvedPDFJS} from "unpdf";
import {grayFromPdfImage, type GrayImage, type PdfImageData} from "./gray-image.js";

/**
 * Lays out the images of one PDF page, as the page shows them, on a white grayscale canvas: what a
 * scanned page looks like, without a native canvas. A scan is usually one image filling the page,
 * sometimes several strips, sometimes rotated by the page or by its placement; PDF.js decodes them
 * (JPEG, JBIG2, CCITT, Flate…) while building the page's operator list, and each is placed here
 * through its transformation matrix, so strips join up and rotated scans come out upright. Text,
 * vector drawings and clipping are not drawn: pages that need this have no text layer.
 */

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfProxy["getPage"]>>;
type Matrix = [number, number, number, number, number, number];

export interface PageRaster {
  image: GrayImage;
  /** The canvas's resolution in dots per inch (PDF units are 1/72 inch). */
  dpi: number;
}

interface PlacedImage {
  image: GrayImage;
  /** Image unit square → device space (viewport at scale 1, y down). */
  matrix: Matrix;
}

/** Images covering less of the page than this are logos or decorations, not a scanned page. */
const MIN_COVERAGE = 0.1;
/** Scans are laid out at their own resolution, within these bounds. */
const MIN_DPI = 72;
const MAX_DPI = 600;

/**
 * The page's images on one canvas, or null when the page shows no image worth reading.
 * `maxPixels` bounds the canvas (the resolution is lowered to fit).
 */
export async function rasterizePageImages(page: PdfPage, maxPixels: number): Promise<PageRaster | null> {
  const placed = await placedImages(page);
  const viewport = page.getViewport({scale: 1});
  const pageArea = viewport.width * viewport.height;
  if (placed.length === 0 || pageArea <= 0) return null;
  const covered = placed.reduce((sum, {matrix}) => sum + Math.abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]), 0);
  if (covered / pageArea < MIN_COVERAGE) return null;

  // The sharpest image sets the resolution: pixels per device unit along its placement.
  const native = Math.max(...placed.map(({image, matrix}) => Math.sqrt((image.width * image.height) / Math.max(1e-9, Math.abs(matrix[0] * matrix[3] - matrix[1] * matrix[2])))));
  let scale = Math.min(Math.max(native, MIN_DPI / 72), MAX_DPI / 72);
  const fit = Math.sqrt(maxPixels / pageArea);
  if (scale > fit) scale = fit;
  const width = Math.max(1, Math.ceil(viewport.width * scale));
  const height = Math.max(1, Math.ceil(viewport.height * scale));
  const canvas: GrayImage = {width, height, data: new Uint8Array(width * height).fill(255)};
  for (const {image, matrix} of placed) paint(canvas, image, multiply([scale, 0, 0, scale, 0, 0], matrix));
  return {image: canvas, dpi: scale * 72};
}

/**
 * Whether a page with no text layer shows anything to read: a painted image (a scan), or many
 * drawn paths (text set as outlines, a diagram). A book's blank left-hand pages draw neither, or a
 * rule or two. Building the operator list decodes the page's images, so callers ask for few pages.
 */
export async function showsContent(page: PdfPage): Promise<boolean> {
  const {OPS} = await getResolvedPDFJS();
  const images = new Set<number>([
    OPS.paintImageXObject,
    OPS.paintInlineImageXObject,
    OPS.paintInlineImageXObjectGroup,
    OPS.paintImageMaskXObject,
    OPS.paintImageMaskXObjectGroup,
    OPS.paintImageXObjectRepeat,
    OPS.paintImageMaskXObjectRepeat,
    OPS.paintSolidColorImageMask,
  ]);
  const drawings = new Set<number>([OPS.constructPath, OPS.shadingFill, OPS.rawFillPath].filter((op) => op !== undefined));
  let paths = 0;
  for (const op of (await page.getOperatorList()).fnArray) {
    if (images.has(op)) return true;
    if (drawings.has(op) && ++paths >= MIN_DRAWN_PATHS) return true;
  }
  return false;
}

/** Fewer drawn paths than this on a page without text or images are rules and boxes, not content. */
const MIN_DRAWN_PATHS = 50;

/** Follows the operator list's graphics state to where each image is painted, in paint order. */
async function placedImages(page: PdfPage): Promise<PlacedImage[]> {
  const {OPS} = await getResolvedPDFJS();
  const viewport = page.getViewport({scale: 1});
  const ops = await page.getOperatorList();
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const placed: PlacedImage[] = [];
  const place = (image: GrayImage | null) => {
    if (image) placed.push({image, matrix: multiply(viewport.transform as Matrix, ctm)});
  };
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        stack.push(ctm);
        break;
      case OPS.restore:
        ctm = stack.pop() ?? ctm;
        break;
      case OPS.transform:
        ctm = multiply(ctm, args as Matrix);
        break;
      case OPS.paintFormXObjectBegin:
        stack.push(ctm);
        if (Array.isArray(args?.[0])) ctm = multiply(ctm, args[0] as Matrix);
        break;
      case OPS.beginGroup: {
        stack.push(ctm);
        const matrix = (args?.[0] as {matrix?: Matrix} | undefined)?.matrix;
        if (matrix) ctm = multiply(ctm, matrix);
        break;
      }
      case OPS.paintFormXObjectEnd:
      case OPS.endGroup:
        ctm = stack.pop() ?? ctm;
        break;
      case OPS.paintImageXObject:
        place(grayFromPdfImage(await pageObject(page, String(args?.[0]))));
        break;
      case OPS.paintInlineImageXObject:
        place(grayFromPdfImage(args?.[0] as PdfImageData));
        break;
      case OPS.paintImageMaskXObject: {
        const mask = args?.[0] as (PdfImageData & {data?: unknown}) | undefined;
        // A mask PDF.js has cached names its decoded data instead of carrying it.
        const data = typeof mask?.data === "string" ? await pageObject(page, mask.data) : mask;
        if (mask && data) place(grayFromPdfImage({...data, width: data.width ?? mask.width, height: data.height ?? mask.height}, true));
        break;
      }
    }
  }
  return placed;
}

/** An image PDF.js decoded for this page (or, when shared between pages, for the document). */
function pageObject(page: PdfPage, id: string): Promise<PdfImageData> {
  const objects = id.startsWith("g_") ? page.commonObjs : page.objs;
  return new Promise((resolve) => objects.get(id, (value: unknown) => resolve((value ?? {width: 0, height: 0}) as PdfImageData)));
}

/** a × b: b applied first, as PDF.js composes transforms. */
function multiply(a: Matrix, b: Matrix): Matrix {
  return [
    a[0] * b[0] + a[2] * b[1],
    a[1] * b[0] + a[3] * b[1],
    a[0] * b[2] + a[2] * b[3],
    a[1] * b[2] + a[3] * b[3],
    a[0] * b[4] + a[2] * b[5] + a[4],
    a[1] * b[4] + a[3] * b[5] + a[5],
  ];
}

/**
 * Draws `image` onto `canvas` through `matrix` (image unit square → canvas pixels), nearest pixel,
 * over what is there already where the image is partly transparent. The image's first row is the
 * top of the unit square (v = 1), as in PDF.
 */
function paint(canvas: GrayImage, image: GrayImage, matrix: Matrix): void {
  const [a, b, c, d, e, f] = matrix;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) return;
  // Canvas pixel → unit square: the inverse of the matrix.
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  const corners = [
    [e, f],
    [a + e, b + f],
    [c + e, d + f],
    [a + c + e, b + d + f],
  ];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const x1 = Math.min(canvas.width, Math.ceil(Math.max(...corners.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const y1 = Math.min(canvas.height, Math.ceil(Math.max(...corners.map((p) => p[1]))));
  const {width, height, data, alpha} = image;
  for (let y = y0; y < y1; y++) {
    const py = y + 0.5 - f;
    const px = x0 + 0.5 - e;
    let u = ia * px + ic * py;
    let v = ib * px + id * py;
    const row = y * canvas.width;
    for (let x = x0; x < x1; x++, u += ia, v += ib) {
      if (u < 0 || u >= 1 || v <= 0 || v > 1) continue;
      const source = Math.min(height - 1, Math.floor((1 - v) * height)) * width + Math.min(width - 1, Math.floor(u * width));
      const opacity = alpha ? alpha[source] : 255;
      if (opacity === 255) canvas.data[row + x] = data[source];
      else if (opacity > 0) canvas.data[row + x] = (data[source] * opacity + canvas.data[row + x] * (255 - opacity)) / 255;
    }
  }
}
