/**
 * OCR speed on scanned A4 pages (about 35 lines of 10-point text, drawn by Chromium and placed in a
 * PDF as a scanner would at the chosen resolution), as pages per second:
 *   - the engine alone (tesseract.js with the packaged English data) with 1 and 2 recognisers, on
 *     page images already laid out from the PDF, recognisers started beforehand;
 *   - the whole parse of the scanned PDF in a parser worker, as an import runs it (page layout from
 *     the PDF, recognition, blocks), with the default number of recognisers: the first file, which
 *     starts the OCR engine, and a second one on the warm engine.
 * Each row also gives the share of the drawn words found in the recognised text.
 *
 *   npx tsx bench/ocr-bench.ts [--pages 4] [--dpi 300] [--workers 1,2]
 */
import {availableParallelism} from "node:os";
import {parseArgs} from "node:util";
import {getDocumentProxy} from "unpdf";
import {encodePgm} from "../electron/core/knowledge/parsing/ocr/gray-image.js";
import {createOcrEngine, type OcrRecognition} from "../electron/core/knowledge/parsing/ocr/ocr-engine.js";
import {defaultOcrWorkers} from "../electron/core/knowledge/parsing/ocr/ocr-options.js";
import {rasterizePageImages} from "../electron/core/knowledge/parsing/ocr/pdf-page-raster.js";
import {createParserPool} from "../electron/core/knowledge/parsing/parser-pool.js";
import {makePdf} from "../test/helpers/document-fixtures.js";
import {makeScannedPdf, openTextImages, wordsOf} from "../test/helpers/ocr-fixtures.js";
import {mean, printTable, rssMb, writeResults} from "./lib.js";

const {values} = parseArgs({options: {pages: {type: "string"}, dpi: {type: "string"}, workers: {type: "string"}}});
const PAGES = Number(values.pages ?? 4);
const DPI = Number(values.dpi ?? 300);
const WORKER_COUNTS = (values.workers ?? "1,2").split(",").map(Number);

const SENTENCES = [
  "Restart the print spooler when jobs are stuck in the queue.",
  "The VPN client shows error 809 when the hotel network blocks the tunnel.",
  "Replace the toner cartridge when the amber light starts blinking.",
  "Badge readers on the third storey need a new battery every spring.",
  "Guests connect to the visitor wireless network with the daily code.",
  "Open the rear door of the printer and remove the jammed sheet carefully.",
  "Reset the password in the directory and tick the change at next logon box.",
  "Laptops that overheat need their vents cleaned with compressed air.",
  "The docking station needs its power unplugged for thirty seconds.",
  "Mailboxes over their quota stop receiving messages until emptied.",
  "Map the shared drive again after the server name has changed.",
  "Call the network team when more than one room loses its connection.",
];

// An A4 page at DPI, 10-point type: 10/72 inch high.
const pageWidth = Math.round(8.27 * DPI);
const pageHeight = Math.round(11.69 * DPI);
const fontPx = Math.round((10 / 72) * DPI);
const linesPerPage = Math.floor((pageHeight - 4 * fontPx) / (fontPx * 1.6));
const pageLines = Array.from({length: PAGES}, (_, page) => Array.from({length: linesPerPage}, (_line, i) => SENTENCES[(page * 7 + i) % SENTENCES.length]));

console.log(`Drawing ${PAGES} A4 pages at ${DPI} dpi (${pageWidth} × ${pageHeight} px, ${linesPerPage} lines of ${fontPx} px type)…`);
const images = await openTextImages();
const scans: Uint8Array[] = [];
try {
  for (const lines of pageLines) scans.push(await images.encoded(lines, "png", {width: pageWidth, height: pageHeight, fontPx}));
} finally {
  await images.close();
}
const pdf = await makeScannedPdf(scans.map((image) => ({image, format: "png" as const, dpi: DPI})));

/** Share of the drawn words found in the recognised text (as multisets, so repeats count). */
function wordsFound(recognised: string, pages: string[][]): number {
  const found = new Map<string, number>();
  for (const word of wordsOf(recognised)) found.set(word, (found.get(word) ?? 0) + 1);
  const wanted = pages.flat().flatMap(wordsOf);
  let hits = 0;
  for (const word of wanted) {
    const left = found.get(word) ?? 0;
    if (left > 0) {
      hits++;
      found.set(word, left - 1);
    }
  }
  return hits / wanted.length;
}
const textOf = (recognitions: OcrRecognition[]) => recognitions.flatMap((r) => r.paragraphs.flatMap((p) => p.lines.map((l) => l.text))).join("\n");

// The page images the parser lays out from the PDF, made once: the engine rows time recognition only.
const document = await getDocumentProxy(new Uint8Array(pdf), {verbosity: 0, isOffscreenCanvasSupported: false});
const rasters: {bytes: Uint8Array; dpi: number}[] = [];
for (let page = 1; page <= PAGES; page++) {
  const raster = (await rasterizePageImages(await document.getPage(page), 40_000_000))!;
  rasters.push({bytes: encodePgm(raster.image), dpi: raster.dpi});
}
await document.destroy();

const rows: Record<string, string | number>[] = [];
const row = (path: string, recognisers: number, seconds: number, text: string) =>
  rows.push({path, recognisers, pages: PAGES, seconds: Math.round(seconds * 100) / 100, "pages/s": Math.round((PAGES / seconds) * 1000) / 1000, "s/page": Math.round((seconds / PAGES) * 100) / 100, "words found": `${Math.round(wordsFound(text, pageLines) * 1000) / 10}%`});

for (const workers of WORKER_COUNTS) {
  const engine = createOcrEngine({languages: ["eng"], dataDirs: [], workers});
  // Start every recogniser first (a blank page each).
  const blank = encodePgm({width: 64, height: 32, data: new Uint8Array(64 * 32).fill(255)});
  await Promise.all(Array.from({length: workers}, () => engine.recognize(blank)));
  const started = performance.now();
  const recognitions = await Promise.all(rasters.map((raster) => engine.recognize(raster.bytes, {dpi: raster.dpi})));
  row("engine (laid-out pages)", workers, (performance.now() - started) / 1000, textOf(recognitions));
  await engine.close();
}

const pool = createParserPool({size: 1});
// The worker process started and PDF.js loaded, as in a running app.
await pool.parse(await makePdf([{paragraphs: ["Warm-up page with a text layer."]}]), "warm.pdf");
const ocr = {languages: ["eng"], dataDirs: [], workers: defaultOcrWorkers()};
for (const label of ["parse in a parser worker, engine start included", "parse in a parser worker, warm engine"]) {
  const started = performance.now();
  const parsed = await pool.parse({bytes: pdf, fileName: "scan.pdf", ocr, limits: {ocrPageTimeoutMs: 600_000}});
  row(label, ocr.workers, (performance.now() - started) / 1000, parsed.blocks.map((block) => block.text).join("\n"));
}
await pool.close();

printTable(`OCR: ${PAGES} scanned A4 pages at ${DPI} dpi, ${availableParallelism()} CPU cores`, rows);
const engineRates = rows.filter((r) => String(r.path).startsWith("engine")).map((r) => Number(r["pages/s"]));
console.log(`\nengine mean ${mean(engineRates).toFixed(3)} pages/s; this process ${rssMb()} MB resident`);
console.log(`results: ${writeResults("ocr", {pages: PAGES, dpi: DPI, page: {width: pageWidth, height: pageHeight, lines: linesPerPage, fontPx}, cpus: availableParallelism(), rows})}`);
