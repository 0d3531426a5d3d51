/**
 * Settings changed in the browser UI survive stopping the server and starting it again on the same
 * data folder. Each start issues a new API token, so the page is opened at the newly printed address.
 */
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {DESKTOP, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, type E2eBrowser} from "../helpers/e2e-browser.js";

interface SettingsView {
  settings: {retrieval: {topK: number}; generation: {temperature: number}; ui: {theme: string}};
}

const servers: ServeProcess[] = [];
let browser: E2eBrowser;
let page: Page;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const serve of servers) await serve.stop();
});

/** A labelled settings field inside one section card of the Settings panel. */
function field(panel: ReturnType<Page["getByRole"]>, section: string, label: string) {
  return panel.getByRole("region", {name: section, exact: true}).getByLabel(label, {exact: true});
}

describe("settings across a server restart", () => {
  it("keeps passages per answer, temperature and theme after the server restarts on the same data folder", async () => {
    const first = await startServe();
    servers.push(first);
    // Let start-up (model load, starter import) finish so the restart begins from a settled folder.
    await first.waitFor(/Model ready: .+/, 120_000);
    page = await openApp(browser, first, {viewport: DESKTOP});
    await passFirstRun(page);

    let panel = await openPanel(page, "Settings");
    const passages = field(panel, "Retrieval", "Passages per answer");
    expect(await passages.inputValue()).toBe("5");
    await passages.fill("7");
    await passages.press("Tab");
    const temperature = field(panel, "Generation", "Temperature");
    await temperature.fill("0.55");
    await temperature.press("Tab");
    await panel.getByRole("radiogroup", {name: "Theme"}).getByRole("radio", {name: "Dark"}).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await expect
      .poll(async () => {
        const {settings} = await rpc<SettingsView>(first, "settings.get");
        return [settings.retrieval.topK, settings.generation.temperature, settings.ui.theme];
      })
      .toEqual([7, 0.55, "dark"]);

    // The server goes away under the open page: it says so instead of failing silently.
    expect((await first.stop()).code).toBe(0);
    await page.getByRole("contentinfo", {name: "Status"}).getByRole("status").getByText(/Live updates paused/).waitFor();
    await screenshot(page, "20-settings-server-stopped");

    const second = await startServe({dataDir: first.dataDir});
    servers.push(second);
    expect(second.token).not.toBe(first.token);
    page = await openApp(browser, second, {page});
    // Not a first run any more: straight into the app.
    await page.getByRole("navigation", {name: "Main"}).waitFor();
    expect(await page.getByRole("heading", {name: "Welcome to Deskside"}).count()).toBe(0);
    await page.getByRole("contentinfo", {name: "Status"}).getByText(`API ${second.url}`).waitFor();

    panel = await openPanel(page, "Settings");
    await expect.poll(() => field(panel, "Retrieval", "Passages per answer").inputValue()).toBe("7");
    expect(await field(panel, "Generation", "Temperature").inputValue()).toBe("0.55");
    expect(await panel.getByRole("radiogroup", {name: "Theme"}).getByRole("radio", {name: "Dark"}).getAttribute("aria-checked")).toBe("true");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await screenshot(page, "21-settings-after-restart-dark");

    // A quick look at the other panels in the dark theme.
    await openPanel(page, "Chat");
    await screenshot(page, "22-chat-dark");
    await openPanel(page, "Knowledge");
    await page.getByRole("table", {name: "Documents"}).getByRole("row").nth(1).waitFor();
    await screenshot(page, "23-knowledge-dark");
    await openPanel(page, "Models & GPU");
    await page.getByRole("table", {name: "Models"}).waitFor();
    await screenshot(page, "24-models-dark");
  });

  it("raised no uncaught errors in the page", () => {
    expect(browser.problems).toEqual([]);
  });
});
