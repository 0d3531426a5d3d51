import {createHash} from "node:crypto";
import {existsSync} from "node:fs";
import {copyFile, mkdtemp, readdir, rename, rm, stat} from "node:fs/promises";
import {createRequire} from "node:module";
import {tmpdir} from "node:os";
import path from "node:path";
import type {OcrLanguage, OcrLanguages} from "../../../../../shared/contract.js";
import {DesksideError} from "../../../../../shared/errors.js";
import {OCR_DATA_FOLDER} from "./ocr-options.js";

/**
 * Finds the language data tesseract.js needs, on disk only: `<code>.traineddata` (or `.gz`) in the
 * given folders first, then an installed `@tesseract.js-data/<code>` package (English ships with
 * Deskside). tesseract.js fetches from a CDN whenever `langPath` is unset or a URL, so it only
 * ever gets a local folder from here.
 */

export interface OcrLanguageData {
  /** "eng" or "eng+deu", as tesseract's Init takes them. */
  langs: string;
  /** One local folder holding `<code>.traineddata[.gz]` for every code. */
  langPath: string;
  /** Whether the files in `langPath` are named with `.gz` (the content is recognised either way). */
  gzip: boolean;
}

/** tesseract's codes: eng, chi_sim, deu_latf; nothing that could reach outside a folder. */
const LANGUAGE_CODE = /^[A-Za-z][A-Za-z0-9_]{1,31}$/;
/** The integer LSTM models: what tesseract.js itself would download for its default engine. */
const PACKAGE_DATA_FOLDER = "4.0.0_best_int";

const requireHere = createRequire(import.meta.url);

export async function locateLanguageData(codes: string[], dataDirs: string[]): Promise<OcrLanguageData> {
  if (codes.length === 0) throw new DesksideError("OCR_UNAVAILABLE", "Reading text from images is turned off (no OCR languages are set).");
  const files: {code: string; file: string}[] = [];
  for (const code of codes) {
    if (!LANGUAGE_CODE.test(code)) throw new DesksideError("OCR_UNAVAILABLE", `"${code.slice(0, 40)}" is not an OCR language code (such as eng or deu).`);
    const file = findLanguageFile(code, dataDirs);
    if (!file)
      throw new DesksideError(
        "OCR_UNAVAILABLE",
        `The OCR language data for "${code}" is not installed: put ${code}.traineddata into the ${OCR_DATA_FOLDER} folder of the models folder, or remove "${code}" from the OCR languages.`,
        {details: {language: code}},
      );
    files.push({code, file});
  }
  const langs = codes.join("+");
  const folders = new Set(files.map(({file}) => path.dirname(file)));
  const zipped = new Set(files.map(({file}) => file.endsWith(".gz")));
  const namedByCode = files.every(({code, file}) => path.basename(file).startsWith(`${code}.traineddata`));
  if (folders.size === 1 && zipped.size === 1 && namedByCode) return {langs, langPath: [...folders][0], gzip: [...zipped][0]};
  return {langs, langPath: await stageTogether(files), gzip: false};
}

function findLanguageFile(code: string, dataDirs: readonly string[]): string | null {
  return findInFolders(code, dataDirs) ?? findInPackage(code);
}

function findInFolders(code: string, dataDirs: readonly string[]): string | null {
  for (const dir of dataDirs) {
    for (const name of [`${code}.traineddata`, `${code}.traineddata.gz`]) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  return null;
}

function findInPackage(code: string): string | null {
  try {
    const packageDir = path.dirname(requireHere.resolve(`@tesseract.js-data/${code}/package.json`));
    const file = unpacked(path.join(packageDir, PACKAGE_DATA_FOLDER, `${code}.traineddata.gz`));
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

const DATA_FILE = /^(.+)\.traineddata(\.gz)?$/;
const PACKAGE_SCOPE = "@tesseract.js-data";

/**
 * Every language whose data is on disk now, by code: files in the given folders, then installed
 * `@tesseract.js-data/<code>` packages. A language listed here is one locateLanguageData finds, at
 * the same file (the first folder holding it wins, as when a file is read).
 */
export async function findOcrLanguages(dataDirs: readonly string[]): Promise<OcrLanguage[]> {
  const found = new Map<string, OcrLanguage>();
  for (const dir of dataDirs) {
    for (const name of await fileNames(dir)) {
      const code = DATA_FILE.exec(name)?.[1];
      if (!code || !LANGUAGE_CODE.test(code) || found.has(code)) continue;
      const file = findInFolders(code, dataDirs);
      if (file) found.set(code, {code, source: "models-folder", path: file});
    }
  }
  // Packages where Node would look for them, nearest node_modules first; resolving each finds the same copy a read would.
  for (const modules of requireHere.resolve.paths(`${PACKAGE_SCOPE}/eng`) ?? []) {
    for (const code of await fileNames(path.join(modules, PACKAGE_SCOPE), true)) {
      if (!LANGUAGE_CODE.test(code) || found.has(code)) continue;
      const file = findInPackage(code);
      if (file) found.set(code, {code, source: "package", path: file});
    }
  }
  return [...found.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The OCR languages found, the ones chosen in the settings (in their order), and chosen ones without data. */
export async function ocrLanguageReport(selected: readonly string[], dataDirs: readonly string[]): Promise<OcrLanguages> {
  const available = await findOcrLanguages(dataDirs);
  const codes = new Set(available.map((language) => language.code));
  return {available, selected: [...selected], missing: selected.filter((code) => !codes.has(code))};
}

/** Names in a folder (its sub-folders with `folders`); none when it is missing or unreadable. */
async function fileNames(dir: string, folders = false): Promise<string[]> {
  try {
    const entries = await readdir(dir, {withFileTypes: true});
    return entries.filter((entry) => (folders ? entry.isDirectory() : entry.isFile()) || entry.isSymbolicLink()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * A file packaged inside Electron's app.asar that electron-builder unpacked (asarUnpack) sits in
 * app.asar.unpacked; tesseract's worker thread reads it there with plain fs.
 */
export function unpacked(file: string): string {
  const marker = `${path.sep}app.asar${path.sep}`;
  if (!file.includes(marker)) return file;
  const outside = file.replace(marker, `${path.sep}app.asar.unpacked${path.sep}`);
  return existsSync(outside) ? outside : file;
}

/**
 * Languages from different folders are copied side by side into one folder, named after what
 * they hold, so every process reuses the same copy and nothing piles up when workers are killed.
 */
async function stageTogether(files: {code: string; file: string}[]): Promise<string> {
  const hash = createHash("sha256");
  for (const {code, file} of files) {
    const info = await stat(file);
    hash.update(`${code}\0${file}\0${info.size}\0${info.mtimeMs}\n`);
  }
  const target = path.join(tmpdir(), `deskside-tessdata-${hash.digest("hex").slice(0, 16)}`);
  if (existsSync(target)) return target;
  const staging = await mkdtemp(`${target}-`);
  try {
    // Compressed data keeps its content; tesseract.js recognises gzip by its first bytes.
    for (const {code, file} of files) await copyFile(file, path.join(staging, `${code}.traineddata`));
    await rename(staging, target);
  } catch (error) {
    await rm(staging, {recursive: true, force: true});
    // Another process staged the same languages first.
    if (!existsSync(target)) throw error;
  }
  return target;
}
