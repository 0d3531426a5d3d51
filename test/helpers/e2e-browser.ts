/**
 * Browser helpers for the end-to-end suite: Debian's Chromium driven by playwright-core against a
 * real `npm run serve` process (see serve-process.ts). Nothing in the product is mocked.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {beforeEach, expect} from "vitest";
import {chromium, type BrowserContext, type ConsoleMessage, type Locator, type Page} from "playwright-core";
import type {MethodName, RpcResponse} from "../../shared/contract.js";
import {REPO_ROOT} from "./fixtures.js";
import type {ServeProcess} from "./serve-process.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];
export const DESKTOP = {width: 1280, height: 800};
export const NARROW = {width: 390, height: 800};
export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-results", "screenshots");

/** Generous waits: the machine is small and shared, and start-up loads a model and imports the starter knowledge. */
export const SLOW = 60_000;

export interface E2eBrowser {
  context: BrowserContext;
  /** Uncaught page errors and console errors seen so far, across every page of the context. */
  problems: string[];
  close: () => Promise<void>;
}

/**
 * The server serves the renderer from dist/; without a build the pages would be empty. A build older
 * than the renderer's sources still runs, with a warning, since the tests would then check old UI.
 */
export function assertRendererBuilt(): void {
  const index = path.join(REPO_ROOT, "dist", "index.html");
  if (!fs.existsSync(index)) throw new Error("dist/index.html is missing: build the renderer first (npx vite build).");
  const built = fs.statSync(index).mtimeMs;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, {withFileTypes: true}).reduce((latest, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  if (newest(path.join(REPO_ROOT, "renderer", "src")) > built) console.warn("dist/ is older than renderer/src: these tests run the last build (npx vite build to refresh).");
}

/** Chromium with a fresh profile (so no token or setting leaks in from an earlier run). */
export async function launchBrowser(): Promise<E2eBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
    acceptDownloads: true,
    locale: "en-US",
    timezoneId: "UTC",
  });
  context.setDefaultTimeout(SLOW);
  context.setDefaultNavigationTimeout(SLOW);
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("console", (message: ConsoleMessage) => {
      // The event stream reconnecting while a server restarts is expected, not a page bug.
      if (message.type() === "error" && !/\/events\?|ERR_CONNECTION_REFUSED|net::ERR_/.test(message.text() + (message.location().url ?? ""))) problems.push(`console: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return {
    context,
    problems,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, {recursive: true, force: true});
    },
  };
}

/**
 * The address a technician opens: the one the server printed at start, with the token it was
 * started with in the fragment (the server prints the token itself only with --print-token).
 */
export async function appAddress(serve: ServeProcess): Promise<string> {
  await serve.waitFor(/Open the app: (\S+)/);
  return `${serve.url}/#token=${encodeURIComponent(serve.token)}`;
}

/** Opens the printed address in a new page (or the given one) and waits for the app to render past its spinner. */
export async function openApp(browser: E2eBrowser, serve: ServeProcess, options: {page?: Page; viewport?: {width: number; height: number}} = {}): Promise<Page> {
  const page = options.page ?? (await browser.context.newPage());
  if (options.viewport) await page.setViewportSize(options.viewport);
  await page.goto(await appAddress(serve));
  // Either the first-run screen or the app shell; never the sign-in form, since the token came in the address.
  await page.getByRole("heading", {name: "Welcome to Deskside"}).or(page.getByRole("navigation", {name: "Main"})).first().waitFor();
  return page;
}

/** Clicks "Get started" on the first-run screen if it is showing, and waits for the shell. */
export async function passFirstRun(page: Page): Promise<void> {
  const start = page.getByRole("button", {name: "Get started"});
  if (await start.isVisible()) await start.click();
  await page.getByRole("navigation", {name: "Main"}).waitFor();
}

export async function openPanel(page: Page, name: "Chat" | "Knowledge" | "Models & GPU" | "Settings"): Promise<Locator> {
  await page.getByRole("navigation", {name: "Main"}).getByRole("button", {name, exact: true}).click();
  const panel = page.getByRole("region", {name, exact: true});
  await panel.waitFor();
  return panel;
}

export interface DroppedFile {
  name: string;
  content: string;
  type?: string;
}

/**
 * Drops files onto an element the way a file manager does: a DataTransfer built in the page with
 * real File objects, then dragenter, dragover and drop on the target.
 */
export async function dropFiles(target: Locator, files: DroppedFile[]): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) transfer.items.add(new File([file.content], file.name, {type: file.type ?? "", lastModified: Date.now()}));
    return transfer;
  }, files);
  await target.dispatchEvent("dragenter", {dataTransfer});
  await target.dispatchEvent("dragover", {dataTransfer});
  await target.dispatchEvent("drop", {dataTransfer});
  await dataTransfer.dispose();
}

/** A full-page PNG under test-results/screenshots/ (git-ignored), for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, {recursive: true});
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Let transitions and fonts settle so the picture shows the state, not a frame of an animation.
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))));
  await page.screenshot({path: file, fullPage: true, animations: "disabled", caret: "hide"});
  return file;
}

/** Calls the browser-mode RPC endpoint directly, as another tool on the machine would. */
export async function rpc<T = unknown>(serve: ServeProcess, method: MethodName, input: unknown = {}): Promise<T> {
  const response = await fetch(`${serve.url}/rpc/${method}`, {
    method: "POST",
    headers: {authorization: `Bearer ${serve.token}`, "content-type": "application/json"},
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as RpcResponse<T>;
  if (!body.ok) throw new Error(`${method} failed: ${body.error.code} ${body.error.message}`);
  return body.result;
}

/**
 * Records the text length of the last element matching the selector every time the page changes,
 * from inside the page, so a test can tell a streamed answer (many growing lengths) from one that
 * appeared at once. The returned function stops recording and gives the lengths seen.
 */
export async function recordTextGrowth(page: Page, selector: string): Promise<() => Promise<number[]>> {
  const key = `__growth_${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({selector, key}) => {
      const lengths: number[] = [];
      const sample = () => {
        const nodes = document.querySelectorAll(selector);
        const length = nodes[nodes.length - 1]?.textContent?.length ?? 0;
        if (length > 0 && lengths[lengths.length - 1] !== length) lengths.push(length);
      };
      const observer = new MutationObserver(sample);
      observer.observe(document.body, {subtree: true, childList: true, characterData: true});
      (window as unknown as Record<string, unknown>)[key] = {lengths, observer};
    },
    {selector, key},
  );
  return () =>
    page.evaluate((key) => {
      const record = (window as unknown as Record<string, {lengths: number[]; observer: MutationObserver} | undefined>)[key];
      record?.observer.disconnect();
      return [...(record?.lengths ?? [])];
    }, key);
}

/**
 * A picture of the page when a test fails, next to the others. Call at a suite's top level with a
 * getter for its current page (suites replace their page as they go).
 */
export function screenshotOnFailure(currentPage: () => Page | undefined): void {
  beforeEach(({task, onTestFailed}) => {
    onTestFailed(async () => {
      const page = currentPage();
      if (page && !page.isClosed()) await screenshot(page, `failed-${task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`).catch(() => undefined);
    });
  });
}

/** The newest answer in the open conversation. */
export function lastAnswer(page: Page): Locator {
  return page.getByRole("article", {name: "Answer"}).last();
}

/** Types a question into the composer, sends it, and waits until the conversation shows it. */
export async function askInChat(page: Page, question: string): Promise<void> {
  const composer = page.getByRole("textbox", {name: "Message"});
  await composer.fill(question);
  await composer.press("Enter");
  await expect.poll(() => page.getByRole("article", {name: "Question"}).last().textContent(), {timeout: SLOW}).toContain(question);
}
