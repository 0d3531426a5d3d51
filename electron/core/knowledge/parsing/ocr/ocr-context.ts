import {resolveLimits, type FileLimits} from "../file-limits.js";
import type {ParseContext} from "../types.js";
import type {OcrOptions} from "./ocr-options.js";
import {createOcrReader, type OcrReaderHooks} from "./ocr-reader.js";

/** For parsing in the calling process (headless tools): OCR through this process's own engine. */
export function inProcessOcrContext(options: OcrOptions | null, limits: Partial<FileLimits> | undefined, hooks: OcrReaderHooks): ParseContext {
  if (!options) return {};
  return {ocr: createOcrReader(async () => (await import("./ocr-engine.js")).sharedOcrEngine(options), resolveLimits(limits), hooks)};
}
