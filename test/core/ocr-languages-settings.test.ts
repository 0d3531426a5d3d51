/**
 * knowledge.ocrLanguages: the OCR languages whose data is on disk now (a models folder's tessdata/,
 * installed @tesseract.js-data packages), the ones the settings select, and selected ones without
 * data; over HTTP without the server's paths.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {createTestCore, removeDataDir} from "../helpers/core.js";

let core: DesksideCore;
let extraModels: string;
beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-core-"));
  const tessdata = path.join(dataDir, "models", "tessdata");
  fs.mkdirSync(tessdata, {recursive: true});
  // Not a real model: listing looks at names only, and reading one is not part of this test.
  fs.writeFileSync(path.join(tessdata, "xyz.traineddata"), "fake language data");
  fs.writeFileSync(path.join(tessdata, "notes.txt"), "not language data");
  fs.writeFileSync(path.join(tessdata, "../fin.traineddata"), "beside tessdata, not in it");
  fs.mkdirSync(path.join(tessdata, "sub.traineddata"));
  // A second models folder (DESKSIDE_MODELS_DIR) holds compressed data.
  extraModels = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-models-"));
  fs.mkdirSync(path.join(extraModels, "tessdata"));
  fs.writeFileSync(path.join(extraModels, "tessdata", "deu.traineddata.gz"), "fake compressed data");
  core = await createTestCore({withModel: false, dataDir, overrides: {modelsDir: extraModels}, settings: {knowledge: {ocrLanguages: ["eng", "xyz", "fra"]}}});
});
afterAll(async () => {
  await core.close();
  removeDataDir(core);
  fs.rmSync(extraModels, {recursive: true, force: true});
});

describe("knowledge.ocrLanguages", () => {
  it("lists the languages found in the models folders' tessdata/ and the packaged English, and the selected ones without data", async () => {
    const report = await core.rpc.call("knowledge.ocrLanguages", undefined);
    expect(report.available.map(({code, source}) => ({code, source}))).toEqual([
      {code: "deu", source: "models-folder"},
      {code: "eng", source: "package"},
      {code: "xyz", source: "models-folder"},
    ]);
    const byCode = Object.fromEntries(report.available.map((language) => [language.code, language.path]));
    expect(byCode.xyz).toBe(path.join(core.dataDir, "models", "tessdata", "xyz.traineddata"));
    expect(byCode.deu).toBe(path.join(extraModels, "tessdata", "deu.traineddata.gz"));
    expect(byCode.eng).toMatch(/@tesseract\.js-data[\\/]eng[\\/].*eng\.traineddata\.gz$/);
    expect(report.selected).toEqual(["eng", "xyz", "fra"]);
    expect(report.missing).toEqual(["fra"]);
  });

  it("follows the settings, keeping their order", async () => {
    core.settings.update({knowledge: {ocrLanguages: ["xyz", "eng"]}});
    expect(await core.rpc.call("knowledge.ocrLanguages", undefined)).toMatchObject({selected: ["xyz", "eng"], missing: []});
    core.settings.update({knowledge: {ocrLanguages: []}});
    expect(await core.rpc.call("knowledge.ocrLanguages", undefined)).toMatchObject({selected: [], missing: []});
  });

  it("sees a language added while it runs", async () => {
    fs.writeFileSync(path.join(core.dataDir, "models", "tessdata", "ita.traineddata"), "fake language data");
    const report = await core.rpc.call("knowledge.ocrLanguages", undefined);
    expect(report.available.map((language) => language.code)).toContain("ita");
  });

  it("sends no paths over HTTP", async () => {
    const response = await core.rpc.respond("knowledge.ocrLanguages", undefined, {transport: "http"});
    expect(response.ok).toBe(true);
    const text = JSON.stringify(response);
    expect(text).not.toContain(core.dataDir);
    expect(text).not.toContain(extraModels);
    expect(text).not.toContain("node_modules");
    expect(text).toContain('"code":"xyz"');
  });
});
