/**
 * OCR through the real knowledge service: parser worker processes running tesseract.js, the fixture
 * embedder, LanceDB in a temp folder. The images are sentences drawn by Chromium (see
 * ocr-fixtures.ts), so what OCR must find is known.
 */
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, afterEach, beforeAll, describe, expect, it} from "vitest";
import type {FileProgress} from "../../shared/knowledge.js";
import {defaultSettings, type Settings} from "../../shared/settings.js";
import {createKnowledgeService, type KnowledgeService, type KnowledgeServiceOptions} from "../../electron/core/knowledge/knowledge-service.js";
import {descendantPids} from "../helpers/health-probe.js";
import {FIXTURE_EMBEDDER_DIR} from "../helpers/fixtures.js";
import {makeGrayTiff, makeScannedPdf, openTextImages, recognisedShare, SCANNED_SENTENCES, type TextImages} from "../helpers/ocr-fixtures.js";

const S = SCANNED_SENTENCES;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let images: TextImages;
let spoolerPng: Uint8Array;
let tonerJpeg: Uint8Array;
beforeAll(async () => {
  images = await openTextImages();
  spoolerPng = await images.encoded([S.spooler, S.vpn], "png");
  tonerJpeg = await images.encoded([S.toner], "jpeg");
});
let shared: {service: KnowledgeService; dataDir: string} | null = null;
afterAll(async () => {
  if (shared) {
    await shared.service.close();
    rmSync(shared.dataDir, {recursive: true, force: true});
  }
  await images?.close();
});

/** One service for the tests that only import and search: each new one starts a parser worker and tesseract again. */
async function sharedService(): Promise<KnowledgeService> {
  if (!shared) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "deskside-ocr-"));
    shared = {dataDir, service: await createKnowledgeService({dataDir, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge})};
  }
  return shared.service;
}

async function openService(knowledge: Partial<Settings["knowledge"]> = {}, options: Partial<KnowledgeServiceOptions> = {}): Promise<KnowledgeService> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "deskside-ocr-"));
  const service = await createKnowledgeService({
    dataDir,
    embeddingModelDirs: [],
    embeddingModel: FIXTURE_EMBEDDER_DIR,
    settings: {...defaultSettings().knowledge, ...knowledge},
    ...options,
  });
  cleanups.push(() => rmSync(dataDir, {recursive: true, force: true}));
  cleanups.push(() => service.close());
  return service;
}

/** Every state each file went through, in order. */
function recordProgress(service: KnowledgeService): Map<string, FileProgress[]> {
  const seen = new Map<string, FileProgress[]>();
  const stop = service.onProgress((event) => {
    if (event.type !== "file") return;
    const name = path.basename(event.file.path);
    seen.set(name, [...(seen.get(name) ?? []), event.file]);
  });
  cleanups.push(stop);
  return seen;
}

describe("knowledge service: OCR", () => {
  it("reads the scanned pages of a mixed PDF, keeps its text layer, and search finds them with their page and the OCR mark", async () => {
    const service = await sharedService();
    const progress = recordProgress(service);
    const pdf = await makeScannedPdf([
      {text: ["Printer maintenance", "Clean the paper rollers every quarter with a dry cloth."]},
      // Its page number stamped in text before the image: the font comes first in the page's drawing.
      {image: spoolerPng, format: "png", stamp: "2"},
      {image: tonerJpeg, format: "jpeg", rotate: 90},
    ]);
    const job = await service.waitForJob((await service.importBuffers([{name: "printer manual.pdf", bytes: pdf}])).id);
    expect(job.files[0]).toMatchObject({state: "done"});

    // Two pages without a text layer, reported page by page while the file is being read.
    const ocrSteps = progress.get("printer manual.pdf")!.filter((file) => file.ocr).map((file) => [file.state, file.ocr]);
    expect(ocrSteps).toEqual([["parsing", {done: 0, total: 2}], ["parsing", {done: 1, total: 2}], ["parsing", {done: 2, total: 2}]]);

    const spooler = (await service.search({query: "print spooler jobs stuck in the queue", topK: 1, mode: "text"})).hits[0];
    expect(spooler).toMatchObject({title: expect.any(String), page: 2, ocr: true});
    expect(recognisedShare(spooler.text, S.spooler), spooler.text).toBeGreaterThanOrEqual(0.85);
    expect(recognisedShare(spooler.text, S.vpn), spooler.text).toBeGreaterThanOrEqual(0.85);

    // The rotated JPEG scan reads upright.
    const toner = (await service.search({query: "toner cartridge amber light blinking", topK: 1, mode: "text"})).hits[0];
    expect(toner).toMatchObject({page: 3, ocr: true});
    expect(recognisedShare(toner.text, S.toner), toner.text).toBeGreaterThanOrEqual(0.85);

    // The page with a text layer is taken from it, unmarked.
    const rollers = (await service.search({query: "clean the paper rollers dry cloth", topK: 1, mode: "text"})).hits[0];
    expect(rollers.page).toBe(1);
    expect(rollers.ocr).toBeUndefined();
    expect(rollers.text).toContain("Clean the paper rollers every quarter with a dry cloth.");
  });

  it("imports PNG, JPEG and multi-page TIFF images; each TIFF page keeps its number", async () => {
    const service = await sharedService();
    const fax = makeGrayTiff([await images.gray([S.badge]), await images.gray([S.wifi])]);
    const job = await service.waitForJob(
      (
        await service.importBuffers([
          {name: "spooler notice.png", bytes: spoolerPng},
          {name: "toner notice.jpg", bytes: tonerJpeg},
          {name: "facilities fax.tiff", bytes: fax},
          // Their own collection: the scanned PDF of the test before holds the same spooler page.
        ], {collection: "Image scans"})
      ).id,
    );
    expect(job.files.map((file) => [path.basename(file.path), file.state])).toEqual([
      ["spooler notice.png", "done"],
      ["toner notice.jpg", "done"],
      ["facilities fax.tiff", "done"],
    ]);
    expect(service.listDocuments().filter((doc) => doc.kind === "image").map((doc) => [doc.kind, doc.mime]).sort()).toEqual([
      ["image", "image/jpeg"],
      ["image", "image/png"],
      ["image", "image/tiff"],
    ]);

    const find = async (query: string) => (await service.search({query, topK: 1, mode: "text", collection: "Image scans"})).hits[0];
    const png = await find("hotel network blocks the tunnel error 809");
    expect(png).toMatchObject({sourcePath: "spooler notice.png", page: null, ocr: true});
    const jpeg = await find("amber light toner");
    expect(jpeg).toMatchObject({sourcePath: "toner notice.jpg", ocr: true});
    expect(recognisedShare(jpeg.text, S.toner), jpeg.text).toBeGreaterThanOrEqual(0.85);
    const badge = await find("badge readers battery spring");
    expect(badge).toMatchObject({sourcePath: "facilities fax.tiff", page: 1, ocr: true});
    const wifi = await find("visitor wireless network daily code");
    expect(wifi).toMatchObject({sourcePath: "facilities fax.tiff", page: 2, ocr: true});
    expect(recognisedShare(wifi.text, S.wifi), wifi.text).toBeGreaterThanOrEqual(0.85);
  });

  it("fails a damaged image alone, with PARSE_FAILED and a sentence that names the format", async () => {
    const service = await sharedService();
    const job = await service.waitForJob(
      (
        await service.importBuffers([
          {name: "cut off.png", bytes: spoolerPng.slice(0, Math.floor(spoolerPng.length / 3))},
          {name: "notes.md", bytes: new TextEncoder().encode("# Printer notes\n\nThe spooler restarts every night at two.\n")},
        ])
      ).id,
    );
    expect(job.files.map((file) => [path.basename(file.path), file.state, file.error?.code])).toEqual([
      ["cut off.png", "failed", "PARSE_FAILED"],
      ["notes.md", "done", undefined],
    ]);
    expect(job.files[0].error!.message).toMatch(/PNG image could not be read/);
    expect(service.listDocuments().find((doc) => doc.sourcePath === "cut off.png")).toMatchObject({status: "failed", error: {code: "PARSE_FAILED"}});
  });

  it("stops OCR at once when the import is cancelled: the worker reading the file is ended", async () => {
    const service = await openService();
    const progress = recordProgress(service);
    const page = await images.encoded(Object.values(S), "png");
    const pdf = await makeScannedPdf(Array.from({length: 6}, () => ({image: page, format: "png" as const})));
    // Parser workers of other services (the shared one's idle worker) were there before.
    const before = new Set(parseWorkers());
    const job = await service.importBuffers([{name: "long scan.pdf", bytes: pdf}]);
    const deadline = Date.now() + 60_000;
    while (!progress.get("long scan.pdf")?.some((file) => file.ocr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(progress.get("long scan.pdf")!.some((file) => file.ocr?.total === 6)).toBe(true);
    const reading = parseWorkers().filter((pid) => !before.has(pid));
    expect(reading).toHaveLength(1);

    const cancelledAt = Date.now();
    expect(service.cancelJob(job.id)).toBe(true);
    const finished = await service.waitForJob(job.id);
    expect(Date.now() - cancelledAt).toBeLessThan(3000);
    expect(finished.state).toBe("cancelled");
    expect(finished.files[0].state).toBe("cancelled");
    expect(service.listDocuments()).toEqual([]);
    // The process recognising the cancelled file's pages is gone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(parseWorkers().filter((pid) => reading.includes(pid))).toEqual([]);
  });

  it("with no OCR languages set, images are refused and a scan without a text layer says OCR is off", async () => {
    const service = await openService({ocrLanguages: []});
    const job = await service.waitForJob(
      (
        await service.importBuffers([
          {name: "notice.png", bytes: spoolerPng},
          {name: "scan.pdf", bytes: await makeScannedPdf([{image: spoolerPng, format: "png"}])},
        ])
      ).id,
    );
    expect(job.files.map((file) => [path.basename(file.path), file.error?.code])).toEqual([
      ["notice.png", "UNSUPPORTED_TYPE"],
      ["scan.pdf", "PARSE_FAILED"],
    ]);
    expect(job.files[1].error!.message).toMatch(/no text layer.*turned off/);
  });
});

/** Parser worker processes below this one (Linux). */
function parseWorkers(): number[] {
  return descendantPids(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("parse-worker");
    } catch {
      return false;
    }
  });
}
