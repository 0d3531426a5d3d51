import {DesksideError, isDesksideError} from "../../../../shared/errors.js";
import {fileTooLarge, formatCount, type FileLimits} from "./file-limits.js";
import {titleFromFileName} from "./file-name.js";
import {MIME} from "./mime.js";
import {ocrBlocks} from "./ocr/ocr-blocks.js";
import {DamagedImageError, imagePages, type ImageFormat} from "./ocr/image-pages.js";
import type {ParseContext, ParsedDocument} from "./types.js";

/**
 * Image files (a photographed notice, a scanned form, a fax as a multi-page TIFF): their text is
 * recognised by OCR. Each TIFF page keeps its page number; a single image has none.
 */

const LABELS: Record<ImageFormat, string> = {png: "PNG", jpeg: "JPEG", tiff: "TIFF"};
/** Smaller than this on either side, an image holds no readable line of text. */
const MIN_SIDE = 8;

export function imageFormatOf(bytes: Uint8Array): ImageFormat | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  const order = String.fromCharCode(bytes[0], bytes[1]);
  if ((order === "II" && bytes[2] === 0x2a && bytes[3] === 0) || (order === "MM" && bytes[2] === 0 && bytes[3] === 0x2a)) return "tiff";
  if ((order === "II" && bytes[2] === 0x2b && bytes[3] === 0) || (order === "MM" && bytes[2] === 0 && bytes[3] === 0x2b)) return "tiff";
  return null;
}

export async function parseImage(bytes: Uint8Array, fileName: string, limits: FileLimits, context: ParseContext = {}): Promise<ParsedDocument> {
  const format = imageFormatOf(bytes);
  if (!format) throw new DesksideError("UNSUPPORTED_TYPE", "Deskside reads text from PNG, JPEG and TIFF images only.");
  const label = LABELS[format];
  if (!context.ocr)
    throw new DesksideError("UNSUPPORTED_TYPE", `This is an image (${label}); reading text from images is turned off (no OCR languages are set in the knowledge settings).`);
  const damaged = (cause?: unknown) => new DesksideError("PARSE_FAILED", `This ${label} image could not be read; it may be damaged or cut off.`, {cause});

  let pages;
  try {
    pages = imagePages(bytes, format, limits.maxOcrPages);
  } catch (error) {
    if (error instanceof DamagedImageError || error instanceof RangeError) throw damaged(error);
    throw error;
  }
  for (const page of pages) {
    if (page.width * page.height > limits.maxImagePixels)
      throw fileTooLarge(
        `This image is ${formatCount(page.width)} × ${formatCount(page.height)} pixels, more than the ${formatCount(limits.maxImagePixels / 1_000_000)} megapixels Deskside reads text from; scale it down and import that.`,
        {width: page.width, height: page.height, maxImagePixels: limits.maxImagePixels},
      );
  }
  const numbered = pages.length > 1;
  let recognised;
  try {
    recognised = await context.ocr.readPages(
      pages.map((page, index) => ({
        page: numbered ? index + 1 : null,
        image: async () => (page.width < MIN_SIDE || page.height < MIN_SIDE ? null : {bytes: page.bytes()}),
      })),
    );
  } catch (error) {
    // The engine's own wording does not name the format; the rest (cancelled, limits) passes as it is.
    if (isDesksideError(error) && error.code === "PARSE_FAILED" && !/stopped unexpectedly/.test(error.message)) throw damaged(error);
    throw error;
  }
  const blocks = ocrBlocks(recognised);
  if (blocks.length === 0) throw new DesksideError("FILE_EMPTY", `No text was found in this ${label} image.`);
  const heading = blocks.find((block) => block.type === "heading");
  return {
    title: heading?.text ?? titleFromFileName(fileName),
    kind: "image",
    mime: MIME[format],
    blocks,
    meta: {pageCount: pages.length, ocrPages: pages.length},
    warnings: ["The text of this image was recognised by OCR and may contain misread words."],
  };
}
