/**
 * Two moments a technician is kept waiting, in the browser UI against a real server with one
 * generation slot: a question sent while another tool holds the model says where it is in line
 * until its turn comes, and an answer whose tab was closed goes on being written, so reopening the
 * conversation shows all of it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";
import {SLOW, assertRendererBuilt, launchBrowser, openApp, openPanel, passFirstRun, rpc, screenshot, type E2eBrowser, screenshotOnFailure, askInChat, lastAnswer as lastAnswerOf} from "../helpers/e2e-browser.js";

let serve: ServeProcess;
let browser: E2eBrowser;
let page: Page;

const lastAnswer = () => lastAnswerOf(page);

const ask = (question: string) => askInChat(page, question);

beforeAll(async () => {
  assertRendererBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-e2e-waiting-"));
  // One slot, long answers (the test model rarely ends one early), and answers from the model even
  // where the knowledge base has nothing, so every question reaches the queue.
  fs.writeFileSync(
    path.join(dataDir, "settings.json"),
    JSON.stringify({llm: {parallelSequences: 1, contextSize: 4096}, generation: {maxTokens: 3500}, retrieval: {answerMode: "general"}, ui: {firstRunDone: true}}),
  );
  serve = await startServe({dataDir});
  browser = await launchBrowser();
  await serve.waitFor(/Model ready: .+/, 120_000);
}, 180_000);

screenshotOnFailure(() => page);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe("waiting for the model", () => {
  it("shows a question's place in line while another client holds the only slot, then its answer", async () => {
    page = await openApp(browser, serve);
    await passFirstRun(page);
    await openPanel(page, "Chat");

    // Another tool on the machine takes the slot with a long streamed completion.
    const models = (await (await fetch(`${serve.url}/v1/models`, {headers: {authorization: `Bearer ${serve.token}`}})).json()) as {data: {id: string}[]};
    const holder = new AbortController();
    const held = await fetch(`${serve.url}/v1/chat/completions`, {
      method: "POST",
      headers: {authorization: `Bearer ${serve.token}`, "content-type": "application/json"},
      body: JSON.stringify({model: models.data[0].id, messages: [{role: "user", content: "Write a long story."}], max_tokens: 4000, temperature: 1, stream: true}),
      signal: holder.signal,
    });
    const reader = held.body!.getReader();
    await reader.read();

    await ask("The label printer in the warehouse prints blank labels, what now?");
    const answer = lastAnswer();
    await answer.getByText("Waiting for the model: 1st in line…").waitFor({timeout: SLOW});
    await screenshot(page, "70-chat-waiting-in-line");

    // The other tool lets go: the notice gives way to the answer.
    holder.abort();
    await reader.cancel().catch(() => undefined);
    await answer.locator(".answer").waitFor({timeout: SLOW});
    expect(await answer.getByText(/Waiting for the model/).count()).toBe(0);
    await page.keyboard.press("Escape");
    await expect.poll(() => answer.getAttribute("aria-busy"), {timeout: SLOW}).toBeNull();
  });
});

describe("an answer whose tab was closed", () => {
  it("is written to its end, and the reopened conversation shows all of it", async () => {
    await page.keyboard.press("Control+k");
    await page.getByRole("heading", {name: "What are you working on?"}).waitFor();
    await ask("Outlook keeps asking for the password after the migration, what now?");
    await lastAnswer().locator(".answer.streaming").waitFor({timeout: SLOW});
    const conversationId = (await rpc<{id: string; title: string}[]>(serve, "chat.list"))[0].id;
    const seenBeforeClosing = ((await lastAnswer().locator(".answer").textContent()) ?? "").length;
    await page.close();

    // Nobody is reading now; the answer goes on being written on the server.
    await expect
      .poll(async () => (await rpc<{messages: {role: string; status: string}[]}>(serve, "chat.get", {id: conversationId})).messages.at(-1)?.status, {timeout: 120_000})
      .toBe("complete");
    const stored = (await rpc<{messages: {role: string; content: string}[]}>(serve, "chat.get", {id: conversationId})).messages.at(-1)!;
    expect(stored.role).toBe("assistant");
    expect(stored.content.length).toBeGreaterThan(seenBeforeClosing);

    page = await openApp(browser, serve);
    await openPanel(page, "Chat");
    await page.getByRole("list", {name: "Conversations"}).getByRole("button", {name: /^Outlook keeps asking/}).click();
    const answer = lastAnswer();
    await answer.locator(".answer").waitFor();
    await expect.poll(() => answer.getAttribute("aria-busy"), {timeout: SLOW}).toBeNull();
    // The whole answer, not only what arrived after reopening. It is rendered as Markdown, and the
    // test model writes random text in which a backtick or an asterisk becomes markup (and leaves
    // the page's text), so the letters are compared, not the characters.
    const words = (text: string) => text.replace(/\s+/g, " ").trim();
    const letters = (text: string) => text.replace(/[^\p{L}]+/gu, "");
    const shown = words((await answer.locator(".answer").textContent()) ?? "");
    expect(shown.length).toBeGreaterThan(seenBeforeClosing);
    expect(letters(shown).slice(0, 30)).toBe(letters(stored.content).slice(0, 30));
    await screenshot(page, "71-chat-reopened-answer");
  });
});
