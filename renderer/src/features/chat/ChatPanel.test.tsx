import {act, screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {Conversation} from "../../../../shared/chat.js";
import type {ChatSendResult} from "../../../../shared/contract.js";
import {citation, conversation, emptyStatus, loadedStatus, message, model, summary} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {fail, type FakeHandlers} from "../../test/fake-transport.js";
import {ChatPanel} from "./ChatPanel.js";

const question = message({id: "q1", role: "user", content: "VPN fails with error 809"});

function sendResult(assistantMessageId = "a1"): ChatSendResult {
  return {conversationId: "c1", userMessage: question, assistantMessageId};
}

function chatHandlers(extra: FakeHandlers = {}): FakeHandlers {
  return {
    "models.status": () => loadedStatus(),
    "chat.send": () => sendResult(),
    "chat.get": () => conversation([question, message({id: "a1", status: "streaming"})]),
    "chat.list": () => [summary()],
    ...extra,
  };
}

function renderChat(extra: FakeHandlers = {}) {
  return renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={() => undefined} />, chatHandlers(extra));
}

async function ask(text = "VPN fails with error 809") {
  const user = userEvent.setup();
  await user.type(screen.getByRole("textbox", {name: "Message"}), text);
  await user.keyboard("{Enter}");
  return user;
}

describe("ChatPanel", () => {
  it("streams tokens into the answer and replaces it with the stored message", async () => {
    const {transport} = renderChat();
    await ask();
    expect(transport.callsOf("chat.send")).toEqual([{conversationId: undefined, message: "VPN fails with error 809"}]);
    await screen.findByText("VPN fails with error 809", {selector: ".user-bubble"});

    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: "Check the ", offset: 0});
    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: "firewall first", offset: 10});
    expect(await screen.findByText("Check the firewall first")).toBeTruthy();
    expect(screen.getByRole("button", {name: /Stop generating/})).toBeTruthy();

    transport.emit(
      "chat.message",
      message({
        id: "a1",
        content: "Allow UDP 500 and 4500 [1].",
        mode: "grounded",
        sources: [citation(1)],
        metrics: {redactionMs: 1, retrievalMs: 12, usage: {promptTokens: 300, completionTokens: 42, totalTokens: 342}, timings: {queueMs: 0, timeToFirstTokenMs: 182, totalMs: 1200, tokensPerSecond: 41.5}},
      }),
    );
    const answer = await screen.findByRole("article", {name: "Answer"});
    await waitFor(() => expect(answer.textContent).toContain("Allow UDP 500 and 4500"));
    expect(within(answer).getByText("Grounded")).toBeTruthy();
    expect(within(answer).getByText("182 ms")).toBeTruthy();
    expect(within(answer).getByText("41.5 tok/s")).toBeTruthy();
    expect(screen.queryByRole("button", {name: /Stop generating/})).toBeNull();
  });

  it("says where a waiting answer stands in line until its first words arrive", async () => {
    const {transport} = renderChat();
    await ask();
    await screen.findByText("VPN fails with error 809", {selector: ".user-bubble"});
    transport.emit("chat.message", message({id: "a1", content: "", status: "streaming", mode: null, sources: []}));
    expect(await screen.findByText("Searching the knowledge base…")).toBeTruthy();
    transport.emit("chat.queued", {conversationId: "c1", messageId: "a1", position: 2});
    expect(await screen.findByText("Waiting for the model: 2nd in line…")).toBeTruthy();
    transport.emit("chat.queued", {conversationId: "c1", messageId: "a1", position: 1});
    expect(await screen.findByText("Waiting for the model: 1st in line…")).toBeTruthy();
    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: "Check the firewall", offset: 0});
    expect(await screen.findByText("Check the firewall")).toBeTruthy();
    expect(screen.queryByText(/in line…/)).toBeNull();
  });

  it("does not badge a streamed answer that cites no source as grounded", async () => {
    const {transport} = renderChat();
    await ask();
    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: "Restart the laptop and try again.", offset: 0});
    expect(await screen.findByText("Restart the laptop and try again.")).toBeTruthy();
    // Sources were retrieved and shown, but the text uses none of them (and [7] is not one of them).
    transport.emit("chat.message", message({id: "a1", content: "Restart the laptop and try again [7].", mode: "grounded", sources: [citation(1)]}));
    const answer = await screen.findByRole("article", {name: "Answer"});
    expect(await within(answer).findByText("Not grounded — no sources cited")).toBeTruthy();
    expect(within(answer).queryByText("Grounded")).toBeNull();

    transport.emit("chat.message", message({id: "a1", content: "Restart the laptop [1].", mode: "grounded", sources: [citation(1)]}));
    expect(await within(answer).findByText("Grounded")).toBeTruthy();
    expect(within(answer).queryByText("Not grounded — no sources cited")).toBeNull();
  });

  it("shows the core's uncited mode as not grounded", async () => {
    const answer = message({id: "a1", content: "Restart the laptop.", mode: "uncited", sources: [citation(1)]});
    renderChat({"chat.get": () => conversation([question, answer])});
    await userEvent.setup().click(await screen.findByRole("button", {name: /^VPN error 809/}));
    const article = await screen.findByRole("article", {name: "Answer"});
    expect(within(article).getByText("Not grounded — no sources cited").closest(".badge")?.getAttribute("title")).toMatch(/cites none of them/);
  });

  it("shows what the model is told of earlier messages once they were summarised", async () => {
    const answer = message({id: "a1", content: "It was the Kyocera in room 214."});
    const earlier = {text: "The printer in room 214 is a Kyocera FS-4200 showing C6000.", covers: 60, by: "model" as const, createdAt: "2026-12-02T10:00:00.000Z"};
    renderChat({"chat.get": () => ({...conversation([question, answer]), earlier})});
    await userEvent.setup().click(await screen.findByRole("button", {name: /^VPN error 809/}));
    const details = (await screen.findByText("Earlier in this conversation")).closest("details")!;
    expect(within(details).getByText(/the first 60 messages, summarised by the model/)).toBeTruthy();
    expect(within(details).getByText(earlier.text)).toBeTruthy();
  });

  it("lists a conversation started from the composer", async () => {
    let sent = false;
    renderChat({
      "chat.list": () => (sent ? [summary()] : []),
      "chat.send": () => ((sent = true), sendResult()),
    });
    await screen.findByText(/No conversations yet/);
    await ask();
    const item = await screen.findByRole("button", {name: /^VPN error 809/});
    expect(item.getAttribute("aria-current")).toBe("true");
  });

  it("keeps tokens that arrive before chat.send replies", async () => {
    let reply: (value: ChatSendResult) => void = () => undefined;
    const {transport} = renderChat({"chat.send": () => new Promise<ChatSendResult>((resolve) => (reply = resolve))});
    await ask();
    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: "Early words", offset: 0});
    reply(sendResult());
    expect(await screen.findByText("Early words")).toBeTruthy();
  });

  it("reopening a conversation whose answer is still being written shows all of it, then the rest as it comes", async () => {
    // Another tab (or this one, before a reload) started the answer; the snapshot holds it so far.
    const partial = message({id: "a1", status: "streaming", content: "Allow UDP 500 an", mode: null, sources: []});
    const {transport} = renderChat({"chat.list": () => [summary()], "chat.get": () => conversation([question, partial])});
    // A token from further on arrives before the conversation is open: it waits for its beginning.
    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: " 4500", offset: 17});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    const answer = await screen.findByRole("article", {name: "Answer"});
    await waitFor(() => expect(answer.textContent).toContain("Allow UDP 500 an"));
    // The token the snapshot was taken in the middle of: its first part is not shown twice.
    transport.emit("chat.token", {conversationId: "c1", messageId: "a1", text: " and", offset: 13});
    await waitFor(() => expect(answer.textContent).toContain("Allow UDP 500 and 4500"));
    expect(answer.textContent).not.toContain("anand");
  });

  it("opens a source preview from a citation chip and from an inline [n]", async () => {
    const answer = message({id: "a1", content: "Allow UDP 500 [1] and check DNS [2].", mode: "grounded", sources: [citation(1), citation(2, {page: 4, title: "Network runbook"})]});
    renderChat({"chat.list": () => [summary()], "chat.get": () => conversation([question, answer])});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));

    await user.click(await screen.findByRole("button", {name: "Source 2: Network runbook › Fix"}));
    const preview = screen.getByRole("complementary", {name: "Source 2"});
    expect(within(preview).getByText("Network runbook")).toBeTruthy();
    expect(within(preview).getByText("Page 4")).toBeTruthy();
    expect(within(preview).getByText(/did not answer on UDP 500/)).toBeTruthy();
    expect(within(preview).getByText("0.820")).toBeTruthy();
    expect(within(preview).queryByRole("button", {name: "Open file"})).toBeNull();

    await user.click(screen.getByRole("button", {name: "Source 1"}));
    expect(screen.getByRole("complementary", {name: "Source 1"})).toBeTruthy();
    await user.click(screen.getByRole("button", {name: "Close source preview"}));
    expect(screen.queryByRole("complementary", {name: /Source/})).toBeNull();
  });

  it("shows Open file in the desktop app when the preload can open paths", async () => {
    const opened: string[] = [];
    const answer = message({id: "a1", content: "See [1].", sources: [citation(1)]});
    renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={() => undefined} />, chatHandlers({"chat.get": () => conversation([question, answer])}), {
      desktop: {openPath: async (path) => void opened.push(path)},
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    await user.click(await screen.findByRole("button", {name: "Source 1: VPN error 809 › Fix"}));
    await user.click(screen.getByRole("button", {name: "Open file"}));
    expect(opened).toEqual(["/kb/vpn-1.md"]);
  });

  it("stops with the button and with Escape", async () => {
    const {transport} = renderChat({"chat.stop": () => ({ok: true})});
    const user = await ask();
    await screen.findByRole("button", {name: /Stop generating/});
    await user.click(screen.getByRole("button", {name: /Stop generating/}));
    expect(transport.callsOf("chat.stop")).toEqual([{conversationId: "c1"}]);
    await user.keyboard("{Escape}");
    expect(transport.callsOf("chat.stop")).toHaveLength(2);
  });

  it("regenerates the last answer and edits the last question", async () => {
    const first = message({id: "a1", content: "First answer", mode: "grounded"});
    const {transport} = renderChat({
      "chat.get": () => conversation([question, first]),
      "chat.regenerate": () => sendResult("a2"),
      "chat.editLast": ({message: text}) => ({conversationId: "c1", userMessage: message({id: "q2", role: "user", content: text}), assistantMessageId: "a3"}),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    await screen.findByText("First answer");

    await user.click(screen.getByRole("button", {name: "Regenerate answer"}));
    expect(transport.callsOf("chat.regenerate")).toEqual([{conversationId: "c1"}]);
    await waitFor(() => expect(screen.queryByText("First answer")).toBeNull());
    transport.emit("chat.message", message({id: "a2", content: "Second answer"}));
    await screen.findByText("Second answer");

    await user.click(screen.getByRole("button", {name: "Edit question"}));
    const editor = screen.getByRole("textbox", {name: "Edited question"});
    await user.clear(editor);
    await user.type(editor, "VPN error 812 instead{Enter}");
    expect(transport.callsOf("chat.editLast")).toEqual([{conversationId: "c1", message: "VPN error 812 instead"}]);
    await screen.findByText("VPN error 812 instead");
  });

  it("Enter sends, Shift+Enter adds a line", async () => {
    const {transport} = renderChat();
    const user = userEvent.setup();
    const box = screen.getByRole("textbox", {name: "Message"});
    await user.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect((box as HTMLTextAreaElement).value).toBe("line one\nline two");
    expect(transport.callsOf("chat.send")).toHaveLength(0);
    await user.keyboard("{Enter}");
    expect(transport.callsOf("chat.send")).toEqual([{conversationId: undefined, message: "line one\nline two"}]);
  });

  it("keeps the text and shows the message when sending fails", async () => {
    renderChat({"chat.send": () => fail("MODEL_LOADING", "The model is still loading; try again in a moment.")});
    await ask("Printer offline");
    expect(await screen.findByText("The model is still loading; try again in a moment.")).toBeTruthy();
    expect((screen.getByRole("textbox", {name: "Message"}) as HTMLTextAreaElement).value).toBe("Printer offline");
  });

  it("labels general answers, redactions and errors", async () => {
    const general = message({
      id: "a1",
      content: "Generally, restart the spooler.",
      mode: "general",
      redactions: [{kind: "password", preview: "Hun…"}],
    });
    renderChat({"chat.get": () => conversation([question, general])});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    expect(await screen.findByText(/not from the knowledge base/)).toBeTruthy();
    expect(screen.getByRole("note").textContent).toContain("password");
    expect(screen.getByRole("note").textContent).toContain("Hun…");
  });

  it("explains retrieval-only mode and links to Models", async () => {
    const panels: string[] = [];
    renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={(panel) => panels.push(panel)} />, {"models.status": () => emptyStatus()});
    expect(await screen.findByText(/Retrieval-only mode/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole("button", {name: /Open Models & GPU/}));
    expect(panels).toEqual(["models"]);
  });

  it("sends thumbs feedback with an optional comment", async () => {
    const answer = message({id: "a1", content: "Answer", mode: "grounded"});
    const {transport} = renderChat({
      "chat.get": () => conversation([question, answer]),
      "chat.feedback": ({rating, comment}) => ({...answer, feedback: rating ? {rating, comment: comment ?? null} : null}),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    await user.click(await screen.findByRole("button", {name: "Bad answer"}));
    expect(screen.getByRole("button", {name: "Bad answer"}).getAttribute("aria-pressed")).toBe("true");
    await user.type(screen.getByRole("textbox", {name: /Feedback comment/}), "Wrong port{Enter}");
    expect(transport.callsOf("chat.feedback")).toEqual([
      {messageId: "a1", rating: "down"},
      {messageId: "a1", rating: "down", comment: "Wrong port"},
    ]);
  });

  it("drafts an editable ticket and copies it as JSON", async () => {
    const answer = message({id: "a1", content: "Answer", mode: "grounded"});
    renderChat({
      "chat.get": () => conversation([question, answer]),
      "chat.draftTicket": () => ({title: "VPN 809", category: "network", priority: "medium", affectedSystem: "Laptop", symptoms: ["Error 809"], stepsTried: ["Rebooted"], resolution: ""}),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    await screen.findByText("Answer");
    await user.click(screen.getByRole("button", {name: "Draft ticket"}));
    const dialog = await screen.findByRole("dialog", {name: "Draft ticket"});
    const title = await within(dialog).findByRole("textbox", {name: "Title"});
    await user.clear(title);
    await user.type(title, "VPN error 809 at home");
    await user.click(within(dialog).getByRole("button", {name: "Copy as JSON"}));
    const copied = JSON.parse(await navigator.clipboard.readText());
    expect(copied).toMatchObject({title: "VPN error 809 at home", category: "network", symptoms: ["Error 809"]});
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("filters, renames and deletes conversations", async () => {
    const {transport} = renderChat({
      "chat.list": (input) => (input?.query ? [] : [summary()]),
      "chat.rename": ({id, title}) => summary({id, title}),
      "chat.delete": () => ({ok: true}),
    });
    const user = userEvent.setup();
    await screen.findByRole("button", {name: /^VPN error 809/});
    await user.click(screen.getByRole("button", {name: 'Rename "VPN error 809"'}));
    const input = screen.getByRole("textbox", {name: "Conversation title"});
    await user.clear(input);
    await user.type(input, "Home VPN{Enter}");
    expect(transport.callsOf("chat.rename")).toEqual([{id: "c1", title: "Home VPN"}]);
    await screen.findByRole("button", {name: /^Home VPN/});

    await user.click(screen.getByRole("button", {name: 'Delete "Home VPN"'}));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", {name: "Delete"}));
    expect(transport.callsOf("chat.delete")).toEqual([{id: "c1"}]);

    await user.type(screen.getByRole("searchbox", {name: "Search conversations"}), "printer");
    await waitFor(() => expect(transport.callsOf("chat.list").some((input) => input?.query === "printer")).toBe(true));
  });

  it("never lets a conversation fetched before the answer was stored roll the answer back", async () => {
    let deliver: (value: Conversation) => void = () => undefined;
    const {transport} = renderChat({"chat.get": () => new Promise<Conversation>((resolve) => (deliver = resolve))});
    await ask();
    await waitFor(() => expect(transport.callsOf("chat.get")).toHaveLength(1));
    transport.emit("chat.message", message({id: "a1", content: "Best-matching passages", mode: "retrieval-only"}));
    expect(await screen.findByText("Best-matching passages")).toBeTruthy();

    // The snapshot was taken before the core had written the answer.
    await act(async () => deliver(conversation([question])));
    expect(screen.getByText("Best-matching passages")).toBeTruthy();
    expect(screen.getAllByRole("article", {name: "Answer"})).toHaveLength(1);
  });

  it("keeps an answer that was complete before chat.send replied when the follow-up fetch lacks it", async () => {
    let reply: (value: ChatSendResult) => void = () => undefined;
    const {transport} = renderChat({
      "chat.send": () => new Promise<ChatSendResult>((resolve) => (reply = resolve)),
      "chat.get": () => conversation([question, message({id: "a1", status: "streaming"})]),
    });
    await ask();
    transport.emit("chat.message", message({id: "a1", content: "Instant passages", mode: "retrieval-only"}));
    await act(async () => reply(sendResult()));
    await waitFor(() => expect(transport.callsOf("chat.get")).toHaveLength(1));
    await act(async () => undefined);
    expect(screen.getByText("Instant passages")).toBeTruthy();
    expect(screen.queryByRole("button", {name: /Stop generating/})).toBeNull();
  });

  it("labels chips of one document by section or page", async () => {
    const answer = message({
      id: "a1",
      content: "See [1], [2] and [3].",
      sources: [
        citation(1, {title: "VPN Error 809", headingPath: ["VPN Error 809"]}),
        citation(2, {title: "VPN Error 809", headingPath: ["VPN Error 809", "Steps"]}),
        citation(3, {title: "Printer manual", headingPath: [], page: 4}),
      ],
    });
    renderChat({"chat.get": () => conversation([question, answer])});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    const sources = await screen.findByRole("group", {name: "Sources"});
    expect(within(sources).getAllByRole("button").map((chip) => chip.getAttribute("aria-label"))).toEqual([
      "Source 1: VPN Error 809",
      "Source 2: VPN Error 809 › Steps",
      "Source 3: Printer manual › p. 4",
    ]);
    expect(within(sources).getByText("› Steps")).toBeTruthy();
  });

  it("closes the source preview with Escape without stopping anything", async () => {
    const answer = message({id: "a1", content: "See [1].", sources: [citation(1)]});
    const {transport} = renderChat({"chat.get": () => conversation([question, answer]), "chat.stop": () => ({ok: true})});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /^VPN error 809/}));
    await user.click(await screen.findByRole("button", {name: "Source 1: VPN error 809 › Fix"}));
    expect(screen.getByRole("complementary", {name: "Source 1"})).toBeTruthy();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("complementary", {name: "Source 1"})).toBeNull();
    expect(transport.callsOf("chat.stop")).toHaveLength(0);
  });

  it("gives the conversation drawer its own close button and closes it with Escape", async () => {
    renderChat();
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", {name: "Show conversations"}));
    expect(screen.getByRole("button", {name: "Hide conversations"})).toBeTruthy();
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Close conversations");
    await user.keyboard("{Escape}");
    expect(screen.getByRole("button", {name: "Show conversations"})).toBeTruthy();
    await user.click(screen.getByRole("button", {name: "Show conversations"}));
    await user.click(screen.getByRole("button", {name: "Close conversations"}));
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Show conversations");
  });

  it("shows a neutral loading banner, not the retrieval-only warning, while the model loads", async () => {
    renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={() => undefined} />, {"models.status": () => emptyStatus({state: "loading", progress: 0.42})});
    expect(await screen.findByText("Loading model… (42%)")).toBeTruthy();
    expect(screen.queryByText(/Retrieval-only mode/)).toBeNull();
  });

  it("does not call a model that is about to load on its own retrieval-only", async () => {
    // The core says a load is pending while start-up chooses its model.
    const {transport} = renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={() => undefined} />, {"models.status": () => emptyStatus({pending: true}), "models.list": () => [model()]});
    expect(await screen.findByText("Starting the language model…")).toBeTruthy();
    expect(screen.queryByText(/Retrieval-only mode/)).toBeNull();

    transport.emit("models.status", emptyStatus({state: "loading", progress: 0.1}));
    expect(await screen.findByText("Loading model… (10%)")).toBeTruthy();
    transport.emit("models.status", loadedStatus());
    await waitFor(() => expect(screen.queryByText(/Loading model/)).toBeNull());

    // Unloaded by hand later on: that is retrieval-only mode.
    transport.emit("models.status", emptyStatus());
    expect(await screen.findByText(/Retrieval-only mode/)).toBeTruthy();
  });

  it("believes the core when no load is pending: retrieval-only at once, even with a model on disk", async () => {
    renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={() => undefined} />, {"models.status": () => emptyStatus({pending: false}), "models.list": () => [model()]});
    expect(await screen.findByText(/Retrieval-only mode/)).toBeTruthy();
    expect(screen.queryByText("Starting the language model…")).toBeNull();
  });

  it("lets the engine banner be dismissed until the engine's situation changes", async () => {
    const {transport} = renderWithClient(<ChatPanel active newChatSignal={0} onNavigate={() => undefined} />, {"models.status": () => emptyStatus()});
    const banner = (await screen.findByText(/Retrieval-only mode/)).closest(".banner") as HTMLElement;
    await userEvent.setup().click(within(banner).getByRole("button", {name: "Dismiss"}));
    await waitFor(() => expect(screen.queryByText(/Retrieval-only mode/)).toBeNull());
    transport.emit("models.status", emptyStatus({state: "loading", progress: 0.2}));
    expect(await screen.findByText("Loading model… (20%)")).toBeTruthy();
  });
});
