/**
 * A technician's session in the browser UI, against one real headless server (`npm run serve`'s
 * entry point) with the fixture models: first run, importing a runbook, asking about it, drafting a
 * ticket, the Models panel, keyboard shortcuts, a phone-width window and retrieval-only mode.
 * The tests share one page and run in order, like one person's working session.
 */
import fs from "node:fs";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {FIXTURE_GGUF} from "../helpers/fixtures.js";
import {DESKTOP, NARROW, SLOW, assertRendererBuilt, dropFiles, launchBrowser, openApp, openPanel, recordTextGrowth, rpc, screenshot, type E2eBrowser, screenshotOnFailure, askInChat, lastAnswer as lastAnswerOf} from "../helpers/e2e-browser.js";

/** A runbook nobody else has: its made-up product name only occurs here. */
const RUNBOOK = {
  name: "quillfeather-badge-printer.md",
  type: "text/markdown",
  content: [
    "# Quillfeather badge printer jam",
    "",
    "To fix a Quillfeather badge printer jam, clear the card path. The printer shows error QF-7731 and stops feeding cards.",
    "",
    "## Steps",
    "",
    "1. Power off the Quillfeather badge printer and wait ten seconds.",
    "2. Open the rear cover and pull out the bent card.",
    "3. Wipe the feed rollers with an isopropyl swab.",
    "4. Power on and print a test badge from the admin console.",
    "",
  ].join("\n"),
};
const RUNBOOK_TITLE = "Quillfeather badge printer jam";
const QUESTION = "How do I fix the Quillfeather badge printer jam?";

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;
/** The API token the first-run screen reveals, checked against the server below. */
let shownToken: string | null = null;

beforeAll(async () => {
  assertRendererBuilt();
  serve = await startServe();
  browser = await launchBrowser();
});

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

const lastAnswer = () => lastAnswerOf(page);

const ask = (question: string) => askInChat(page, question);

async function waitForAnswerFinished(): Promise<void> {
  const answer = lastAnswer();
  await answer.waitFor();
  await expect.poll(() => answer.getAttribute("aria-busy"), {timeout: SLOW}).toBeNull();
}

describe("a technician's session in the browser UI", () => {
  it("opens at the printed address and shows the first-run screen: CPU backend, model, API address and token", async () => {
    page = await openApp(browser, serve, {viewport: DESKTOP});
    // The token came in through the fragment and is taken out of the address bar.
    expect(page.url()).not.toContain("token=");
    await expect.poll(() => page.evaluate(() => localStorage.getItem("deskside.apiToken"))).toBe(serve.token);

    await page.getByRole("heading", {name: "Welcome to Deskside"}).waitFor();
    const hardware = page.getByRole("listitem").filter({has: page.getByRole("heading", {name: "Hardware"})});
    await hardware.getByText(/models run on the CPU \(\d+ threads\)/).waitFor();

    const model = page.getByRole("listitem").filter({has: page.getByRole("heading", {name: "Language model"})});
    await model.getByText(/is loaded and ready to answer/).waitFor({timeout: 120_000});

    const api = page.getByRole("listitem").filter({has: page.getByRole("heading", {name: "Local API"})});
    await api.getByText(serve.url, {exact: true}).waitFor();
    // Masked until asked, then shown in full.
    const token = api.getByLabel("API token", {exact: true});
    expect(await token.textContent()).toMatch(/^•+$/);
    await api.getByRole("button", {name: "Show token"}).click();
    await expect.poll(() => token.textContent()).not.toMatch(/•/);
    shownToken = await token.textContent();
    expect(shownToken?.length).toBeGreaterThan(8);
    await api.getByRole("button", {name: "Hide token"}).click();
    await expect.poll(() => token.textContent()).toMatch(/^•+$/);
  });

  it("shows on the first-run screen the token in effect, which the server started with DESKSIDE_API_TOKEN accepts", async () => {
    const response = await fetch(`${serve.url}/rpc/app.info`, {method: "POST", headers: {authorization: `Bearer ${shownToken}`, "content-type": "application/json"}, body: "{}"});
    expect(response.status).toBe(200);
  });

  it("shows the starter knowledge import on the first-run screen once the import has finished", async () => {
    await serve.waitFor(/Model ready: .+/, 120_000);
    const documents = (await rpc<{defaultKnowledge: {imported: boolean; documents: number}}>(serve, "app.info")).defaultKnowledge;
    expect(documents.imported).toBe(true);
    const knowledge = () => page.getByRole("listitem").filter({has: page.getByRole("heading", {name: "Knowledge base"})});
    // A first-run screen opened while the import was still running does not learn that it finished; a reload does.
    await page.reload();
    await knowledge().getByText(`${documents.documents} documents`).waitFor();
    expect(await knowledge().getByText("The starter knowledge base is imported").count()).toBe(1);
    await screenshot(page, "01-first-run");

    await page.getByRole("button", {name: "Get started"}).click();
    await page.getByRole("navigation", {name: "Main"}).waitFor();
    await page.getByRole("heading", {name: "What are you working on?"}).waitFor();
    const status = page.getByRole("contentinfo", {name: "Status"});
    await status.getByText(`API ${serve.url}`).waitFor();
    await screenshot(page, "02-chat-empty");
  });

  it("imports a runbook dropped onto Knowledge, lists it, and finds it in the search playground", async () => {
    const panel = await openPanel(page, "Knowledge");
    await panel.getByRole("heading", {name: "Knowledge"}).waitFor();
    const table = panel.getByRole("table", {name: "Documents"});
    await table.getByRole("row").nth(1).waitFor();

    await dropFiles(panel.getByRole("region", {name: "Import documents"}), [RUNBOOK]);
    const job = panel.getByRole("region", {name: "Import of 1 file"});
    await job.waitFor();
    // The dropped file's own progress line ends in "Done · N chunks", and the job counts it done.
    const file = job.getByRole("listitem").filter({hasText: RUNBOOK.name});
    await file.getByText(/^Done · \d+ chunks?$/).waitFor();
    await job.getByText("1 done", {exact: true}).waitFor();

    const row = table.getByRole("row").filter({hasText: RUNBOOK_TITLE});
    await row.waitFor();
    expect(await row.getByText(RUNBOOK.name).count()).toBe(1);
    await row.getByText("Ready", {exact: true}).waitFor();
    await screenshot(page, "03-knowledge-documents");

    await panel.getByRole("tab", {name: "Search playground"}).click();
    await panel.getByRole("textbox", {name: "Search query"}).fill("Quillfeather badge printer");
    await panel.getByRole("button", {name: "Search", exact: true}).click();
    const results = panel.getByLabel("Search results");
    await results.getByText(/\d+ hits? in/).waitFor();
    const first = results.getByRole("listitem").first();
    await first.locator("strong", {hasText: RUNBOOK_TITLE}).waitFor();
    const score = Number(await first.locator(".score-main dd").textContent());
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(1);
    await first.getByText("Score", {exact: true}).waitFor();
    await screenshot(page, "04-knowledge-search");
  });

  it("shows the import card of a dropped file as Finished once its file is done", async () => {
    const panel = await openPanel(page, "Knowledge");
    await panel.getByRole("tab", {name: "Documents"}).click();
    const job = panel.getByRole("region", {name: "Import of 1 file"});
    await job.getByText("1 done", {exact: true}).waitFor();
    await job.getByText("Finished", {exact: true}).waitFor({timeout: 5_000});
  });

  it("reads a document from its title in Knowledge, and lists the keyboard shortcuts with ?", async () => {
    const panel = await openPanel(page, "Knowledge");
    await panel.getByRole("button", {name: `Read "${RUNBOOK_TITLE}"`}).click();
    const reader = page.getByRole("dialog", {name: RUNBOOK_TITLE});
    await reader.getByText(/Wipe the feed rollers with an isopropyl swab/).waitFor();
    await screenshot(page, "04b-knowledge-reader");
    await page.keyboard.press("Escape");
    await reader.waitFor({state: "detached"});

    // "?" from anywhere but a text field.
    await panel.getByRole("heading", {name: "Knowledge"}).click();
    await page.keyboard.press("Shift+Slash");
    const shortcuts = page.getByRole("dialog", {name: "Keyboard shortcuts"});
    await shortcuts.getByText("New chat (from any panel)").waitFor();
    await screenshot(page, "04c-shortcuts");
    await page.keyboard.press("Escape");
    await shortcuts.waitFor({state: "detached"});
  });

  it("answers a question about the runbook: streamed text, numbered citations, source preview and speed", async () => {
    await openPanel(page, "Chat");
    const growth = await recordTextGrowth(page, 'article[aria-label="Answer"] .answer');
    await ask(QUESTION);

    const answer = lastAnswer();
    await answer.locator(".answer").waitFor();
    await waitForAnswerFinished();
    const lengths = await growth();
    // The text arrived in pieces and kept growing, not all at once.
    expect(lengths.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...lengths)).toBeGreaterThan(lengths[0]);

    // The badge follows what the text cites: the test model writes random words, rarely a [n] that
    // matches a source (exact match, since those words may contain "grounded").
    const cites = (await answer.locator(".answer .cite-inline").count()) > 0;
    const badge = cites ? "Grounded" : "Not grounded — no sources cited";
    await answer.getByText(badge, {exact: true}).waitFor();
    expect(await answer.getByText(cites ? "Not grounded — no sources cited" : "Grounded", {exact: true}).count()).toBe(0);
    const sources = answer.getByRole("group", {name: "Sources"});
    const chip = sources.getByRole("button", {name: `Source 1: ${RUNBOOK_TITLE}`});
    await chip.waitFor();
    expect(await chip.locator(".citation-number").textContent()).toBe("1");

    const metrics = answer.getByLabel("Generation metrics");
    await metrics.getByText("First token").waitFor();
    expect(await metrics.getByText(/^\d+(\.\d+)? tok\/s$/).count()).toBe(1);
    expect(await metrics.getByText(/^\d+(\.\d+)? ?(ms|s)$/).count()).toBeGreaterThanOrEqual(1);

    await screenshot(page, "05-chat-answer");

    await chip.click();
    expect(await chip.getAttribute("aria-pressed")).toBe("true");
    const preview = page.getByRole("complementary", {name: "Source 1"});
    await preview.getByRole("heading", {name: RUNBOOK_TITLE}).waitFor();
    expect(await preview.locator("blockquote").textContent()).toContain("Quillfeather");
    await preview.getByText(RUNBOOK.name, {exact: true}).waitFor();
    await screenshot(page, "06-chat-source-preview");
    await preview.getByRole("button", {name: "Close source preview"}).click();
    await preview.waitFor({state: "detached"});
  });

  it("drafts a ticket from the conversation: editable fields and a valid JSON file", async () => {
    await page.getByRole("button", {name: "Draft ticket"}).click();
    const dialog = page.getByRole("dialog", {name: "Draft ticket"});
    await dialog.waitFor();
    const title = dialog.getByLabel("Title");
    await title.waitFor();
    for (const label of ["Category", "Priority", "Affected system", "Symptoms", "Steps tried", "Resolution"]) await dialog.getByLabel(label).waitFor();
    await screenshot(page, "07-ticket-dialog");

    await title.fill("Quillfeather printer jammed at reception");
    const downloading = page.waitForEvent("download");
    await dialog.getByRole("button", {name: "Save .json"}).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const ticket = JSON.parse(fs.readFileSync(await download.path(), "utf8")) as Record<string, unknown>;
    expect(ticket.title).toBe("Quillfeather printer jammed at reception");
    expect(ticket.category).toBe(await dialog.getByLabel("Category").inputValue());
    expect(ticket.priority).toBe(await dialog.getByLabel("Priority").inputValue());
    expect(Array.isArray(ticket.symptoms)).toBe(true);
    expect(Array.isArray(ticket.stepsTried)).toBe(true);
    expect(typeof ticket.resolution).toBe("string");
    expect(typeof ticket.affectedSystem).toBe("string");

    await dialog.getByRole("button", {name: "Close"}).click();
    await dialog.waitFor({state: "detached"});
  });

  it("shows the CPU backend and the fixture model with its details, fit and loaded state in Models & GPU", async () => {
    const panel = await openPanel(page, "Models & GPU");
    const hardware = panel.getByRole("region", {name: "GPU"});
    await hardware.getByText("CPU", {exact: true}).waitFor();
    await hardware.getByText("CPU threads").waitFor();

    const engine = panel.getByRole("region", {name: "Loaded model"});
    await engine.getByText("Loaded", {exact: true}).waitFor();
    await engine.getByRole("button", {name: "Unload"}).waitFor();

    const models = panel.getByRole("table", {name: "Models"});
    const row = models.getByRole("row").filter({hasText: "llama-2-tiny-random"});
    await row.waitFor();
    const cells = await row.getByRole("cell").allTextContents();
    // Name with architecture and file, parameters, quantization, size, trained context, fit, state.
    expect(cells[0]).toMatch(/llama/i);
    expect(cells[1].trim()).not.toBe("");
    expect(cells[2].trim()).not.toBe("");
    expect(cells[3]).toMatch(/\d+(\.\d+)?\s?(B|KB|MB|GB)/);
    expect(cells[5]).toMatch(/^(Fits|Partial offload|Doesn't fit|Fit unknown)$/);
    expect(cells[5]).toBe("Fits");
    await row.getByText("Loaded", {exact: true}).waitFor();
    await screenshot(page, "08-models");
  });

  it("adds a model from the browser: a .gguf uploaded from the Models panel is checked and listed", async () => {
    const panel = await openPanel(page, "Models & GPU");
    const card = panel.getByRole("region", {name: "Import a model"});
    await card.getByRole("button", {name: "Upload .gguf file…"}).waitFor();
    await card.getByLabel("GGUF model file").setInputFiles({name: "uploaded-helpdesk-model.gguf", mimeType: "application/octet-stream", buffer: fs.readFileSync(FIXTURE_GGUF)});
    await page.getByText(/It is in the list above, ready to load/).waitFor({timeout: SLOW});
    await panel.getByRole("table", {name: "Models"}).getByRole("row").filter({hasText: "uploaded-helpdesk-model.gguf"}).waitFor();
    expect(fs.existsSync(`${serve.dataDir}/models/uploaded-helpdesk-model.gguf`)).toBe(true);
    // Something that is not a model is refused before it is sent.
    await card.getByLabel("GGUF model file").setInputFiles({name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a model")});
    await card.getByText("notes.txt is not a .gguf model file.").waitFor();
    await screenshot(page, "08b-model-uploaded");
  });

  it("Ctrl+K starts a new chat and Esc stops a streaming answer", async () => {
    // A long answer budget so the answer is still being written when Esc arrives.
    const settings = await openPanel(page, "Settings");
    const maxTokens = settings.getByLabel("Max answer length");
    await maxTokens.fill("32768");
    await maxTokens.press("Tab");
    await expect
      .poll(async () => (await rpc<{settings: {generation: {maxTokens: number}}}>(serve, "settings.get")).settings.generation.maxTokens, {timeout: SLOW})
      .toBe(32768);
    await screenshot(page, "09-settings-generation");

    // From any panel, Ctrl+K opens an empty chat with the composer focused.
    await page.keyboard.press("Control+k");
    await page.getByRole("heading", {name: "What are you working on?"}).waitFor();
    await page.getByRole("heading", {name: "New chat"}).waitFor();
    expect(await page.getByRole("log", {name: "Messages"}).count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Message");

    await ask("Quillfeather badge printer error QF-7731 keeps coming back");
    const answer = lastAnswer();
    await answer.locator(".answer.streaming").waitFor();
    await page.keyboard.press("Escape");
    await answer.getByText("Stopped. The partial answer was kept.").waitFor();
    expect(await answer.getAttribute("aria-busy")).toBeNull();
    await page.getByRole("button", {name: "Send message"}).waitFor();

    // Ctrl+K again leaves the stopped conversation for a fresh one; the old one stays in the list.
    await page.keyboard.press("Control+k");
    await page.getByRole("heading", {name: "What are you working on?"}).waitFor();
    const conversations = page.getByRole("list", {name: "Conversations"});
    await expect.poll(() => conversations.getByRole("listitem").count()).toBeGreaterThanOrEqual(2);
  });

  it("stays usable at phone width (390×800)", async () => {
    await page.setViewportSize(NARROW);
    try {
      const composer = page.getByRole("textbox", {name: "Message"});
      await composer.waitFor();
      const box = await composer.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(NARROW.width);
      expect(box!.y + box!.height).toBeLessThanOrEqual(NARROW.height);
      await page.getByRole("button", {name: "Send message"}).waitFor();

      await ask(QUESTION);
      await waitForAnswerFinished();
      const chip = lastAnswer().getByRole("button", {name: `Source 1: ${RUNBOOK_TITLE}`});
      await chip.scrollIntoViewIfNeeded();
      const chipBox = await chip.boundingBox();
      expect(chipBox!.x + chipBox!.width).toBeLessThanOrEqual(NARROW.width + 1);
      // Nothing pushes the page sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
      await screenshot(page, "10-chat-narrow");

      await page.getByRole("button", {name: "Show conversations"}).click();
      const conversations = page.getByRole("list", {name: "Conversations"}).getByRole("listitem");
      await expect.poll(() => conversations.count()).toBeGreaterThanOrEqual(3);
      await screenshot(page, "11-chat-narrow-conversations");
      // Picking an earlier conversation from the drawer opens it and closes the drawer.
      await page.getByRole("list", {name: "Conversations"}).getByRole("button", {name: /^Quillfeather badge printer error/}).click();
      await page.getByRole("button", {name: "Show conversations"}).waitFor();
      await lastAnswer().getByText("Stopped. The partial answer was kept.").waitFor();

      // Knowledge: one card per document, its delete button on screen without scrolling sideways.
      const knowledge = await openPanel(page, "Knowledge");
      const remove = knowledge.getByRole("button", {name: `Delete "${RUNBOOK_TITLE}"`});
      await remove.scrollIntoViewIfNeeded();
      const removeBox = await remove.boundingBox();
      expect(removeBox!.x + removeBox!.width).toBeLessThanOrEqual(NARROW.width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
      await screenshot(page, "11b-knowledge-narrow");
      await openPanel(page, "Chat");
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it("falls back to retrieval-only answers with passages and citations once the model is unloaded", async () => {
    const panel = await openPanel(page, "Models & GPU");
    const engine = panel.getByRole("region", {name: "Loaded model"});
    await engine.getByRole("button", {name: "Unload"}).click();
    await engine.getByText("Idle", {exact: true}).waitFor();
    await page.getByRole("contentinfo", {name: "Status"}).getByText("No model loaded · retrieval only").waitFor();

    await openPanel(page, "Chat");
    await page.keyboard.press("Control+k");
    const banner = page.getByRole("status").filter({hasText: "Retrieval-only mode: no language model is loaded"});
    await banner.waitFor();
    await banner.getByRole("button", {name: "Open Models & GPU"}).waitFor();

    await ask(QUESTION);
    await waitForAnswerFinished();
    const answer = lastAnswer();
    await answer.getByText("Excerpts only").waitFor();
    await answer.getByText(/No language model is loaded/).waitFor();
    await answer.getByText("Here are the best-matching passages from the knowledge base:").waitFor();
    await screenshot(page, "12-chat-retrieval-only");
    const chip = answer.getByRole("group", {name: "Sources"}).getByRole("button", {name: `Source 1: ${RUNBOOK_TITLE}`});
    await chip.click();
    await page.getByRole("complementary", {name: "Source 1"}).locator("blockquote").getByText(/Quillfeather/).waitFor();
    await screenshot(page, "13-chat-retrieval-only-source");
  });

  it("raised no uncaught errors in the page", () => {
    expect(browser.problems).toEqual([]);
  });
});
