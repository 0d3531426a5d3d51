/**
 * Reading behind a citation in the browser UI, against one real headless server with the fixture
 * models: the cited section with the excerpt highlighted, the whole document opened at that excerpt
 * (desktop and phone width), and the retrieval controls around it — the starter articles left out
 * of answers from Knowledge, and the retrieval models in Models & GPU.
 */
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {DESKTOP, NARROW, SLOW, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, type E2eBrowser, screenshotOnFailure} from "../helpers/e2e-browser.js";

const TITLE = "Marrowbeck label printer prints blank labels";
/** A long runbook (several excerpts) about a made-up product, so retrieval can only find this one. */
const RUNBOOK = [
  `# ${TITLE}`,
  "",
  "The Marrowbeck LP-40 label printer at the shipping desk feeds labels but prints nothing on them. This runbook covers the thermal head, the media settings and the driver.",
  "",
  "## Symptoms",
  "",
  ...Array.from({length: 6}, (_, i) => `Observation ${i + 1}: the Marrowbeck printer advances a label, the status light stays green, and the label comes out blank although the job left the print queue without an error.`),
  "",
  "## Cause",
  "",
  ...Array.from({length: 6}, (_, i) => `Cause note ${i + 1}: direct-thermal labels loaded upside down, a media type set to thermal transfer without a ribbon, or a thermal head too cold after the weekend shutdown.`),
  "",
  "## Fix",
  "",
  "1. Open the Marrowbeck cover and turn the label roll so the glossy side faces the thermal head.",
  "2. In the Marrowbeck driver, set the media type to direct thermal and the darkness to 18.",
  "3. Run the calibration by holding the feed button until the light flashes twice.",
  "4. Print the Marrowbeck configuration label to confirm the head prints.",
  "",
  "## Escalation",
  "",
  ...Array.from({length: 6}, (_, i) => `Escalation note ${i + 1}: if the configuration label is still blank, the thermal head is worn; order part MB-TH40 and open a hardware ticket with the asset tag of the printer.`),
  "",
].join("\n");
const QUESTION = "Marrowbeck printer: which media type and darkness do I set in the driver, and how do I run the calibration?";

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;
/** The citation the tests read: one from inside the runbook (a section below its introduction). */
let source = "";

beforeAll(async () => {
  assertRendererBuilt();
  serve = await startServe();
  browser = await launchBrowser();
  // Start-up settles first: the model is loaded and the starter articles are imported.
  await serve.waitFor(/Model ready: .+/, 120_000);
  await until(async () => (await rpc<{defaultKnowledge: {imported: boolean}}>(serve, "app.info")).defaultKnowledge.imported);
  const job = await rpc<{id: string}>(serve, "knowledge.upload", {files: [{name: "marrowbeck-blank-labels.md", dataBase64: Buffer.from(RUNBOOK).toString("base64")}], collection: "Shipping desk"});
  await until(async () => (await rpc<{state: string}>(serve, "knowledge.job", {id: job.id})).state !== "running");
  expect((await rpc<{state: string}>(serve, "knowledge.job", {id: job.id})).state).toBe("done");
});

/** Polls outside a test (expect.poll only works inside one). */
async function until(check: () => Promise<boolean>, timeoutMs = SLOW): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the server to settle");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** Text with runs of whitespace as one space: the passage and the document join excerpts alike, not always to the character. */
const words = (text: string) => text.replace(/\s+/g, " ").trim();

/** True when the highlighted excerpt is (at least partly) visible inside its scrolling box. */
async function markInView(box: Locator): Promise<boolean> {
  return box.evaluate((element) => {
    const mark = element.querySelector("mark");
    if (!mark) return false;
    const outer = element.getBoundingClientRect();
    const inner = mark.getBoundingClientRect();
    return inner.bottom > outer.top && inner.top < outer.bottom && inner.height > 0;
  });
}

describe("reading behind a citation", () => {
  it("shows the cited section with the excerpt highlighted in the source preview", async () => {
    page = await openApp(browser, serve, {viewport: DESKTOP});
    await passFirstRun(page);
    const composer = page.getByRole("textbox", {name: "Message"});
    await composer.fill(QUESTION);
    await composer.press("Enter");
    const answer = page.getByRole("article", {name: "Answer"}).last();
    await answer.waitFor();
    await expect.poll(() => answer.getAttribute("aria-busy"), {timeout: SLOW}).toBeNull();

    // A chip with a section after the title cites an excerpt below the introduction, so the reader has to scroll to it.
    const chip = answer.getByRole("group", {name: "Sources"}).getByRole("button", {name: new RegExp(`^Source \\d+: ${TITLE} › `)}).first();
    source = (await chip.getAttribute("aria-label"))!.match(/^Source \d+/)![0];
    await chip.click();
    const preview = page.getByRole("complementary", {name: source});
    const passage = preview.getByRole("region", {name: "Cited passage"});
    await passage.waitFor();
    const mark = passage.locator("mark");
    expect(await mark.count()).toBe(1);
    expect((await mark.textContent())!.length).toBeGreaterThan(20);
    // The section is more than the excerpt: its neighbours come along.
    expect((await passage.textContent())!.length).toBeGreaterThan((await mark.textContent())!.length);
    expect(await markInView(passage)).toBe(true);
    await screenshot(page, "30-citation-passage");
  });

  it("opens the whole document at the cited excerpt, and Escape closes it", async () => {
    const preview = page.getByRole("complementary", {name: source});
    const cited = (await preview.getByRole("region", {name: "Cited passage"}).locator("mark").textContent())!;
    await preview.getByRole("button", {name: "Open whole document"}).click();
    const dialog = page.getByRole("dialog", {name: TITLE});
    const text = dialog.getByRole("region", {name: "Document text"});
    await text.waitFor();
    await dialog.getByText("marrowbeck-blank-labels.md · Shipping desk").waitFor();
    const whole = (await text.textContent())!;
    // Start to end, every section, and the same excerpt highlighted.
    for (const phrase of ["The Marrowbeck LP-40 label printer", "Observation 1:", "Print the Marrowbeck configuration label", "Escalation note 6:"]) expect(whole).toContain(phrase);
    expect(words((await text.locator("mark").textContent())!)).toBe(words(cited));
    // Opened at the excerpt, not at the top of the document.
    expect(await text.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
    expect(await markInView(text)).toBe(true);
    expect(await dialog.getByText(/very long/).count()).toBe(0);
    await screenshot(page, "31-citation-whole-document");

    await page.keyboard.press("Escape");
    await dialog.waitFor({state: "detached"});
    // Only the reader closed; the preview stays.
    await preview.getByRole("region", {name: "Cited passage"}).waitFor();
  });

  it("reads the whole document at phone width (390×800)", async () => {
    await page.setViewportSize(NARROW);
    try {
      const preview = page.getByRole("complementary", {name: source});
      await preview.getByRole("button", {name: "Open whole document"}).click();
      const dialog = page.getByRole("dialog", {name: TITLE});
      const text = dialog.getByRole("region", {name: "Document text"});
      await text.waitFor();
      const box = (await dialog.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(NARROW.width);
      expect(box.y + box.height).toBeLessThanOrEqual(NARROW.height);
      expect(await markInView(text)).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
      await screenshot(page, "32-citation-whole-document-narrow");
      await page.keyboard.press("Escape");
      await dialog.waitFor({state: "detached"});
      await screenshot(page, "33-citation-passage-narrow");
      await preview.getByRole("button", {name: "Close source preview"}).click();
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it("leaves the starter articles out of answers from the Knowledge panel", async () => {
    const panel = await openPanel(page, "Knowledge");
    const starter = panel.getByRole("region", {name: "Collections"}).getByRole("listitem", {name: "Starter articles"});
    await starter.getByText("Ships with Deskside").waitFor();
    await starter.getByRole("button", {name: "Remove starter articles"}).waitFor();
    const toggle = starter.getByRole("switch", {name: 'Use "Starter articles" in answers'});
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    await toggle.click();
    await starter.getByText("Excluded", {exact: true}).waitFor();
    await expect
      .poll(async () => (await rpc<{settings: {retrieval: {excludedCollections: string[]}}}>(serve, "settings.get")).settings.retrieval.excludedCollections)
      .toEqual(["Starter articles"]);
    await screenshot(page, "34-knowledge-collections");
    await page.setViewportSize(NARROW);
    try {
      await starter.scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
      const remove = (await starter.getByRole("button", {name: "Remove starter articles"}).boundingBox())!;
      expect(remove.x + remove.width).toBeLessThanOrEqual(NARROW.width);
      await screenshot(page, "34b-knowledge-collections-narrow");
    } finally {
      await page.setViewportSize(DESKTOP);
    }

    // The playground leaves them out too, and says where the time went.
    await panel.getByRole("tab", {name: "Search playground"}).click();
    await panel.getByRole("textbox", {name: "Search query"}).fill("reset a forgotten password");
    await panel.getByRole("button", {name: "Search", exact: true}).click();
    const results = panel.getByLabel("Search results");
    await results.getByText(/leaving out Starter articles, as answers do/).waitFor();
    const timings = results.getByLabel("Search timings");
    await timings.getByText("Embed", {exact: true}).waitFor();
    await timings.getByText("Retrieve", {exact: true}).waitFor();
    // No hit comes from the starter articles (a hit's detail line names its collection).
    expect(await results.locator(".hit-title .muted", {hasText: "Starter articles"}).count()).toBe(0);
    await screenshot(page, "35-knowledge-search-timings");
    await panel.getByRole("tab", {name: "Documents"}).click();
  });

  it("shows the retrieval models in Models & GPU", async () => {
    const panel = await openPanel(page, "Models & GPU");
    const card = panel.getByRole("region", {name: "Retrieval models"});
    await card.getByText("static-glove-wordpiece", {exact: true}).waitFor();
    await card.getByText(/dimensions/).waitFor();
    await card.getByRole("switch", {name: "Re-rank the best matches"}).waitFor();
    await card.getByText(/Word matching \d\.\d+ · Meaning \d\.\d+, measured on this knowledge base|Not measured yet/).waitFor();
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, "36-models-retrieval");
  });

  it("raised no uncaught errors in the page", () => {
    expect(browser.problems).toEqual([]);
  });
});
