/**
 * A 40-turn conversation whose second turn holds the facts a later follow-up needs. The history no
 * longer fits the model's context, so the oldest turns are summarised instead of dropped, the
 * summary is kept with the conversation, and the follow-up's prompt carries it: with a remote
 * engine (an OpenAI-compatible stand-in that returns a known summary) and with the fixture model
 * (mechanically: its text is random, the path is the same).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {defaultSettings, type Settings} from "../../shared/settings.js";
import type {ChatMessage} from "../../shared/models.js";
import type {ChatEvents, ChatKnowledge} from "../../electron/core/chat/chat-deps.js";
import {ChatService} from "../../electron/core/chat/chat-service.js";
import {ConversationStore} from "../../electron/core/chat/conversation-store.js";
import type {ChatEngine} from "../../electron/core/llm/engine.js";
import {LocalEngine} from "../../electron/core/llm/local-engine.js";
import {RemoteEngine} from "../../electron/core/llm/remote-engine.js";
import {FIXTURE_GGUF, FIXTURE_MODELS_DIR} from "../helpers/fixtures.js";
import {startOpenAIStandIn, type StandIn} from "../helpers/openai-stand-in.js";

const TURN_TWO = "The printer in room 214 is a Kyocera FS-4200 and it shows error C6000 after every paper jam.";
const FOLLOW_UP = "Which printer was it again, and which error did it show?";

/** Nothing in the knowledge base: the model answers from the conversation ("general" mode). */
const emptyKnowledge: ChatKnowledge = {
  search: async () => ({hits: [], mode: "hybrid", effectiveMode: "text", tookMs: 0}),
  addMarkdownDocument: async () => {
    throw new Error("not used here");
  },
};
const noEvents: ChatEvents = {emit: () => undefined};

function settings(): Settings {
  const s = defaultSettings();
  s.retrieval.answerMode = "general";
  s.generation.maxTokens = 48;
  return s;
}

/** 40 question-and-answer turns, the second holding the facts the follow-up asks for. */
async function seedConversation(store: ConversationStore, chat: ChatService): Promise<string> {
  const conversation = await chat.create("Printer trouble, week 12");
  let at = Date.parse("2026-11-02T09:00:00Z");
  const stamp = () => new Date((at += 60_000)).toISOString();
  for (let turn = 1; turn <= 40; turn++) {
    const question = turn === 2 ? TURN_TWO : `Turn ${turn}: the queue on the print server stalled again for the third floor, and users see jobs stuck as "spooling" for several minutes before they fail.`;
    const answer = `Answer ${turn}: restart the spooler service, clear the spool folder, check the driver version on the print server and reprint one test page before telling the users to resubmit their jobs.`;
    for (const [role, content] of [["user", question], ["assistant", answer]] as const)
      await store.saveMessage({id: `${turn}-${role}`, conversationId: conversation.id, role, content, createdAt: stamp(), status: "complete", mode: null, sources: [], redactions: [], metrics: null, feedback: null, notice: null, error: null});
  }
  return conversation.id;
}

/** The real engine, with every prompt it was given kept for the test to read. */
function recording(engine: ChatEngine): {engine: ChatEngine; prompts: ChatMessage[][]} {
  const prompts: ChatMessage[][] = [];
  const wrapped = Object.create(engine) as ChatEngine;
  wrapped.generate = (messages, options) => {
    prompts.push(messages);
    return engine.generate(messages, options);
  };
  return {engine: wrapped, prompts};
}

let standIn: StandIn;
const dirs: string[] = [];
beforeAll(async () => {
  standIn = await startOpenAIStandIn();
});
afterAll(() => {
  standIn.close();
  for (const dir of dirs) fs.rmSync(dir, {recursive: true, force: true});
});

describe("a conversation longer than the model's context", () => {
  it("summarises the oldest turns with the model, keeps the summary, and answers the follow-up with it (remote engine)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-long-"));
    dirs.push(dir);
    let store = await ConversationStore.open(dir);
    standIn.mode = "ok";
    standIn.reply = "The user's printer is the Kyocera FS-4200 in room 214; it shows error C6000 after paper jams.";
    const remote = new RemoteEngine({baseUrl: standIn.url, model: "remote-model", contextSize: 1024});
    let chat = new ChatService({store, knowledge: emptyKnowledge, engine: remote, events: noEvents, settings});
    const id = await seedConversation(store, chat);

    const sentBefore = standIn.requests.length;
    const answer = await (await chat.send({conversationId: id, message: FOLLOW_UP})).done;
    expect(answer.status).toBe("complete");
    const [summaryRequest, answerRequest] = standIn.requests.slice(sentBefore).map((r) => r.body as {messages: ChatMessage[]});
    // The model was asked to summarise the oldest turns, turn two among them…
    expect(summaryRequest.messages.map((m) => m.content).join("\n")).toContain(TURN_TWO);
    // …and the follow-up's prompt carries that summary, not the turn itself.
    const system = answerRequest.messages[0].content;
    expect(system).toContain(`Earlier in this conversation:\n${standIn.reply}`);
    expect(answerRequest.messages.some((m) => m.content.includes(TURN_TWO))).toBe(false);
    expect(answerRequest.messages.at(-1)!.content).toBe(FOLLOW_UP);
    expect(answer.notice).toMatch(/The first \d+ messages were summarised/);

    const earlier = store.earlierSummary(id)!;
    expect(earlier).toMatchObject({text: standIn.reply, by: "model"});
    expect(earlier.covers).toBeGreaterThan(4);
    expect((await chat.get(id)).earlier).toEqual(earlier);

    // Kept with the conversation: after a restart the next follow-up builds on it.
    await store.close();
    store = await ConversationStore.open(dir);
    expect(store.earlierSummary(id)).toEqual(earlier);
    chat = new ChatService({store, knowledge: emptyKnowledge, engine: remote, events: noEvents, settings});
    const sentAgain = standIn.requests.length;
    await (await chat.send({conversationId: id, message: "And the room number?"})).done;
    const next = standIn.requests.slice(sentAgain).map((r) => r.body as {messages: ChatMessage[]});
    const lastPrompt = next.at(-1)!.messages[0].content;
    expect(lastPrompt).toContain("Earlier in this conversation:");
    expect(lastPrompt).toContain("Kyocera FS-4200");
    // A summary that had to grow (one more request) starts from the one before it.
    const grew = store.earlierSummary(id)!.covers > earlier.covers;
    expect(store.earlierSummary(id)!.covers).toBeGreaterThanOrEqual(earlier.covers);
    expect(next).toHaveLength(grew ? 2 : 1);
    if (grew) expect(next[0].messages.map((m) => m.content).join("\n")).toContain(`Summary of what came before:\n${earlier.text}`);
    await store.close();
  });

  it("does the same with the fixture model, mechanically", async () => {
    const store = await ConversationStore.open("memory://");
    const local = new LocalEngine({gpu: "cpu", modelFolders: () => [{dir: FIXTURE_MODELS_DIR, source: "env"}]});
    await local.load({model: FIXTURE_GGUF, threads: 1, sequences: 1, contextSize: 1024});
    try {
      const {engine, prompts} = recording(local);
      const chat = new ChatService({store, knowledge: emptyKnowledge, engine, events: noEvents, settings});
      const id = await seedConversation(store, chat);
      const answer = await (await chat.send({conversationId: id, message: FOLLOW_UP})).done;
      expect(answer.status).toBe("complete");
      const earlier = store.earlierSummary(id)!;
      expect(earlier.by).toBe("model");
      expect(earlier.text.length).toBeGreaterThan(0);
      expect(prompts).toHaveLength(2);
      expect(prompts[0].map((m) => m.content).join("\n")).toContain(TURN_TWO);
      expect(prompts[1][0].content).toContain("Earlier in this conversation:");
      expect(prompts[1].some((m) => m.content.includes(TURN_TWO))).toBe(false);
      // Everything after the summary that fits is still there, newest last.
      expect(prompts[1].at(-1)!.content).toBe(FOLLOW_UP);
      expect(prompts[1].at(-2)!.content).toMatch(/^Answer 40:/);
    } finally {
      await local.dispose();
      await store.close();
    }
  }, 120_000);
});
