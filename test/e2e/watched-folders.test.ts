/**
 * Watched folders through the browser UI against a real `npm run serve`: a folder of runbooks on the
 * server's disk is added by its path, its documents come in and the card says it is watching; a file
 * written to the folder afterwards shows up in the card's counts, the documents table and search; one
 * that cannot be imported is listed with its error; pausing shows on the card; removing it with its documents empties both the card and the table.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {NARROW, DESKTOP, SLOW, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, screenshotOnFailure, type E2eBrowser} from "../helpers/e2e-browser.js";

const COLLECTION = "Brindlewood runbooks";
const RUNBOOKS = [
  {name: "badge-reader.md", title: "Brindlewood badge reader offline", body: "When the lobby badge reader shows a red light, power-cycle its controller in the comms cupboard and wait two minutes."},
  {name: "plotter.md", title: "Brindlewood plotter paper jam", body: "The drawing-office plotter jams when the roll is loaded curled side up; reload it curled side down and run a calibration sheet."},
];
const LATER = {name: "forklift-tablet.md", title: "Brindlewood forklift tablet pairing", body: "Forklift tablets lose their scanner pairing after an update; hold the scanner trigger for ten seconds and pair it again from Settings."};

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;
let folder: string;

async function until(check: () => Promise<boolean>, timeoutMs = SLOW): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the server to settle");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const write = (runbook: {name: string; title: string; body: string}) => fs.writeFileSync(path.join(folder, runbook.name), `# ${runbook.title}\n\n${runbook.body}\n`);
const knowledge = () => page.getByRole("region", {name: "Knowledge", exact: true});
const card = () => knowledge().getByRole("region", {name: "Watched folders"});
const folderRow = () => card().getByRole("listitem", {name: folder, exact: true});
const documentsTable = () => knowledge().getByRole("table", {name: "Documents"});
const row = (table: Locator, title: string) => table.getByRole("row").filter({has: table.page().getByText(title, {exact: true})});

beforeAll(async () => {
  assertRendererBuilt();
  // The card shows the path as the core resolved it (realpath), so compare with that.
  folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "deskside-watched-")));
  for (const runbook of RUNBOOKS) write(runbook);
  serve = await startServe();
  browser = await launchBrowser();
  await serve.waitFor(/Model ready: .+|No chat model loaded/, 120_000);
  await until(async () => (await rpc<{defaultKnowledge: {imported: boolean}}>(serve, "app.info")).defaultKnowledge.imported);
});

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (folder) fs.rmSync(folder, {recursive: true, force: true});
});

describe("watched folders in the browser UI", () => {
  it("adds a folder by its path on the server, refusing one that does not exist", async () => {
    page = await openApp(browser, serve);
    await passFirstRun(page);
    await openPanel(page, "Knowledge");
    await card().getByText(/No folder is watched/).waitFor();
    // A browser cannot watch a folder itself: the drop zone points to Add folder… instead of offering the box.
    await knowledge().getByText("To keep a folder in sync, use Add folder… under Watched folders.").waitFor();
    expect(await knowledge().getByRole("checkbox", {name: "Keep dropped folders in sync"}).count()).toBe(0);

    await card().getByRole("button", {name: "Add folder…"}).click();
    const dialog = page.getByRole("dialog", {name: "Keep a folder in sync"});
    const pathField = dialog.getByLabel("Folder path on the computer running Deskside");
    await pathField.fill(path.join(folder, "no-such-folder"));
    await dialog.getByLabel("Collection").fill(COLLECTION);
    await dialog.getByRole("button", {name: "Add folder", exact: true}).click();
    const refused = dialog.getByRole("alert");
    await expect.poll(() => refused.textContent()).toBe("There is no folder at this path on the computer running Deskside. (FOLDER_NOT_FOUND)");
    await screenshot(page, "86-watched-folder-path-refused");

    await pathField.fill(folder);
    await dialog.getByRole("button", {name: "Add folder", exact: true}).click();
    await dialog.waitFor({state: "detached"});
    await folderRow().waitFor();
    await expect.poll(() => folderRow().textContent(), {timeout: SLOW}).toMatch(/Watching.*2 files.*2 documents.*0 failed.*0 pending/);
    expect(await folderRow().getByText(`Collection: ${COLLECTION}`).count()).toBe(1);
    await folderRow().getByText(/^Last synced /).waitFor();
    for (const runbook of RUNBOOKS) await row(documentsTable(), runbook.title).waitFor();
    const folders = await rpc<{path: string; collection: string | null; documents: number}[]>(serve, "knowledge.folders");
    expect(folders).toMatchObject([{path: folder, collection: COLLECTION, documents: 2}]);
    await screenshot(page, "87-watched-folder-watching");
  });

  it("follows a file written to the folder into the card, the table and search", async () => {
    write(LATER);
    await expect.poll(() => folderRow().textContent(), {timeout: SLOW}).toMatch(/Watching.*3 files.*3 documents/);
    await row(documentsTable(), LATER.title).waitFor();
    const documents = await rpc<{title: string; collection: string | null; origin: string}[]>(serve, "knowledge.list");
    expect(documents.find((doc) => doc.title === LATER.title)).toMatchObject({collection: COLLECTION, origin: "folder"});

    await knowledge().getByRole("tab", {name: "Search playground"}).click();
    const playground = knowledge().getByRole("tabpanel", {name: "Search playground"});
    await playground.getByLabel("Search query").fill("forklift tablet scanner pairing");
    await playground.locator("label", {hasText: "Collection"}).locator("select").selectOption(COLLECTION);
    await playground.getByRole("search").getByRole("button", {name: "Search"}).click();
    const hits = playground.getByLabel("Search results");
    await hits.waitFor();
    await expect.poll(() => hits.locator(".hit").first().textContent()).toContain(LATER.title);
    await screenshot(page, "88-watched-folder-file-searchable");
    await knowledge().getByRole("tab", {name: "Documents"}).click();
  });

  it("lists a file that cannot be imported with its error, by its path in the folder", async () => {
    fs.mkdirSync(path.join(folder, "forms"));
    // A PDF cut off after its first bytes, as a copy that never finished leaves it.
    fs.writeFileSync(path.join(folder, "forms", "scanned-form.pdf"), "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R");
    await expect.poll(() => folderRow().textContent(), {timeout: SLOW}).toMatch(/Watching.*4 files.*3 documents.*1 failed.*0 pending/);
    await folderRow().getByRole("button", {name: "Show 1 file with errors"}).click();
    const errors = folderRow().getByRole("list", {name: `Errors in ${folder}`});
    const item = errors.getByRole("listitem");
    await expect.poll(() => item.textContent()).toMatch(/^forms\/scanned-form\.pdf[A-Z_]+\S/);
    await errors.scrollIntoViewIfNeeded();
    await screenshot(page, "88b-watched-folder-file-error");
  });

  it("pauses the folder", async () => {
    await folderRow().getByRole("button", {name: `Pause watching ${folder}`}).click();
    await folderRow().getByText("Paused", {exact: true}).waitFor();
    await folderRow().getByRole("button", {name: `Resume watching ${folder}`}).waitFor();
    expect(await folderRow().getByRole("button", {name: `Rescan ${folder}`}).isDisabled()).toBe(true);
    expect(await rpc<{state: string; paused: boolean}[]>(serve, "knowledge.folders")).toMatchObject([{state: "paused", paused: true}]);
    await screenshot(page, "89-watched-folder-paused");
    // On a phone-sized window the row's path, counts and actions wrap instead of overflowing.
    await page.setViewportSize(NARROW);
    await folderRow().scrollIntoViewIfNeeded();
    await screenshot(page, "90-watched-folder-paused-narrow");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.setViewportSize(DESKTOP);
  });

  it("removes the folder with its documents", async () => {
    await folderRow().getByRole("button", {name: `Remove ${folder}`}).click();
    const dialog = page.getByRole("dialog", {name: `Stop watching "${path.basename(folder)}"?`});
    // The file that failed is listed among the documents too, and goes with them.
    await dialog.getByRole("button", {name: "Keep 4 documents"}).waitFor();
    await screenshot(page, "91-watched-folder-remove-dialog");
    await dialog.getByRole("button", {name: "Delete 4 documents"}).click();
    await dialog.waitFor({state: "detached"});
    await folderRow().waitFor({state: "detached"});
    await card().getByText(/No folder is watched/).waitFor();
    await page.getByText(`Stopped watching ${folder} and deleted 4 documents.`).waitFor();
    for (const runbook of [...RUNBOOKS, LATER]) await row(documentsTable(), runbook.title).waitFor({state: "detached", timeout: 10_000});
    expect(await rpc<unknown[]>(serve, "knowledge.folders")).toEqual([]);
    const left = await rpc<{title: string; sourcePath: string}[]>(serve, "knowledge.list");
    expect(left.filter((doc) => doc.sourcePath.startsWith(folder))).toEqual([]);
    // The files on disk are untouched.
    expect(fs.readdirSync(folder).sort()).toEqual([LATER.name, ...RUNBOOKS.map((runbook) => runbook.name), "forms"].sort());
    await screenshot(page, "92-watched-folder-removed");
    // The refused path's 404 answer is logged by the browser; nothing else went wrong in the page.
    expect(browser.problems.filter((problem) => !/status of 404/.test(problem))).toEqual([]);
  });
});
