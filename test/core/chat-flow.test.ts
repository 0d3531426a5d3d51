import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {TICKET_CATEGORIES, TICKET_PRIORITIES} from "../../shared/chat.js";
import {citedSources} from "../../shared/grounding.js";
import {createTestCore, removeDataDir} from "../helpers/core.js";
import {REPO_ROOT} from "../helpers/fixtures.js";

let core: DesksideCore;

beforeAll(async () => {
  core = await createTestCore({knowledgeDir: path.join(REPO_ROOT, "knowledge"), settings: {generation: {maxTokens: 48, seed: 7}}});
  expect(core.engine.isReady()).toBe(true);
  expect((await core.knowledge.stats()).documents).toBeGreaterThanOrEqual(25);
}, 300_000);
afterAll(async () => {
  await core.close();
  removeDataDir(core);
});

async function ask(message: string, conversationId?: string) {
  const handle = await core.chat.send({message, conversationId});
  return {handle, answer: await handle.done};
}

describe("grounded chat on the default knowledge", () => {
  it("answers with citations that resolve to the stored chunks", async () => {
    const tokens: string[] = [];
    const off = core.events.on("chat.token", (e) => tokens.push(e.text));
    const {answer} = await ask("The VPN client says error 809 after the update, what now?");
    off();
    expect(answer.status).toBe("complete");
    // The small test model rarely writes [n]: the mode follows what the text actually cites.
    expect(answer.mode).toBe(citedSources(answer.content, answer.sources).length > 0 ? "grounded" : "uncited");
    expect(tokens.join("")).toBe(answer.content);
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.sources.map((s) => s.title).join(" ")).toMatch(/809/);
    expect(answer.sources.map((s) => s.index)).toEqual(answer.sources.map((_, i) => i + 1));
    for (const source of answer.sources) {
      const chunk = await core.knowledge.getChunk(source.chunkId);
      expect(chunk?.documentId).toBe(source.documentId);
      expect(chunk!.text.startsWith(source.snippet.replace(/…$/, ""))).toBe(true);
    }
    expect(answer.metrics?.retrievalMs).toBeGreaterThan(0);
    expect(answer.metrics?.usage?.completionTokens).toBeGreaterThan(0);
    expect(answer.metrics?.timings?.timeToFirstTokenMs).not.toBeNull();
  });

  it("uses the conversation for a follow-up's retrieval", async () => {
    const first = await ask("My laptop's Wi-Fi keeps disconnecting in the office");
    const followUp = await ask("it happens every 5 minutes", first.handle.conversationId);
    expect(followUp.answer.sources.some((s) => /wi-?fi/i.test(s.title))).toBe(true);
  });

  it("stops mid-answer and keeps the partial text marked as stopped", async () => {
    core.settings.update({generation: {maxTokens: 1500}});
    try {
      let stopped = false;
      const off = core.events.on("chat.token", (e) => {
        if (!stopped) {
          stopped = true;
          void core.chat.stop(e.conversationId);
        }
      });
      const {answer} = await ask("How do I clear a stuck print queue?");
      off();
      expect(answer.status).toBe("stopped");
      expect(answer.metrics?.usage?.completionTokens ?? 0).toBeLessThan(1500);
      const stored = (await core.chat.get(answer.conversationId)).messages.at(-1)!;
      expect(stored).toMatchObject({id: answer.id, status: "stopped", content: answer.content});
    } finally {
      core.settings.update({generation: {maxTokens: 48}});
    }
  });

  it("masks secrets before anything is stored and says what was masked", async () => {
    const {handle} = await ask("I reset the account, the temporary password is Xk9#mP2$vL7q, but Outlook still asks again");
    expect(handle.userMessage.content).not.toContain("Xk9#mP2$vL7q");
    expect(handle.userMessage.redactions.map((r) => r.kind)).toContain("password");
    const stored = await core.chat.get(handle.conversationId);
    expect(JSON.stringify(stored)).not.toContain("Xk9#mP2$vL7q");
  });

  it("says plainly when the knowledge base has no answer (strict mode)", async () => {
    core.settings.update({retrieval: {noAnswerThreshold: 0.99}});
    try {
      const {answer} = await ask("What is the recipe for banana bread?");
      expect(answer.mode).toBe("no-answer");
      expect(answer.sources).toEqual([]);
      expect(answer.content).toMatch(/could not find anything/i);
      core.settings.update({retrieval: {answerMode: "general"}});
      const general = await ask("What is the recipe for banana bread?");
      expect(general.answer.mode).toBe("general");
      expect(general.answer.notice).toMatch(/Not from the knowledge base/);
    } finally {
      core.settings.update({retrieval: {noAnswerThreshold: 0.35, answerMode: "strict"}});
    }
  });

  it("drafts a ticket that is valid JSON across 20 seeds", async () => {
    const {handle} = await ask("Printer on floor 3 shows offline for everyone since this morning");
    for (let seed = 0; seed < 20; seed++) {
      core.settings.update({generation: {seed}});
      const ticket = await core.chat.draftTicket(handle.conversationId);
      expect(JSON.parse(JSON.stringify(ticket))).toEqual(ticket);
      expect(TICKET_CATEGORIES).toContain(ticket.category);
      expect(TICKET_PRIORITIES).toContain(ticket.priority);
      expect(typeof ticket.title).toBe("string");
      expect(ticket.title.length).toBeGreaterThan(0);
      expect(Array.isArray(ticket.symptoms) && Array.isArray(ticket.stepsTried)).toBe(true);
    }
    core.settings.update({generation: {seed: 7}});
  });

  it("saves a resolved conversation to the knowledge base, where search finds it", async () => {
    const {handle} = await ask("Zebra label printer ZD421 prints blank labels after ribbon change");
    const doc = await core.chat.saveToKnowledge(handle.conversationId, {title: "ZD421 blank labels after ribbon change", collection: "Printers"});
    expect(doc).toMatchObject({origin: "conversation", collection: "Printers", status: "ready"});
    const found = await core.knowledge.search({query: "ZD421 blank labels ribbon", mode: "text", topK: 3});
    expect(found.hits[0]?.documentId).toBe((doc as {id: string}).id);
  });

  it("keeps long conversations inside the model's context", async () => {
    const long = "The shared drive mapping fails with error 1219 whenever I reconnect the VPN and I have tried remapping it. ".repeat(12);
    let conversationId: string | undefined;
    let last;
    const notices: string[] = [];
    for (let i = 0; i < 12; i++) {
      const turn = await ask(`${i}: ${long}`, conversationId);
      conversationId = turn.handle.conversationId;
      last = turn.answer;
      notices.push(turn.answer.notice ?? "");
      expect(turn.answer.status).toBe("complete");
    }
    // The oldest turns were summarised (not dropped) once they no longer fitted, and the summary is kept.
    expect(notices.some((notice) => /were summarised to fit the model's context/.test(notice))).toBe(true);
    const earlier = (await core.chat.get(conversationId!)).earlier;
    expect(earlier?.covers).toBeGreaterThan(0);
    expect(last!.metrics!.usage!.promptTokens).toBeLessThanOrEqual(core.engine.contextSize());
  });

  it("manages conversations: list newest first, rename, feedback, export, reset, delete", async () => {
    const a = await ask("Bluetooth headset will not pair");
    const b = await ask("Second monitor shows no signal on the dock");
    const list = await core.chat.list();
    expect(list[0].id).toBe(b.handle.conversationId);
    expect(list.map((c) => c.id)).toContain(a.handle.conversationId);
    await core.chat.rename(a.handle.conversationId, "Headset pairing");
    expect((await core.chat.list("headset"))[0].title).toBe("Headset pairing");
    const rated = await core.chat.feedback(a.answer.id, "up", "worked");
    expect(rated.feedback).toEqual({rating: "up", comment: "worked"});
    const exported = await core.chat.exportMarkdown(a.handle.conversationId);
    expect(exported.fileName).toBe("headset-pairing.md");
    expect(exported.markdown).toMatch(/^# Headset pairing/);
    expect(exported.markdown).toContain("Bluetooth headset will not pair");
    const reset = await core.chat.reset(b.handle.conversationId);
    expect(reset.messages).toEqual([]);
    await core.chat.delete(b.handle.conversationId);
    await expect(core.chat.get(b.handle.conversationId)).rejects.toMatchObject({code: "NOT_FOUND"});
  });

  it("regenerates and edits the last question", async () => {
    const {handle} = await ask("Outlook is stuck on loading profile");
    const again = await core.chat.regenerate(handle.conversationId);
    await again.done;
    const edited = await core.chat.editLast(handle.conversationId, "New Outlook keeps asking for my password");
    await edited.done;
    const conversation = await core.chat.get(handle.conversationId);
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(conversation.messages[0].content).toBe("New Outlook keeps asking for my password");
  });

  it("brings new passages for a follow-up after the first answer, not the same ones again", async () => {
    const first = await ask("The VPN client says error 809 after the update, what now?");
    const shown = new Set(first.answer.sources.map((s) => s.chunkId));
    expect(first.answer.sources[0].passage?.text).toMatch(/Steps/);
    const followUp = await ask("it still fails after that", first.handle.conversationId);
    // Still about the same problem, but led by a passage the technician has not been shown yet.
    expect(followUp.answer.sources.map((s) => s.title).join(" ")).toMatch(/VPN/);
    expect(shown.has(followUp.answer.sources[0].chunkId)).toBe(false);
  });

  it("answers with passages and a notice when no model is loaded, never an error", async () => {
    await core.localEngine.unload();
    const {answer} = await ask("How do I find a BitLocker recovery key?");
    expect(answer.status).toBe("complete");
    expect(answer.mode).toBe("retrieval-only");
    expect(answer.notice).toMatch(/No language model is loaded/);
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(answer.content).toContain("[1]");
    // A ticket can still be drafted from the conversation alone.
    const ticket = await core.chat.draftTicket(answer.conversationId);
    expect(ticket.title).toMatch(/BitLocker/);
  });
});

describe("conversations survive a restart", () => {
  it("reopens with messages, sources and feedback", async () => {
    const first = await createTestCore({withModel: false});
    const dataDir = first.dataDir;
    const h = await first.chat.send({message: "How do I reset my password?"});
    const answer = await h.done;
    await first.chat.feedback(answer.id, "down", "too long");
    await first.close();
    const second = await createTestCore({withModel: false, dataDir});
    const conversation = await second.chat.get(h.conversationId);
    expect(conversation.messages).toHaveLength(2);
    expect(conversation.messages[1]).toMatchObject({id: answer.id, feedback: {rating: "down", comment: "too long"}});
    await second.close();
    removeDataDir(second);
  });
});
