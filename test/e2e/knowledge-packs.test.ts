/**
 * Knowledge packs through the browser UI against a real `npm run serve`: a collection is exported
 * as a download, removed, and imported again from the downloaded file with the Import pack button;
 * importing it twice adds nothing; a damaged pack shows why it was refused and changes nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {PACK_MAGIC, verifyPack} from "../../electron/core/knowledge/knowledge-pack.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {DESKTOP, NARROW, SLOW, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, screenshotOnFailure, type E2eBrowser} from "../helpers/e2e-browser.js";

const COLLECTION = "Lobby kiosks";
const NOTES = [
  {name: "kiosk-printer.md", title: "Tarnwick kiosk receipt printer", body: "The receipt printer jams when the roll is loaded upside down; load it with the paper coming off the bottom."},
  {name: "kiosk-wifi.md", title: "Tarnwick kiosk Wi-Fi drops", body: "The kiosk loses Wi-Fi when the lobby access point reboots at 3 am; set the kiosk to reconnect automatically."},
];

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;
let downloads: string;
let packFile: string;

async function until(check: () => Promise<boolean>, timeoutMs = SLOW): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the server to settle");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const row = (table: Locator, title: string) => table.getByRole("row").filter({has: table.page().getByText(title, {exact: true})});
const documentsTable = () => page.getByRole("region", {name: "Knowledge", exact: true}).getByRole("table", {name: "Documents"});

/** Picks a file in the panel's Import pack chooser and waits for how the import ended. */
async function importThroughUi(file: string): Promise<Locator> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", {name: "Import pack"}).click();
  await (await chooser).setFiles(file);
  const ended = page.locator(".banner").filter({hasText: /Knowledge pack (imported|not imported)/});
  await ended.waitFor();
  return ended;
}

beforeAll(async () => {
  assertRendererBuilt();
  downloads = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-packs-"));
  serve = await startServe();
  browser = await launchBrowser();
  await serve.waitFor(/Model ready: .+|No chat model loaded/, 120_000);
  await until(async () => (await rpc<{defaultKnowledge: {imported: boolean}}>(serve, "app.info")).defaultKnowledge.imported);
  for (const note of NOTES) {
    const content = `# ${note.title}\n\n${note.body}\n`;
    const job = await rpc<{id: string}>(serve, "knowledge.upload", {files: [{name: note.name, dataBase64: Buffer.from(content).toString("base64")}], collection: COLLECTION});
    await until(async () => (await rpc<{state: string}>(serve, "knowledge.job", {id: job.id})).state !== "running");
  }
});

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (downloads) fs.rmSync(downloads, {recursive: true, force: true});
});

describe("knowledge packs in the browser UI", () => {
  it("exports a collection as a .deskpack download", async () => {
    page = await openApp(browser, serve);
    await passFirstRun(page);
    const panel = await openPanel(page, "Knowledge");
    for (const note of NOTES) await row(documentsTable(), note.title).waitFor();
    await screenshot(page, "75-knowledge-packs-panel");

    const download = page.waitForEvent("download");
    await panel.getByRole("button", {name: `Export the collection "${COLLECTION}" as a pack`}).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^deskside-lobby-kiosks-\d{4}-\d{2}-\d{2}\.deskpack$/);
    packFile = path.join(downloads, file.suggestedFilename());
    await file.saveAs(packFile);
    expect(fs.readFileSync(packFile).subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)).toBe(true);
    const pack = await verifyPack(packFile);
    expect(pack.manifest).toMatchObject({collection: COLLECTION, counts: {documents: 2}, embedding: {model: "static-glove-wordpiece", dimension: 100}});
    expect(pack.documents.map((doc) => doc.title).sort()).toEqual(NOTES.map((note) => note.title).sort());
    await page.getByText(/^Downloaded deskside-lobby-kiosks-.*\.deskpack/).waitFor();
  });

  it("imports the downloaded pack back after the collection was removed", async () => {
    const removed = await fetch(`${serve.url}/api/collections/${encodeURIComponent(COLLECTION)}`, {method: "DELETE", headers: {authorization: `Bearer ${serve.token}`}});
    expect(removed.status).toBe(200);
    for (const note of NOTES) await row(documentsTable(), note.title).waitFor({state: "detached", timeout: 10_000});

    const banner = await importThroughUi(packFile);
    await expect.poll(() => banner.textContent()).toContain("2 documents");
    expect(await banner.textContent()).toContain(`added to ${COLLECTION}`);
    expect(await banner.textContent()).toContain("Their vectors came with the pack (static-glove-wordpiece); nothing was embedded again.");
    // The list refreshes by itself (knowledge.changed), with the documents in their collection.
    for (const note of NOTES) await row(documentsTable(), note.title).waitFor();
    const documents = await rpc<{title: string; collection: string | null}[]>(serve, "knowledge.list");
    expect(documents.filter((doc) => doc.collection === COLLECTION).map((doc) => doc.title).sort()).toEqual(NOTES.map((note) => note.title).sort());
    await screenshot(page, "76-knowledge-pack-imported");
    // On a phone-sized window the header's actions and the banner wrap instead of overflowing.
    await page.setViewportSize(NARROW);
    await screenshot(page, "77-knowledge-pack-imported-narrow");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.setViewportSize(DESKTOP);

    // And they answer searches by meaning.
    const hits = await rpc<{hits: {title: string}[]}>(serve, "knowledge.search", {query: "kiosk printer paper roll jammed", mode: "vector", collection: COLLECTION});
    expect(hits.hits[0].title).toBe("Tarnwick kiosk receipt printer");
  });

  it("adds nothing when the same pack is imported again", async () => {
    await page.locator(".banner").filter({hasText: "Knowledge pack imported"}).getByRole("button", {name: "Dismiss"}).click();
    const banner = await importThroughUi(packFile);
    await expect.poll(() => banner.textContent()).toContain("Everything in this pack is already in the knowledge base; nothing was added.");
  });

  it("refuses a damaged pack with a clear error and changes nothing", async () => {
    const before = (await rpc<unknown[]>(serve, "knowledge.list")).length;
    const damaged = path.join(downloads, "damaged.deskpack");
    const bytes = fs.readFileSync(packFile);
    bytes[bytes.length - 50] ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    const banner = await importThroughUi(damaged);
    expect(await banner.getAttribute("role")).toBe("alert");
    expect(await banner.textContent()).toContain("Knowledge pack not imported: damaged.deskpack");
    expect(await banner.textContent()).toMatch(/checksum does not match.*\(PACK_INVALID\)/);
    await screenshot(page, "78-knowledge-pack-refused");
    expect((await rpc<unknown[]>(serve, "knowledge.list")).length).toBe(before);

    const foreign = path.join(downloads, "notes.deskpack");
    fs.writeFileSync(foreign, "These are meeting notes, not a pack.\n");
    await page.locator(".banner").filter({hasText: "Knowledge pack not imported"}).getByRole("button", {name: "Dismiss"}).click();
    const second = await importThroughUi(foreign);
    expect(await second.textContent()).toMatch(/not a Deskside knowledge pack.*\(PACK_INVALID\)/);
  });

  it("exports the whole knowledge base from the header", async () => {
    const download = page.waitForEvent("download");
    await page.getByRole("button", {name: "Export pack"}).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^deskside-knowledge-\d{4}-\d{2}-\d{2}\.deskpack$/);
    const whole = path.join(downloads, file.suggestedFilename());
    await file.saveAs(whole);
    const pack = await verifyPack(whole);
    // The starter articles and the kiosk notes, each with its collection.
    expect(pack.manifest.collection).toBeNull();
    expect(pack.manifest.collections).toContain(COLLECTION);
    expect(pack.manifest.collections).toContain("Starter articles");
    // The refused uploads' 422 answers are logged by the browser; nothing else went wrong in the page.
    expect(browser.problems.filter((problem) => !/status of 422/.test(problem))).toEqual([]);
  });
});
