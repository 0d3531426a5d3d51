import path from "node:path";
import {resolveLimits, type FileLimits} from "../file-limits.js";
import type {ParseContext} from "../types.js";
import {sharedOcrEngine} from "./ocr-engine.js";
import {defaultOcrWorkers, OCR_DATA_FOLDER, type OcrOptions} from "./ocr-options.js";
import {createOcrReader, type OcrReaderHooks} from "./ocr-reader.js";

/**
 * OCR options from the knowledge settings: the languages to read, and `<models>/tessdata` of each
 * models folder as the place for extra language data. No languages: OCR off.
 */
export function ocrOptionsFrom(languages: string[], modelDirs: string[], workers: number = defaultOcrWorkers()): OcrOptions | null {
  if (languages.length === 0) return null;
  return {languages, dataDirs: modelDirs.map((dir) => path.join(dir, OCR_DATA_FOLDER)), workers};
}

/** For parsing in the calling process (headless tools): OCR through this process's own engine. */
export function inProcessOcrContext(options: OcrOptions | null, limits: Partial<FileLimits> | undefined, hooks: OcrReaderHooks): ParseContext {
  if (!options) return {};
  return {ocr: createOcrReader(sharedOcrEngine(options), resolveLimits(limits), hooks)};
}
