import {availableParallelism} from "node:os";
import path from "node:path";

/** How the images of a file are read: which languages, from which data, with how many recognisers. */
export interface OcrOptions {
  /** Tesseract language codes, e.g. ["eng"] or ["eng", "deu"]; an empty list turns OCR off. */
  languages: string[];
  /** Folders searched for `<code>.traineddata` (or `.traineddata.gz`) before the packaged language data. */
  dataDirs: string[];
  /** Recognisers (tesseract workers) run side by side on the pages of one file. */
  workers: number;
}

/** The folder inside each models folder where extra OCR languages go: `<models>/tessdata/deu.traineddata`. */
export const OCR_DATA_FOLDER = "tessdata";

/**
 * Half the cores, at most 2: OCR runs beside embedding and the app's own thread, and each
 * recogniser holds its own copy of the language model (about 60 MB for English).
 */
export function defaultOcrWorkers(cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, Math.floor(cpus / 2)));
}

/**
 * OCR options from the knowledge settings: the languages to read, and `<models>/tessdata` of each
 * models folder as the place for extra language data. No languages: OCR off.
 */
export function ocrOptionsFrom(languages: string[], modelDirs: readonly string[], workers: number = defaultOcrWorkers()): OcrOptions | null {
  if (languages.length === 0) return null;
  return {languages, dataDirs: ocrDataDirs(modelDirs), workers};
}

/** `<models>/tessdata` of each models folder, in the models folders' order: where extra language data is looked for. */
export function ocrDataDirs(modelDirs: readonly string[]): string[] {
  return modelDirs.map((dir) => path.join(dir, OCR_DATA_FOLDER));
}
