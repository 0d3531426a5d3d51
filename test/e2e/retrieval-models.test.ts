/**
 * Choosing the models behind retrieval from the browser UI: Models & GPU lists every embedding model
 * and re-ranker in the models folder, a switch of embedding model re-indexes with progress and a
 * clear end, and the choice of re-ranker goes into the settings. Real server, real models (the
 * static test embedder and tiny GGUF embedding and re-ranking models).
 */
import {cpSync, mkdtempSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "../helpers/fixtures.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {SLOW, NARROW, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, type E2eBrowser, screenshotOnFailure} from "../helpers/e2e-browser.js";
import {writeTinyBertGguf} from "../helpers/tiny-bert-gguf.js";

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;

beforeAll(async () => {
  assertRendererBuilt();
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), "deskside-e2e-models-"));
  cpSync(FIXTURE_GGUF, path.join(modelsDir, path.basename(FIXTURE_GGUF)));
  cpSync(FIXTURE_EMBEDDER_DIR, path.join(modelsDir, "static-glove-wordpiece"), {recursive: true});
  writeTinyBertGguf(path.join(modelsDir, "tiny-bert-embed.gguf"), "embedder");
  writeTinyBertGguf(path.join(modelsDir, "tiny-bert-reranker.gguf"), "reranker");
  serve = await startServe({env: {DESKSIDE_MODELS_DIR: modelsDir}});
  browser = await launchBrowser();
  await serve.waitFor(/Model ready: .+|No chat model loaded/, 120_000);
}, 180_000);

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe("Models & GPU: retrieval models", () => {
  it("switches the embedding model: confirm, progress, a clear end, and search uses the new vectors", async () => {
    page = await openApp(browser, serve);
    await passFirstRun(page);
    const panel = await openPanel(page, "Models & GPU");
    const card = panel.getByRole("region", {name: "Retrieval models"});
    const embedding = card.getByRole("combobox", {name: "Embedding model"});
    await expect.poll(() => embedding.inputValue(), {timeout: SLOW}).toBe("static-glove-wordpiece");
    expect(await embedding.locator("option").allTextContents()).toEqual(["static-glove-wordpiece (transformers.js)", "tiny-bert-embed.gguf (GGUF)"]);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, "60-retrieval-models");

    await embedding.selectOption("tiny-bert-embed.gguf");
    const dialog = page.getByRole("dialog", {name: "Switch to tiny-bert-embed.gguf?"});
    await dialog.getByRole("button", {name: "Re-index with it"}).click();
    await card.getByText("Re-index finished").waitFor({timeout: SLOW});
    expect(await card.getByText(/passages now use tiny-bert-embed\.gguf/).count()).toBe(1);
    await expect.poll(() => embedding.inputValue()).toBe("tiny-bert-embed.gguf");
    const stats = await rpc<{embeddingModel: string}>(serve, "knowledge.stats");
    expect(stats.embeddingModel).toBe("tiny-bert-embed.gguf");
    const result = await rpc<{effectiveMode: string}>(serve, "knowledge.search", {query: "printer offline", mode: "vector"});
    expect(result.effectiveMode).toBe("vector");
    // Remembered for the next start (the environment may still pin another one).
    const view = await rpc<{settings: {knowledge: {embeddingModel: string | null}}; overridden: string[]}>(serve, "settings.get");
    expect(view.overridden).toContain("knowledge.embeddingModel");
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, "61-retrieval-models-reindexed");
  });

  it("chooses the re-ranker through the settings, on a narrow window too", async () => {
    await page.setViewportSize(NARROW);
    const panel = await openPanel(page, "Models & GPU");
    const card = panel.getByRole("region", {name: "Retrieval models"});
    const reranker = card.getByRole("combobox", {name: "Re-ranking model"});
    await reranker.selectOption("tiny-bert-reranker.gguf");
    await expect
      .poll(async () => (await rpc<{settings: {knowledge: {rerankerModel: string | null}}}>(serve, "settings.get")).settings.knowledge.rerankerModel)
      .toBe("tiny-bert-reranker.gguf");
    const stats = await rpc<{reranker: {id: string} | null}>(serve, "knowledge.stats");
    expect(stats.reranker?.id).toBe("tiny-bert-reranker.gguf");
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, "62-retrieval-models-narrow");
    // The same card in the dark theme.
    await page.emulateMedia({colorScheme: "dark"});
    await screenshot(page, "63-retrieval-models-narrow-dark");
  });
});
