import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {makePdf} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";
import {makeScannedPdf, openTextImages, recognisedShare, SCANNED_SENTENCES} from "../../../../test/helpers/ocr-fixtures.js";
import {createParserPool, type ParserPool} from "./parser-pool.js";
import type {OcrProgress} from "./ocr/ocr-reader.js";

const OCR = {languages: ["eng"], dataDirs: [], workers: 1};

describe("parser pool: OCR in the worker processes", () => {
  let scan: Uint8Array;
  let textPdf: Uint8Array;
  const pools: ParserPool[] = [];

  beforeAll(async () => {
    const images = await openTextImages();
    try {
      scan = await makeScannedPdf([{image: await images.encoded([SCANNED_SENTENCES.spooler], "png"), format: "png"}]);
    } finally {
      await images.close();
    }
    textPdf = await makePdf([{paragraphs: ["A page with a text layer, to start the worker and load PDF.js."]}]);
  });
  afterAll(async () => {
    for (const pool of pools) await pool.close();
  });

  /** A pool with its worker started and PDF.js loaded, so a small PDF's own reading takes a fraction of a second. */
  async function warmPool(): Promise<ParserPool> {
    const pool = createParserPool({size: 1});
    pools.push(pool);
    await pool.parse(textPdf, "warm.pdf");
    return pool;
  }

  it("gives each page read by OCR its own time instead of the file's, and reports the pages as they are done", async () => {
    const pool = await warmPool();
    const progress: OcrProgress[] = [];
    // 400 ms would not even start tesseract; each page's own minute does.
    const started = Date.now();
    const doc = await pool.parse({bytes: scan, fileName: "scan.pdf", ocr: OCR, limits: {timeoutMs: 400, timeoutPerMbMs: 0}, onOcrProgress: (step) => progress.push(step)});
    expect(Date.now() - started).toBeGreaterThan(400);
    expect(progress).toEqual([{done: 0, total: 1}, {done: 1, total: 1}]);
    expect(doc.blocks.every((block) => block.ocr && block.page === 1)).toBe(true);
    expect(recognisedShare(doc.blocks.map((block) => block.text).join(" "), SCANNED_SENTENCES.spooler)).toBeGreaterThanOrEqual(0.85);
    expect(doc.meta).toMatchObject({pageCount: 1, ocrPages: 1});
  });

  it("stops a file whose page takes longer than a page's time, with FILE_TOO_COMPLEX, and reads the next file", async () => {
    const pool = await warmPool();
    const error = await expectDesksideError(pool.parse({bytes: scan, fileName: "scan.pdf", ocr: OCR, limits: {ocrPageTimeoutMs: 1}}));
    expect(error.code).toBe("FILE_TOO_COMPLEX");
    expect(error.message).toMatch(/OCR took longer than 1 ms for one page \(0 of 1 pages were done\)/);
    expect((await pool.parse({bytes: textPdf, fileName: "after.pdf"})).blocks).toHaveLength(1);
  });
});
