import {DesksideError} from "../../../../shared/errors.js";

/**
 * What one file may cost to read. A file past any of these fails alone with FILE_TOO_LARGE (it
 * holds, or unpacks to, too much) or FILE_TOO_COMPLEX (its structure would take too long or too
 * deep a recursion to read); the rest of the batch goes on. The defaults leave room for real
 * manuals and exports far beyond anything a help desk writes by hand.
 */
export interface FileLimits {
  /** Time for reading and cutting one file: this much, plus `timeoutPerMbMs` per megabyte. */
  timeoutMs: number;
  timeoutPerMbMs: number;
  /** Heap of a parser worker; past it the worker is stopped and replaced. */
  maxMemoryMb: number;
  /** Passages one file may become. */
  maxChunks: number;
  /** Characters of text one file may hold once read. */
  maxTextChars: number;
  /** Bytes a compressed container (DOCX parts, PDF streams) may unpack to in all. */
  maxUnpackedBytes: number;
  /** Entries of a ZIP-based document. */
  maxArchiveEntries: number;
  maxPdfPages: number;
  maxCsvColumns: number;
  /** Nesting of JSON values, Markdown quotes and lists, HTML and XML elements. */
  maxNestingDepth: number;
  /** Pages (of a scanned PDF or a multi-page TIFF) whose text is recognised from their image. */
  maxOcrPages: number;
  /**
   * OCR takes seconds a page, so while a file's pages are being recognised each page gets this
   * long instead (the first also starts the OCR engine); after the last, `timeoutMs` starts again.
   */
  ocrPageTimeoutMs: number;
  /** Pixels of one image (or of one scanned page as Deskside lays it out) given to OCR. */
  maxImagePixels: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  timeoutMs: 30_000,
  timeoutPerMbMs: 3_000,
  maxMemoryMb: 1024,
  maxChunks: 60_000,
  maxTextChars: 64 * 1024 * 1024,
  maxUnpackedBytes: 256 * 1024 * 1024,
  maxArchiveEntries: 20_000,
  maxPdfPages: 5_000,
  maxCsvColumns: 2_000,
  maxNestingDepth: 512,
  maxOcrPages: 500,
  ocrPageTimeoutMs: 60_000,
  // An A4 page scanned at 600 dpi is 35 megapixels.
  maxImagePixels: 40_000_000,
};

export function resolveLimits(limits?: Partial<FileLimits>): FileLimits {
  return {...DEFAULT_FILE_LIMITS, ...limits};
}

/** The time budget for a file of `bytes` bytes. */
export function timeBudgetMs(limits: FileLimits, bytes: number): number {
  return Math.round(limits.timeoutMs + (limits.timeoutPerMbMs * bytes) / (1024 * 1024));
}


export function fileTooLarge(message: string, details?: Record<string, unknown>): DesksideError {
  return new DesksideError("FILE_TOO_LARGE", message, details ? {details} : undefined);
}

/** A file whose reading ran out of the reader's memory: the same answer whether V8 ended the process or threw. */
export function outOfMemory(limits: Pick<FileLimits, "maxMemoryMb">, cause?: unknown): DesksideError {
  return new DesksideError("FILE_TOO_LARGE", `Reading this file needed more than ${limits.maxMemoryMb} MB of memory and was stopped; split it into smaller files. Other files are not affected.`, {
    details: {maxMemoryMb: limits.maxMemoryMb},
    cause,
  });
}

/** V8's ways of saying an allocation could not be made: a string, array or buffer too large for the heap left. */
export function isAllocationFailure(error: unknown): boolean {
  return error instanceof RangeError && /invalid (string|array|typed array) length|allocation failed|out of memory/i.test(error.message);
}

export function fileTooComplex(message: string, details?: Record<string, unknown>): DesksideError {
  return new DesksideError("FILE_TOO_COMPLEX", message, details ? {details} : undefined);
}

/** "1,000,000" — limits and counts in messages read better grouped. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function formatMegabytes(bytes: number): string {
  return `${formatCount(bytes / (1024 * 1024))} MB`;
}
