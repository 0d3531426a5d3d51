/**
 * ChatService on its own, against small fakes of the interfaces it declares (chat-deps.ts): the
 * knowledge search, the answering engine, the conversation records and the event sink. The real
 * engine, store and knowledge base are covered through the whole core in test/core/chat-flow.test.ts.
 */
import {describe, expect, it} from "vitest";
import type {ConversationSummary, EarlierSummary, StoredMessage} from "../../../shared/chat.js";
import type {EventAudience, EventMap, EventName} from "../../../shared/contract.js";
import {DesksideError} from "../../../shared/errors.js";
import type {KnowledgeDocument, SearchHit, SearchRequest, SearchResult} from "../../../shared/knowledge.js";
import type {ChatMessage, GenerationResult} from "../../../shared/models.js";
import {defaultSettings, type Settings} from "../../../shared/settings.js";
import type {GenerateOptions} from "../llm/engine.js";
import type {AnswerEngine, ChatEvents, ChatKnowledge, ConversationRecords} from "./chat-deps.js";
import {ChatService} from "./chat-service.js";

/** Conversations in memory, with the store's rules: unknown ids are NOT_FOUND, copies out. */
class MemoryConversations implements ConversationRecords {
  readonly conversations = new Map<string, ConversationSummary>();
  readonly messages = new Map<string, StoredMessage[]>();
  readonly earlier = new Map<string, EarlierSummary>();
  readonly owners = new Map<string, string>();
  earlierSummary(id: string) {
    return this.earlier.get(id) ?? null;
  }
  async saveEarlierSummary(id: string, summary: EarlierSummary) {
    this.summary(id);
    this.earlier.set(id, summary);
  }

  list(owner?: string) {
    return [...this.conversations.values()].filter((c) => owner === undefined || this.owners.get(c.id) === owner).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map((c) => ({...c}));
  }
  count() {
    return this.conversations.size;
  }
  ownerOf(id: string) {
    return this.conversations.has(id) ? (this.owners.get(id) ?? "local") : null;
  }
  summary(id: string) {
    const found = this.conversations.get(id);
    if (!found) throw new DesksideError("NOT_FOUND", "That conversation does not exist.");
    return {...found};
  }
  messagesOf(id: string) {
    this.summary(id);
    return structuredClone(this.messages.get(id) ?? []);
  }
  findMessage(messageId: string) {
    for (const list of this.messages.values()) {
      const found = list.find((m) => m.id === messageId);
      if (found) return structuredClone(found);
    }
    return null;
  }
  async saveConversation(summary: ConversationSummary, owner = "local") {
    if (!this.owners.has(summary.id)) this.owners.set(summary.id, owner);
    this.conversations.set(summary.id, {...summary, messageCount: this.messages.get(summary.id)?.length ?? 0});
  }
  async saveMessage(message: StoredMessage) {
    const summary = this.summary(message.conversationId);
    const list = this.messages.get(message.conversationId) ?? [];
    const index = list.findIndex((m) => m.id === message.id);
    if (index >= 0) list[index] = structuredClone(message);
    else list.push(structuredClone(message));
    this.messages.set(message.conversationId, list);
    await this.saveConversation({...summary, updatedAt: new Date().toISOString()});
  }
  async deleteMessages(conversationId: string, ids: string[]) {
    this.messages.set(conversationId, (this.messages.get(conversationId) ?? []).filter((m) => !ids.includes(m.id)));
  }
  async clearMessages(conversationId: string) {
    this.messages.set(conversationId, []);
  }
  async deleteConversation(id: string) {
    this.summary(id);
    this.conversations.delete(id);
    this.messages.delete(id);
  }
}

function hit(text: string, score: number, title = "VPN error 809"): SearchHit {
  return {chunkId: `doc-1:${Math.round(score * 100)}`, documentId: "doc-1", title, sourcePath: "vpn.md", headingPath: [title, "Fix"], page: null, row: null, text, collection: null, score, scores: {fused: score}};
}

class FakeKnowledge implements ChatKnowledge {
  readonly searches: SearchRequest[] = [];
  readonly saved: {title: string; markdown: string; collection?: string | null; origin?: string}[] = [];
  hits: SearchHit[] = [];
  failure: Error | null = null;

  async search(request: SearchRequest): Promise<SearchResult> {
    this.searches.push(request);
    if (this.failure) throw this.failure;
    return {hits: this.hits, mode: request.mode ?? "hybrid", effectiveMode: request.mode ?? "hybrid", tookMs: 1};
  }
  async addMarkdownDocument(input: {title: string; markdown: string; collection?: string | null; origin?: string}): Promise<KnowledgeDocument> {
    this.saved.push(input);
    const now = new Date().toISOString();
    return {id: "saved-1", title: input.title, sourcePath: "conversation:1", sha256: "", mime: "text/markdown", kind: "markdown", collection: input.collection ?? null, chunkCount: 1, sizeBytes: input.markdown.length, importedAt: now, status: "ready", origin: input.origin ?? "conversation", embeddingModel: null, notes: []};
  }
}

/** Streams a fixed answer word by word; `hold` keeps it from finishing until released or aborted. */
class FakeEngine implements AnswerEngine {
  ready = true;
  answer = "Restart the VPN service [1].";
  readonly prompts: {messages: ChatMessage[]; options: GenerateOptions}[] = [];
  hold: Promise<void> | null = null;

  isReady() {
    return this.ready;
  }
  contextSize() {
    return 4096;
  }
  async countTokens(text: string) {
    return Math.ceil(text.length / 4);
  }
  async generate(messages: ChatMessage[], options: GenerateOptions = {}): Promise<GenerationResult> {
    this.prompts.push({messages, options});
    let text = "";
    for (const piece of this.answer.split(/(?<= )/)) {
      if (options.signal?.aborted) break;
      options.onText?.(piece);
      text += piece;
      if (this.hold) await Promise.race([this.hold, new Promise((resolve) => options.signal?.addEventListener("abort", resolve, {once: true}))]);
    }
    const aborted = options.signal?.aborted ?? false;
    const usage = {promptTokens: 10, completionTokens: 5, totalTokens: 15};
    return {text, finishReason: aborted ? "abort" : "stop", usage, timings: {queueMs: 0, timeToFirstTokenMs: 1, totalMs: 2, tokensPerSecond: 100}, engine: "local", model: "fake"};
  }
}

class RecordedEvents implements ChatEvents {
  readonly seen: {name: EventName; payload: unknown; audience?: EventAudience}[] = [];
  emit<N extends "chat.token" | "chat.queued" | "chat.message" | "chat.changed">(name: N, payload: EventMap[N], audience?: EventAudience) {
    this.seen.push({name, payload, audience});
  }
  named<N extends EventName>(name: N): EventMap[N][] {
    return this.seen.filter((e) => e.name === name).map((e) => e.payload as EventMap[N]);
  }
}

function setup(change: (settings: Settings) => void = () => undefined) {
  const settings = defaultSettings();
  change(settings);
  const store = new MemoryConversations();
  const knowledge = new FakeKnowledge();
  const engine = new FakeEngine();
  const events = new RecordedEvents();
  const logged: string[] = [];
  const chat = new ChatService({store, knowledge, engine, events, settings: () => settings, log: (_error, context) => logged.push(context)});
  return {chat, store, knowledge, engine, events, settings, logged};
}

describe("ChatService", () => {
  it("answers from the knowledge base: stores both messages, streams tokens, cites the hits", async () => {
    const {chat, store, knowledge, engine, events} = setup((s) => (s.retrieval.excludedCollections = ["Starter articles"]));
    knowledge.hits = [hit("Run: net stop RasMan, then net start RasMan.", 0.9)];
    const handle = await chat.send({message: "VPN says error 809 after the update"});
    const answer = await handle.done;

    expect(answer).toMatchObject({id: handle.assistantMessageId, role: "assistant", status: "complete", content: engine.answer, mode: "grounded", notice: null});
    expect(answer.sources).toMatchObject([{index: 1, chunkId: knowledge.hits[0].chunkId, title: "VPN error 809"}]);
    expect(knowledge.searches[0]).toMatchObject({query: "VPN says error 809 after the update", excludeCollections: ["Starter articles"], passages: true});
    // The passage went into the prompt the engine saw.
    expect(JSON.stringify(engine.prompts[0].messages)).toContain("net stop RasMan");

    expect(store.messagesOf(handle.conversationId).map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(store.summary(handle.conversationId).title).toBe("VPN says error 809 after the update");
    expect(events.named("chat.token").map((t) => t.text).join("")).toBe(engine.answer);
    expect(events.named("chat.token").every((t) => t.messageId === handle.assistantMessageId)).toBe(true);
    const messages = events.named("chat.message");
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "streaming"],
      ["assistant", "complete"],
    ]);
    expect(events.named("chat.changed").map((c) => c.conversationId)).toContain(handle.conversationId);
  });

  it("calls an answer that cites none of its sources uncited, not grounded", async () => {
    const {chat, knowledge, engine} = setup();
    knowledge.hits = [hit("Run: net stop RasMan, then net start RasMan.", 0.9)];
    engine.answer = "Restart the VPN service and try again [4].";
    const answer = await (await chat.send({message: "VPN says error 809 after the update"})).done;
    // [4] names no source of this answer, so it cites nothing.
    expect(answer).toMatchObject({status: "complete", mode: "uncited", sources: [{index: 1}]});
  });

  it("masks a secret before it is stored or searched, and says what was masked", async () => {
    const {chat, store, knowledge} = setup();
    const handle = await chat.send({message: "vpn login fails, my password is Hunter2!Secret"});
    await handle.done;
    const question = store.messagesOf(handle.conversationId)[0];
    expect(question.content).not.toContain("Hunter2!Secret");
    expect(question.redactions.length).toBeGreaterThan(0);
    expect(knowledge.searches[0].query).not.toContain("Hunter2!Secret");
  });

  it("answers with the passages and a notice when no model is ready, without calling the engine", async () => {
    const {chat, knowledge, engine} = setup();
    engine.ready = false;
    knowledge.hits = [hit("Run: net stop RasMan.", 0.9)];
    const answer = await (await chat.send({message: "vpn error 809"})).done;
    expect(answer).toMatchObject({status: "complete", mode: "retrieval-only"});
    expect(answer.content).toContain("net stop RasMan");
    expect(answer.notice).toMatch(/No language model is loaded/);
    expect(engine.prompts).toHaveLength(0);
  });

  it("says the knowledge base has no answer (strict mode) instead of asking the model", async () => {
    const {chat, knowledge, engine} = setup((s) => (s.retrieval.noAnswerThreshold = 0.5));
    knowledge.hits = [hit("Something unrelated.", 0.2)];
    const answer = await (await chat.send({message: "how do I fix the coffee machine"})).done;
    expect(answer).toMatchObject({mode: "no-answer", sources: []});
    expect(answer.content).toMatch(/could not find anything about this in the knowledge base/);
    expect(engine.prompts).toHaveLength(0);
  });

  it("still answers when search fails, with a notice and the failure logged", async () => {
    const {chat, knowledge, logged} = setup((s) => (s.retrieval.answerMode = "general"));
    knowledge.failure = new DesksideError("STORE_ERROR", "The store is closed.");
    const answer = await (await chat.send({message: "vpn error 809"})).done;
    expect(answer).toMatchObject({status: "complete", mode: "general"});
    expect(answer.notice).toMatch(/could not be searched: The store is closed\./);
    expect(logged).toContain("retrieval");
  });

  it("stops an answer mid-stream and keeps what was written, marked as stopped", async () => {
    const {chat, knowledge, engine, events} = setup();
    knowledge.hits = [hit("Run: net stop RasMan.", 0.9)];
    let release!: () => void;
    engine.hold = new Promise<void>((resolve) => (release = resolve));
    const handle = await chat.send({message: "vpn error 809"});
    await expect.poll(() => events.named("chat.token").length).toBeGreaterThan(0);
    await expect(chat.send({conversationId: handle.conversationId, message: "again"})).rejects.toMatchObject({code: "BUSY"});
    await chat.stop(handle.conversationId);
    const answer = await handle.done;
    release();
    expect(answer.status).toBe("stopped");
    expect(answer.content).toBe(engine.answer.split(/(?<= )/)[0]);
  });

  it("shows an answer being written to a reader who opens the conversation now, with token offsets to line up the rest", async () => {
    const {chat, knowledge, engine, events} = setup();
    knowledge.hits = [hit("Run: net stop RasMan.", 0.9)];
    let release!: () => void;
    engine.hold = new Promise<void>((resolve) => (release = resolve));
    const handle = await chat.send({message: "vpn error 809"});
    await expect.poll(() => events.named("chat.token").length).toBeGreaterThan(0);
    const meanwhile = await chat.get(handle.conversationId);
    const writing = meanwhile.messages.find((m) => m.id === handle.assistantMessageId)!;
    expect(writing.status).toBe("streaming");
    expect(writing.content).toBe(events.named("chat.token").map((t) => t.text).join(""));
    release();
    const answer = await handle.done;
    // Every token says where it goes: offsets are the lengths of the text before it.
    let length = 0;
    for (const token of events.named("chat.token")) {
      expect(token.offset).toBe(length);
      length += token.text.length;
    }
    expect(length).toBe(answer.content.length);
    const after = await chat.get(handle.conversationId);
    expect(after.messages.filter((m) => m.id === answer.id)).toEqual([answer]);
  });

  it("saves a resolved conversation as an article and leaves announcing it to the knowledge base", async () => {
    const {chat, knowledge, events} = setup();
    knowledge.hits = [hit("Run: net stop RasMan.", 0.9)];
    const handle = await chat.send({message: "vpn error 809"});
    await handle.done;
    const before = events.seen.length;
    const doc = await chat.saveToKnowledge(handle.conversationId, {collection: "Resolved"});
    expect(doc).toMatchObject({id: "saved-1", collection: "Resolved"});
    expect(knowledge.saved[0]).toMatchObject({title: "vpn error 809", origin: "conversation", collection: "Resolved"});
    expect(knowledge.saved[0].markdown).toContain(doc.title);
    expect(events.seen.slice(before)).toEqual([]);
  });

  it("regenerates the last answer and drafts a ticket without a model", async () => {
    const {chat, store, knowledge, engine} = setup();
    knowledge.hits = [hit("Turn the printer off and on again.", 0.8, "Printer offline")];
    const handle = await chat.send({message: "printer offline"});
    await handle.done;
    engine.answer = "Power-cycle the printer [1].";
    const again = await (await chat.regenerate(handle.conversationId)).done;
    expect(again.content).toBe("Power-cycle the printer [1].");
    expect(store.messagesOf(handle.conversationId).map((m) => m.role)).toEqual(["user", "assistant"]);
    engine.ready = false;
    const ticket = await chat.draftTicket(handle.conversationId);
    expect(ticket.title).toContain("printer offline");
  });

  it("masks secrets in every other text a user can store: titles, renames, feedback comments, saved articles", async () => {
    const {chat, store, knowledge, engine} = setup();
    const password = "password=Zebra-Quartz-7731";
    const awsKey = "AKIAQ3EGZ7WLPX4NRT2M";
    const created = await chat.create(`VPN for bob ${password}`);
    expect(created.title).not.toContain("Zebra-Quartz-7731");
    expect(created.title).toContain("[REDACTED:");

    const renamed = await chat.rename(created.id, `Keys ${awsKey}`);
    expect(renamed.title).not.toContain(awsKey);
    expect(store.summary(created.id).title).not.toContain(awsKey);

    knowledge.hits = [hit("Run: net stop RasMan.", 0.9)];
    // An answer that repeats a secret (a model can echo what it was once given) is masked in the article.
    engine.answer = `Use the key ${awsKey} and restart [1].`;
    const handle = await chat.send({conversationId: created.id, message: "vpn error 809"});
    const answer = await handle.done;
    const rated = await chat.feedback(answer.id, "down", `did not work, ${password}`);
    expect(rated.feedback?.comment).not.toContain("Zebra-Quartz-7731");
    expect(store.findMessage(answer.id)?.feedback?.comment).toContain("[REDACTED:");

    await chat.saveToKnowledge(created.id, {title: `Fix with Bearer 9f8Kq2LmZx7Pw4RtYb6Nc1VdHs3Jg5Ue`});
    const saved = JSON.stringify(knowledge.saved);
    for (const secret of ["Zebra-Quartz-7731", awsKey, "9f8Kq2LmZx7Pw4RtYb6Nc1VdHs3Jg5Ue"]) expect(saved).not.toContain(secret);
    expect(knowledge.saved[0].title).toContain("[REDACTED:");
    expect(knowledge.saved[0].markdown).toContain("[REDACTED:");
  });

  it("stores titles and comments as typed when redaction is off", async () => {
    const {chat} = setup((s) => (s.redaction.enabled = false));
    expect((await chat.create("password=Zebra-Quartz-7731")).title).toBe("password=Zebra-Quartz-7731");
  });

  it("keeps each owner's conversations to that owner: another's id is NOT_FOUND everywhere, and events name their owner", async () => {
    const {chat, knowledge, events} = setup();
    knowledge.hits = [hit("Run: net stop RasMan.", 0.9)];
    const alice = await chat.send({message: "vpn error 809", owner: "tok_alice"});
    const answer = await alice.done;
    const mine = await chat.send({message: "printer offline"});
    await mine.done;

    expect((await chat.list(undefined, "tok_alice")).map((c) => c.id)).toEqual([alice.conversationId]);
    expect((await chat.list()).map((c) => c.id)).toEqual([mine.conversationId]);
    expect(await chat.list("809")).toEqual([]);
    expect(await chat.list("809", "tok_alice")).toHaveLength(1);
    const id = alice.conversationId;
    const attempts: Promise<unknown>[] = [
      chat.get(id),
      chat.rename(id, "mine now"),
      chat.delete(id),
      chat.reset(id),
      chat.exportMarkdown(id),
      chat.stop(id),
      chat.regenerate(id),
      chat.editLast(id, "something else"),
      chat.send({conversationId: id, message: "and now?"}),
      chat.feedback(answer.id, "down"),
      chat.draftTicket(id),
      chat.saveToKnowledge(id),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({code: "NOT_FOUND"});
    expect((await chat.get(id, "tok_alice")).messages).toHaveLength(2);

    const audiences = new Set(events.seen.map((e) => e.audience?.owner));
    expect(audiences).toEqual(new Set(["tok_alice", "local"]));
    for (const event of events.seen.filter((e) => e.audience?.owner === "tok_alice")) expect(JSON.stringify(event.payload)).not.toContain(mine.conversationId);
  });
});
