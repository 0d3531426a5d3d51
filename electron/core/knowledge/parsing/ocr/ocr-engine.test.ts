import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {createRequire} from "node:module";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {expectDesksideError} from "../../../../../test/helpers/expect-error.js";
import {openTextImages, recognisedShare, SCANNED_SENTENCES, type TextImages} from "../../../../../test/helpers/ocr-fixtures.js";
import {createOcrEngine, type OcrEngine, type OcrRecognition} from "./ocr-engine.js";

const textOf = (recognition: OcrRecognition) => recognition.paragraphs.map((p) => p.lines.map((l) => l.text).join(" ")).join("\n");

let images: TextImages;
let engine: OcrEngine;
const dirs: string[] = [];
beforeAll(async () => {
  images = await openTextImages();
  engine = createOcrEngine({languages: ["eng"], dataDirs: [], workers: 1});
});
afterAll(async () => {
  await engine?.close();
  await images?.close();
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

describe("OCR engine (tesseract.js, English data from @tesseract.js-data/eng)", () => {
  it("reads the sentences of a rendered page, line by line with their heights", async () => {
    const png = await images.encoded([SCANNED_SENTENCES.spooler, SCANNED_SENTENCES.vpn], "png");
    const recognition = await engine.recognize(png);
    const text = textOf(recognition);
    expect(recognisedShare(text, SCANNED_SENTENCES.spooler), text).toBeGreaterThanOrEqual(0.85);
    expect(recognisedShare(text, SCANNED_SENTENCES.vpn), text).toBeGreaterThanOrEqual(0.85);
    expect(text).toMatch(/809/);
    const lines = recognition.paragraphs.flatMap((p) => p.lines);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.height).toBeGreaterThan(20);
  });

  it("fails a damaged image with PARSE_FAILED and goes on reading the next one", async () => {
    const png = await images.encoded([SCANNED_SENTENCES.toner], "png");
    const error = await expectDesksideError(engine.recognize(png.slice(0, Math.floor(png.length / 3))));
    expect(error.code).toBe("PARSE_FAILED");
    expect(recognisedShare(textOf(await engine.recognize(png)), SCANNED_SENTENCES.toner)).toBeGreaterThanOrEqual(0.85);
  });

  it("stops a recognition at once when its signal is aborted", async () => {
    const png = await images.encoded(Object.values(SCANNED_SENTENCES), "png", {width: 1600});
    const controller = new AbortController();
    const reading = engine.recognize(png, {signal: controller.signal});
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await expectDesksideError(reading);
    expect(error.code).toBe("CANCELLED");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("says which language data is missing, and reads extra languages from a tessdata folder", async () => {
    const missing = createOcrEngine({languages: ["eng", "xyz"], dataDirs: [], workers: 1});
    const error = await expectDesksideError(missing.recognize(new Uint8Array(8)));
    expect(error.code).toBe("OCR_UNAVAILABLE");
    expect(error.message).toMatch(/"xyz".*tessdata/);
    await missing.close();

    // A second language beside English, from another folder: both are put side by side for tesseract.
    const dir = mkdtempSync(path.join(tmpdir(), "deskside-tessdata-test-"));
    dirs.push(dir);
    mkdirSync(path.join(dir, "tessdata"));
    const english = path.join(path.dirname(createRequire(import.meta.url).resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int", "eng.traineddata.gz");
    copyFileSync(english, path.join(dir, "tessdata", "tst.traineddata.gz"));
    const twoLanguages = createOcrEngine({languages: ["eng", "tst"], dataDirs: [path.join(dir, "tessdata")], workers: 1});
    try {
      const png = await images.encoded([SCANNED_SENTENCES.badge], "png");
      expect(recognisedShare(textOf(await twoLanguages.recognize(png)), SCANNED_SENTENCES.badge)).toBeGreaterThanOrEqual(0.85);
    } finally {
      await twoLanguages.close();
    }
  });
});
