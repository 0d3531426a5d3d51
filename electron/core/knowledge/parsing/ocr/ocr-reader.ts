import {DesksideError} from "../../../../../shared/errors.js";
import {fileTooComplex, formatCount, type FileLimits} from "../file-limits.js";
import type {OcrEngine} from "./ocr-engine.js";
import type {RecognisedPage} from "./ocr-blocks.js";

/**
 * What a parser uses to read pages from their images: one file's pages, through the process's
 * OCR engine, a page per free recogniser, with progress after each page. Page images are made
 * only when a recogniser is free, so a long scan never holds more than a few pages' pixels.
 */

export interface OcrPageImage {
  /** An encoded image tesseract reads: PNG, JPEG, TIFF or PGM. */
  bytes: Uint8Array;
  /** Its resolution, when known. */
  dpi?: number;
}

export interface OcrPageSource {
  /** 1-based page, or null for a single image. */
  page: number | null;
  /** The page's image; null when the page shows nothing to read. */
  image: () => Promise<OcrPageImage | null>;
}

/** Pages recognised so far of the pages a file has to recognise. */
export interface OcrProgress {
  done: number;
  total: number;
}

export interface OcrReader {
  /** Recognises the pages, in their order; the first report (done 0) announces how many there are. */
  readPages(pages: OcrPageSource[]): Promise<RecognisedPage[]>;
}

export interface OcrReaderHooks {
  onProgress?: (progress: OcrProgress) => void;
  signal?: AbortSignal;
}

/** `engine` is asked for only when a file has pages to read, so tesseract.js loads with the first scan. */
export function createOcrReader(engine: () => Promise<OcrEngine>, limits: Pick<FileLimits, "maxOcrPages">, hooks: OcrReaderHooks = {}): OcrReader {
  return {
    async readPages(pages) {
      if (pages.length === 0) return [];
      if (pages.length > limits.maxOcrPages)
        throw fileTooComplex(
          `This file has ${formatCount(pages.length)} pages to read from their images (no text layer), more than the ${formatCount(limits.maxOcrPages)} Deskside recognises in one file; split it and import the parts.`,
          {ocrPages: pages.length, maxOcrPages: limits.maxOcrPages},
        );
      const results: RecognisedPage[] = new Array(pages.length);
      let next = 0;
      let done = 0;
      let failed = false;
      hooks.onProgress?.({done, total: pages.length});
      const ocr = await engine();
      const recogniser = async (): Promise<void> => {
        while (next < pages.length && !failed) {
          const index = next++;
          const {page, image} = pages[index];
          try {
            if (hooks.signal?.aborted) throw new DesksideError("CANCELLED", "Reading this file was cancelled.");
            const source = await image();
            results[index] = {page, recognition: source ? await ocr.recognize(source.bytes, {dpi: source.dpi, signal: hooks.signal}) : {paragraphs: []}};
          } catch (error) {
            // The other recognisers take no further pages of a file that has failed.
            failed = true;
            throw error;
          }
          hooks.onProgress?.({done: ++done, total: pages.length});
        }
      };
      await Promise.all(Array.from({length: Math.min(ocr.size, pages.length)}, recogniser));
      return results;
    },
  };
}
