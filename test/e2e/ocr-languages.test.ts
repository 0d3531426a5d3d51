/**
 * OCR languages in Settings, in a browser against a real server: a language whose data is copied
 * into the models folder's tessdata/ shows up after Refresh, ticking it saves the setting, and
 * unticking every language says that OCR is off.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {DESKTOP, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, type E2eBrowser} from "../helpers/e2e-browser.js";

interface SettingsView {
  settings: {knowledge: {ocrLanguages: string[]}};
}

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;

beforeAll(async () => {
  assertRendererBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-ocr-ui-"));
  fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({knowledge: {defaultKnowledgeImported: true}}));
  serve = await startServe({dataDir});
  browser = await launchBrowser();
  page = await openApp(browser, serve, {viewport: DESKTOP});
  await passFirstRun(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (serve) fs.rmSync(serve.dataDir, {recursive: true, force: true});
});

describe("OCR languages in Settings", () => {
  it("finds a language copied into tessdata/, saves the ticked ones in order, and says when OCR is off", async () => {
    const panel = await openPanel(page, "Settings");
    const group = panel.getByRole("group", {name: "OCR languages"});
    await group.getByRole("checkbox", {name: /English/}).waitFor();
    expect(await group.getByRole("checkbox", {name: /German/}).count()).toBe(0);

    // Copied in while the server runs; Refresh lists it (the data is only listed, not loaded, here).
    const tessdata = path.join(serve.dataDir, "models", "tessdata");
    fs.mkdirSync(tessdata, {recursive: true});
    fs.writeFileSync(path.join(tessdata, "deu.traineddata"), "placeholder: listed by name, not loaded by this test");
    await group.getByRole("button", {name: "Refresh"}).click();
    const german = group.getByRole("checkbox", {name: /German/});
    await german.waitFor();
    await german.click();
    await expect.poll(async () => (await rpc<SettingsView>(serve, "settings.get")).settings.knowledge.ocrLanguages).toEqual(["eng", "deu"]);
    await group.getByText("Main", {exact: true}).waitFor();
    await group.scrollIntoViewIfNeeded();
    await screenshot(page, "93-settings-ocr-languages");

    await group.getByRole("checkbox", {name: /English/}).click();
    await expect.poll(async () => (await rpc<SettingsView>(serve, "settings.get")).settings.knowledge.ocrLanguages).toEqual(["deu"]);
    await expect.poll(() => group.getByRole("checkbox", {name: /English/}).isChecked()).toBe(false);
    await group.getByRole("checkbox", {name: /German/}).click();
    await expect.poll(async () => (await rpc<SettingsView>(serve, "settings.get")).settings.knowledge.ocrLanguages).toEqual([]);
    await group.getByText("OCR is off").waitFor();
    await screenshot(page, "94-settings-ocr-off");

    await group.getByRole("checkbox", {name: /English/}).click();
    await expect.poll(async () => (await rpc<SettingsView>(serve, "settings.get")).settings.knowledge.ocrLanguages).toEqual(["eng"]);
  }, 120_000);
});
