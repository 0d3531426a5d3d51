/**
 * Named API tokens in Settings → HTTP API. Tokens are created and revoked only on the computer
 * running Deskside, which is the desktop app: Electron's binary cannot be downloaded here, so its
 * window is stood in for by Chromium with the preload's `window.deskside` (invoke and on) bridged to
 * the real core's dispatcher with the IPC transport, and events filtered for the window exactly as
 * electron/main.ts does. The built renderer, the real core and the real HTTP server; a browser tab
 * signed in with the main token then shows the same list, read-only.
 */
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LOCAL_CALLER} from "../../shared/api-tokens.js";
import type {RpcResponse} from "../../shared/contract.js";
import {eventVisibleTo} from "../../electron/core/event-audience.js";
import fs from "node:fs";
import {startApi, type RunningApi} from "../../electron/core/api/start-api.js";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {createFixtureCore} from "../helpers/api-server.js";
import {assertRendererBuilt, launchBrowser, openPanel, passFirstRun, screenshot, screenshotOnFailure, SLOW, type E2eBrowser} from "../helpers/e2e-browser.js";
import {REPO_ROOT} from "../helpers/fixtures.js";
import {closedPort} from "../helpers/openai-stand-in.js";
import {printedToken, runTokensCli} from "../helpers/tokens-cli.js";

/** The core and its HTTP API as the desktop app runs them (startApi, so the status bar shows the address). */
const h = {} as {core: DesksideCore; dataDir: string; api: RunningApi; url: string; token: string};
let browser: E2eBrowser;
let page: Page;

beforeAll(async () => {
  assertRendererBuilt();
  Object.assign(h, await createFixtureCore({api: {port: await closedPort()}}));
  h.api = await startApi(h.core.api, {rendererDir: path.join(REPO_ROOT, "dist")});
  h.url = h.api.url;
  h.token = h.core.settings.effective().api.token;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h.api?.close();
  await h.core?.close();
  if (h.dataDir) fs.rmSync(h.dataDir, {recursive: true, force: true});
});
screenshotOnFailure(() => page);

type Bridge = {__desksideInvoke(method: string, input: unknown): Promise<RpcResponse<unknown>>; __desksideEvent?(name: string, payload: unknown): void; deskside: unknown};

/** The desktop window: the renderer with the preload's API, answered by the core over "IPC". */
async function openDesktopWindow(): Promise<Page> {
  const window = await browser.context.newPage();
  await window.exposeBinding("__desksideInvoke", (_source, method: string, input: unknown) => h.core.rpc.respond(method, input, {transport: "ipc"}));
  await window.addInitScript(() => {
    const bridge = window as unknown as Bridge;
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    bridge.__desksideEvent = (name, payload) => listeners.get(name)?.forEach((listener) => listener(payload));
    bridge.deskside = {
      invoke: (method: string, input: unknown) => bridge.__desksideInvoke(method, input),
      on(event: string, listener: (payload: unknown) => void) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set.add(listener));
        return () => set.delete(listener);
      },
    };
  });
  const off = h.core.events.onAny((name, payload, audience) => {
    if (!eventVisibleTo(audience, LOCAL_CALLER) || window.isClosed()) return;
    void window.evaluate(([event, data]) => (globalThis as unknown as Bridge).__desksideEvent?.(event, data), [name, payload] as const).catch(() => undefined);
  });
  window.on("close", off);
  await window.goto(`${h.url}/`);
  await window.getByRole("heading", {name: "Welcome to Deskside"}).or(window.getByRole("navigation", {name: "Main"})).first().waitFor();
  return window;
}

function api(token: string, route: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${h.url}${route}`, {...init, headers: {authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers}});
}

describe("Settings → HTTP API → Named tokens", () => {
  it("creates a token in the desktop app, shows its value once, and revokes it; the server follows at once", async () => {
    page = await openDesktopWindow();
    await passFirstRun(page);
    const panel = await openPanel(page, "Settings");
    const tokens = panel.getByRole("group", {name: "Named tokens"});
    await tokens.getByText(/No named tokens yet/).waitFor();
    await tokens.scrollIntoViewIfNeeded();
    await screenshot(page, "80-api-tokens-empty");

    await tokens.getByRole("button", {name: "New token…"}).click();
    const form = page.getByRole("dialog", {name: "New API token"});
    await form.getByLabel("Name").fill("alice");
    await form.getByRole("radio", {name: /Ask/}).check();
    await form.getByLabel("Requests per minute").fill("120");
    await screenshot(page, "81-api-token-new");
    await form.getByRole("button", {name: "Create token"}).click();

    const shown = page.getByRole("dialog", {name: 'Token "alice" created'});
    const value = await shown.getByLabel("New token value").inputValue();
    expect(value).toMatch(/^dsk_[A-Za-z0-9_-]{43}$/);
    expect(await shown.getByRole("button", {name: "Copy token value"}).isVisible()).toBe(true);
    await screenshot(page, "82-api-token-created");
    await shown.getByRole("button", {name: "Done"}).click();
    expect(await page.content()).not.toContain(value);

    const table = tokens.getByRole("table", {name: "Named API tokens"});
    const row = table.getByRole("row").filter({hasText: "alice"});
    await row.waitFor();
    expect(await row.textContent()).toMatch(/alice.*Ask.*120/);

    // The new token works at once, within its scope.
    expect((await api(value, "/api/search", {method: "POST", body: JSON.stringify({query: "printer offline"})})).status).toBe(200);
    const forbidden = await api(value, "/api/documents");
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe("FORBIDDEN_SCOPE");

    // A token made with npm run tokens while the window is open appears in it.
    const cli = await runTokensCli(h.dataDir, "create", "--name", "ci-bot", "--scope", "admin");
    expect(cli.code, cli.stderr).toBe(0);
    const bot = printedToken(cli.stdout);
    await table.getByRole("row").filter({hasText: "ci-bot"}).waitFor({timeout: SLOW});
    expect((await api(bot, "/api/documents")).status).toBe(200);
    await screenshot(page, "83-api-tokens-list");

    await row.getByRole("button", {name: "Revoke alice"}).click();
    const confirm = page.getByRole("dialog", {name: 'Revoke "alice"?'});
    await screenshot(page, "84-api-token-revoke");
    await confirm.getByRole("button", {name: "Revoke token"}).click();
    await row.waitFor({state: "detached"});
    const refused = await api(value, "/api/search", {method: "POST", body: JSON.stringify({query: "printer offline"})});
    expect(refused.status).toBe(401);
    expect((await api(bot, "/api/documents")).status).toBe(200);
  });

  it("shows the same list in a browser tab, read-only: tokens are managed on the computer running Deskside", async () => {
    page = await browser.context.newPage();
    await page.goto(`${h.url}/#token=${encodeURIComponent(h.token)}`);
    await page.getByRole("navigation", {name: "Main"}).waitFor();
    const panel = await openPanel(page, "Settings");
    const tokens = panel.getByRole("group", {name: "Named tokens"});
    const table = tokens.getByRole("table", {name: "Named API tokens"});
    await table.getByRole("row").filter({hasText: "ci-bot"}).waitFor();
    expect(await table.getByRole("row").filter({hasText: "alice"}).count()).toBe(0);
    expect(await tokens.getByRole("button", {name: "New token…"}).isDisabled()).toBe(true);
    expect(await table.getByRole("button", {name: "Revoke ci-bot"}).isDisabled()).toBe(true);
    await tokens.getByText("Only on the computer running Deskside").waitFor();
    await tokens.scrollIntoViewIfNeeded();
    await screenshot(page, "85-api-tokens-browser");
    expect(browser.problems).toEqual([]);
  });
});
