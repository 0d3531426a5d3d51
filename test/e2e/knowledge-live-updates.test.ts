/**
 * Every client sees the same knowledge base whichever path changed it: with the browser UI's
 * Knowledge panel open, documents deleted by another tool over the HTTP API disappear from the
 * list without a reload, because the knowledge base itself announces the change (knowledge.changed).
 */
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {multipartMail} from "../helpers/mail-fixtures.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {SLOW, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, type E2eBrowser, screenshotOnFailure} from "../helpers/e2e-browser.js";

const NOTES = [
  {name: "tarnwick-kiosk-reboot.md", title: "Tarnwick kiosk reboot loop", collection: null},
  {name: "tarnwick-kiosk-printer.md", title: "Tarnwick kiosk receipt printer", collection: "Lobby kiosks"},
  {name: "tarnwick-kiosk-wifi.md", title: "Tarnwick kiosk Wi-Fi drops", collection: "Lobby kiosks"},
];

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;
const ids = new Map<string, string>();

/** Polls outside a test (expect.poll only works inside one). */
async function until(check: () => Promise<boolean>, timeoutMs = SLOW): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the server to settle");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What another tool on the machine does: the help-desk HTTP API with the token. */
function httpDelete(route: string): Promise<Response> {
  return fetch(`${serve.url}${route}`, {method: "DELETE", headers: {authorization: `Bearer ${serve.token}`}});
}

beforeAll(async () => {
  assertRendererBuilt();
  serve = await startServe();
  browser = await launchBrowser();
  // Start-up settles first (model, starter articles), so nothing else refreshes the list during the tests.
  await serve.waitFor(/Model ready: .+|No chat model loaded/, 120_000);
  await until(async () => (await rpc<{defaultKnowledge: {imported: boolean}}>(serve, "app.info")).defaultKnowledge.imported);
  for (const note of NOTES) {
    const content = `# ${note.title}\n\nSteps for the ${note.title.toLowerCase()} at the front desk.\n`;
    const job = await rpc<{id: string}>(serve, "knowledge.upload", {files: [{name: note.name, dataBase64: Buffer.from(content).toString("base64")}], collection: note.collection});
    await until(async () => (await rpc<{state: string}>(serve, "knowledge.job", {id: job.id})).state !== "running");
  }
  for (const doc of await rpc<{id: string; title: string}[]>(serve, "knowledge.list")) ids.set(doc.title, doc.id);
  for (const note of NOTES) expect(ids.has(note.title), note.title).toBe(true);
});

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

const row = (table: Locator, title: string) => table.getByRole("row").filter({has: table.page().getByText(title, {exact: true})});

describe("an open Knowledge panel", () => {
  it("drops a document another tool deleted over HTTP, without a reload", async () => {
    page = await openApp(browser, serve);
    await passFirstRun(page);
    const panel = await openPanel(page, "Knowledge");
    const table = panel.getByRole("table", {name: "Documents"});
    for (const note of NOTES) await row(table, note.title).waitFor();
    const loads = await page.evaluate(() => performance.getEntriesByType("navigation").length);

    const response = await httpDelete(`/api/documents/${ids.get(NOTES[0].title)}`);
    expect(response.status).toBe(200);
    await row(table, NOTES[0].title).waitFor({state: "detached", timeout: 10_000});
    // The others stay, and the page was never reloaded.
    for (const note of NOTES.slice(1)) expect(await row(table, note.title).count()).toBe(1);
    expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(loads);
    await screenshot(page, "40-knowledge-after-http-delete");
  });

  it("drops a whole collection another tool deleted over HTTP", async () => {
    const table = page.getByRole("region", {name: "Knowledge", exact: true}).getByRole("table", {name: "Documents"});
    const response = await httpDelete(`/api/collections/${encodeURIComponent("Lobby kiosks")}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({collection: "Lobby kiosks", deleted: 2});
    for (const note of NOTES.slice(1)) await row(table, note.title).waitFor({state: "detached", timeout: 10_000});
  });

  it("lists a document another tool imported with its import's note, which stays with the document", async () => {
    const ticket = multipartMail({
      from: "Ana Ruiz <ana.ruiz@example.com>",
      to: "helpdesk@example.com",
      subject: "Tarnwick kiosk scanner freezes",
      date: "Tue, 01 Dec 2026 09:14:00 +0000",
      body: "Unplug the scanner, wait ten seconds and plug it into the rear USB port.",
      attachments: [{name: "scanner-error.png", type: "image/png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])}],
    });
    const job = await rpc<{id: string}>(serve, "knowledge.upload", {files: [{name: "kiosk-scanner.eml", dataBase64: Buffer.from(ticket).toString("base64")}], collection: null});
    await until(async () => (await rpc<{state: string}>(serve, "knowledge.job", {id: job.id})).state !== "running");
    const table = page.getByRole("region", {name: "Knowledge", exact: true}).getByRole("table", {name: "Documents"});
    const ticketRow = row(table, "Tarnwick kiosk scanner freezes");
    await ticketRow.waitFor({timeout: 10_000});
    await ticketRow.getByText("1 note").click();
    const notes = ticketRow.getByRole("list", {name: 'Notes on "Tarnwick kiosk scanner freezes"'});
    expect(await notes.textContent()).toMatch(/^1 attachment was not imported with the email \(scanner-error\.png/);
    // Only the ticket had something to say.
    expect(await table.getByText(/^\d+ notes?$/).count()).toBe(1);
    await screenshot(page, "41-knowledge-document-note");
  });
});
