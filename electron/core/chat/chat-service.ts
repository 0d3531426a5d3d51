import {randomUUID} from "node:crypto";
import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import {LOCAL_OWNER} from "../../../shared/api-tokens.js";
import type {EventAudience} from "../../../shared/contract.js";
import {groundedMode} from "../../../shared/grounding.js";
import type {AnswerMetrics, Citation, Conversation, ConversationSummary, EarlierSummary, RedactionFinding, StoredMessage, TicketDraft} from "../../../shared/chat.js";
import type {SearchHit} from "../../../shared/knowledge.js";
import type {ChatMessage, GenerationResult} from "../../../shared/models.js";
import type {AnswerInput, AnswerOutput, ChatApi, SendHandle, SendInput} from "./chat-api.js";
import type {ChatServiceDeps} from "./chat-deps.js";
import {passagesAnswer, shownChunkIds, toCitations} from "./citations.js";
import {conversationToArticle, conversationToMarkdown, exportFileName} from "./conversation-markdown.js";
import {buildPrompt} from "./prompt-builder.js";
import {redact} from "./redaction/index.js";
import {summariseEarlier} from "./earlier-summary.js";
import {retrievalQuery} from "./retrieval-query.js";
import {normalizeTicket, ticketFromConversation, ticketPrompt, TICKET_SCHEMA, transcriptOf} from "./ticket-draft.js";
import {truncateToTokens} from "./token-budget.js";

export type {ChatServiceDeps} from "./chat-deps.js";

const DEFAULT_TITLE = "New conversation";
const NO_MODEL_NOTICE = "No language model is loaded, so these are the best-matching passages rather than a written answer. Load a model in Models & GPU to get step-by-step answers.";
const NO_ANSWER_TEXT =
  "I could not find anything about this in the knowledge base, so I won't guess. You can rephrase the question, add the relevant runbook in Knowledge, or draft a ticket to escalate it.";
const GENERAL_NOTICE = "Not from the knowledge base: this answer comes from the model's general knowledge. Check it before acting on it.";
/** The same sentence whether a conversation is gone or belongs to someone else: ids are not confirmed. */
const NO_SUCH_CONVERSATION = "That conversation does not exist (it may have been deleted).";

interface Composed extends AnswerOutput {
  metrics: AnswerMetrics;
}

function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || DEFAULT_TITLE;
}

function toFindings(findings: {kind: string; preview: string}[]): RedactionFinding[] {
  return findings.map((f) => ({kind: f.kind, preview: f.preview}));
}

/** Turns stored messages into model turns: errors and empty answers are not part of the dialogue. */
function dialogue(messages: StoredMessage[]): ChatMessage[] {
  return messages.filter((m) => m.status !== "error" && m.content.trim() !== "").map((m) => ({role: m.role, content: m.content}));
}

/** Retrieval-augmented conversations: redaction, retrieval, budgeted prompts, streaming, persistence. */
export class ChatService implements ChatApi {
  private readonly active = new Map<string, AbortController>();
  /** Answers being written, by conversation: what a reader opening the conversation now is shown. */
  private readonly writing = new Map<string, {message: StoredMessage; text: () => string}>();

  constructor(private readonly deps: ChatServiceDeps) {}

  private now(): string {
    return new Date().toISOString();
  }

  /** The conversation, if it is the owner's; NOT_FOUND otherwise, as for one that does not exist. */
  private owned(id: string, owner: string): ConversationSummary {
    if (this.deps.store.ownerOf(id) !== owner) throw new DesksideError("NOT_FOUND", NO_SUCH_CONVERSATION);
    return this.deps.store.summary(id);
  }

  /** A conversation's events go to its owner's clients only. */
  private audience(owner: string): EventAudience {
    return {owner};
  }

  async list(query?: string, owner: string = LOCAL_OWNER): Promise<ConversationSummary[]> {
    const all = this.deps.store.list(owner);
    const q = query?.trim().toLowerCase();
    if (!q) return all;
    return all.filter((c) => c.title.toLowerCase().includes(q) || this.deps.store.messagesOf(c.id).some((m) => m.content.toLowerCase().includes(q)));
  }

  async count(): Promise<number> {
    return this.deps.store.count();
  }

  async create(title?: string, owner: string = LOCAL_OWNER): Promise<Conversation> {
    const now = this.now();
    const summary: ConversationSummary = {id: randomUUID(), title: this.redactStored(title?.trim() ?? "") || DEFAULT_TITLE, createdAt: now, updatedAt: now, messageCount: 0};
    await this.deps.store.saveConversation(summary, owner);
    this.deps.events.emit("chat.changed", {conversationId: summary.id}, this.audience(owner));
    return {...summary, messages: []};
  }

  async get(id: string, owner: string = LOCAL_OWNER): Promise<Conversation> {
    const summary = this.owned(id, owner);
    const messages = this.deps.store.messagesOf(id);
    // An answer still being written is stored only when it ends; a reader who left and came back
    // gets it as far as it has come, and its chat.token offsets tell where the rest goes.
    const writing = this.writing.get(id);
    const all = writing && !messages.some((m) => m.id === writing.message.id) ? [...messages, {...writing.message, content: writing.text()}] : messages;
    return {...summary, messageCount: all.length, messages: all, earlier: this.deps.store.earlierSummary(id)};
  }

  async rename(id: string, title: string, owner: string = LOCAL_OWNER): Promise<ConversationSummary> {
    const summary = this.owned(id, owner);
    const next = {...summary, title: this.redactStored(title.trim()) || summary.title, updatedAt: this.now()};
    await this.deps.store.saveConversation(next);
    this.deps.events.emit("chat.changed", {conversationId: id}, this.audience(owner));
    return this.deps.store.summary(id);
  }

  async delete(id: string, owner: string = LOCAL_OWNER): Promise<void> {
    this.owned(id, owner);
    this.active.get(id)?.abort();
    await this.deps.store.deleteConversation(id);
    this.deps.events.emit("chat.changed", {conversationId: id}, this.audience(owner));
  }

  async reset(id: string, owner: string = LOCAL_OWNER): Promise<Conversation> {
    this.owned(id, owner);
    this.active.get(id)?.abort();
    await this.deps.store.clearMessages(id);
    this.deps.events.emit("chat.changed", {conversationId: id}, this.audience(owner));
    return this.get(id, owner);
  }

  async exportMarkdown(id: string, owner: string = LOCAL_OWNER): Promise<{fileName: string; markdown: string}> {
    const conversation = await this.get(id, owner);
    return {fileName: exportFileName(conversation.title), markdown: conversationToMarkdown(conversation)};
  }

  /** Every text a user can store (titles, feedback comments, saved articles) is masked like a question. */
  private redactStored(text: string): string {
    return redact(text, this.deps.settings().redaction).text;
  }

  private redactInput(text: string): {text: string; findings: RedactionFinding[]; ms: number} {
    const started = performance.now();
    const result = redact(text, this.deps.settings().redaction);
    return {text: result.text, findings: toFindings(result.findings), ms: performance.now() - started};
  }

  private ensureIdle(conversationId: string): void {
    if (this.active.has(conversationId))
      throw new DesksideError("BUSY", "An answer is still being written in this conversation; stop it or wait for it to finish.");
  }

  async send(input: SendInput): Promise<SendHandle> {
    const owner = input.owner ?? LOCAL_OWNER;
    const redacted = this.redactInput(input.message);
    let summary = input.conversationId ? this.owned(input.conversationId, owner) : await this.create(titleFrom(redacted.text), owner);
    this.ensureIdle(summary.id);
    if (summary.title === DEFAULT_TITLE && summary.messageCount === 0) summary = await this.rename(summary.id, titleFrom(redacted.text), owner);
    const history = this.deps.store.messagesOf(summary.id);
    const userMessage = this.userMessage(summary.id, redacted.text, redacted.findings);
    // The store updates its memory at once and writes in order; answering need not wait for the disk.
    const persisted = this.deps.store.saveMessage(userMessage);
    persisted.catch(() => undefined); // handled when the answer is saved; never an unhandled rejection
    this.deps.events.emit("chat.message", userMessage, this.audience(owner));
    return this.startAnswer(owner, summary.id, userMessage, history, redacted.ms, persisted);
  }

  private userMessage(conversationId: string, content: string, redactions: RedactionFinding[]): StoredMessage {
    return {id: randomUUID(), conversationId, role: "user", content, createdAt: this.now(), status: "complete", mode: null, sources: [], redactions, metrics: null, feedback: null, notice: null, error: null};
  }

  /** Starts answering in the background; tokens go out as events, the result is stored and emitted. */
  private startAnswer(owner: string, conversationId: string, userMessage: StoredMessage, earlier: StoredMessage[], redactionMs: number, persisted: Promise<void> = Promise.resolve()): SendHandle {
    const audience = this.audience(owner);
    const controller = new AbortController();
    this.active.set(conversationId, controller);
    const assistantMessageId = randomUUID();
    const createdAt = this.now();
    let partial = "";
    const base: StoredMessage = {id: assistantMessageId, conversationId, role: "assistant", content: "", createdAt, status: "streaming", mode: null, sources: [], redactions: [], metrics: null, feedback: null, notice: null, error: null};
    this.deps.events.emit("chat.message", base, audience);
    this.writing.set(conversationId, {message: base, text: () => partial});
    const earlierBefore = this.deps.store.earlierSummary(conversationId);

    const done = (async (): Promise<StoredMessage> => {
      let message: StoredMessage;
      try {
        const composed = await this.compose({
          owner,
          question: userMessage.content,
          history: dialogue(earlier),
          seenChunkIds: shownChunkIds(earlier.findLast((m) => m.role === "assistant" && m.status !== "error")?.sources ?? []),
          signal: controller.signal,
          redactionMs,
          onText: (text) => {
            const offset = partial.length;
            partial += text;
            this.deps.events.emit("chat.token", {conversationId, messageId: assistantMessageId, text, offset}, audience);
          },
          onQueued: (position) => this.deps.events.emit("chat.queued", {conversationId, messageId: assistantMessageId, position}, audience),
          earlier: {summary: this.deps.store.earlierSummary(conversationId), save: (summary) => this.deps.store.saveEarlierSummary(conversationId, summary)},
        });
        const stopped = controller.signal.aborted || composed.generation?.finishReason === "abort";
        message = {...base, content: composed.text, status: stopped ? "stopped" : "complete", mode: composed.mode, sources: composed.sources, metrics: composed.metrics, notice: composed.notice};
      } catch (error) {
        const info = toErrorInfo(error);
        if (info.code === "INTERNAL") this.deps.log?.(error, "chat answer");
        const stopped = controller.signal.aborted;
        message = {...base, content: partial, status: stopped ? "stopped" : "error", error: stopped ? null : info};
      } finally {
        this.active.delete(conversationId);
      }
      // From here the reader gets the final message (chat.message), the store has it soon after.
      this.writing.set(conversationId, {message, text: () => message.content});
      try {
        await persisted;
      } catch (error) {
        message = {...message, status: "error", error: toErrorInfo(error)};
      }
      try {
        // The conversation may have been deleted or reset while the answer was being written.
        if (this.deps.store.messagesOf(conversationId).some((m) => m.id === userMessage.id)) await this.deps.store.saveMessage(message);
      } catch (error) {
        if (!(error instanceof DesksideError && error.code === "NOT_FOUND")) this.deps.log?.(error, "saving an answer");
      }
      if (this.writing.get(conversationId)?.message.id === message.id) this.writing.delete(conversationId);
      this.deps.events.emit("chat.message", message, audience);
      // Earlier messages were summarised for this answer: readers fetch the conversation again to show it.
      if (this.deps.store.earlierSummary(conversationId) !== earlierBefore) this.deps.events.emit("chat.changed", {conversationId}, audience);
      return message;
    })();
    return {conversationId, userMessage, assistantMessageId, done};
  }

  /** Retrieval, then either a grounded or general answer, excerpts only (no model), or "not covered". */
  private async compose(input: {
    /** Whose question: the model reuses earlier prompts' tokens only within one owner's requests. */
    owner?: string;
    question: string;
    history: ChatMessage[];
    seenChunkIds?: string[];
    signal?: AbortSignal;
    onText?: (t: string) => void;
    onQueued?: (position: number) => void;
    redactionMs: number;
    collection?: string | null;
    generation?: Partial<AnswerInput>;
    /** A stored conversation's summary of its earlier messages, and where a new one is kept. */
    earlier?: {summary: EarlierSummary | null; save: (summary: EarlierSummary) => Promise<void>};
  }): Promise<Composed> {
    const settings = this.deps.settings();
    const retrievalStarted = performance.now();
    let hits: SearchHit[] = [];
    let searchNotice: string | null;
    let searchTimings: AnswerMetrics["search"] = null;
    try {
      const result = await this.deps.knowledge.search({
        query: retrievalQuery(input.question, input.history),
        topK: settings.retrieval.topK,
        mode: settings.retrieval.mode,
        minScore: settings.retrieval.minScore,
        collection: input.collection ?? null,
        excludeCollections: settings.retrieval.excludedCollections,
        passages: true,
        seenChunkIds: input.seenChunkIds,
      });
      hits = result.hits;
      searchNotice = result.notice ?? null;
      searchTimings = result.timings ?? null;
    } catch (error) {
      this.deps.log?.(error, "retrieval");
      searchNotice = `The knowledge base could not be searched: ${toErrorInfo(error).message}`;
    }
    const retrievalMs = performance.now() - retrievalStarted;
    const metrics: AnswerMetrics = {redactionMs: input.redactionMs, retrievalMs, search: searchTimings, usage: null, timings: null};
    // Any hit counts: ranking steps (document priors, passages already shown) may put a hit of
    // lower absolute relevance first without the knowledge base having less of an answer.
    const relevant = hits.some((hit) => hit.score >= settings.retrieval.noAnswerThreshold);
    const engine = this.deps.engine;

    if (!engine.isReady()) {
      const sources = toCitations(hits);
      const text = sources.length ? passagesAnswer(sources) : "Nothing in the knowledge base matches this question.";
      input.onText?.(text);
      return {text, sources, mode: "retrieval-only", notice: [NO_MODEL_NOTICE, searchNotice].filter(Boolean).join(" "), generation: null, metrics};
    }
    if (!relevant && settings.retrieval.answerMode === "strict") {
      input.onText?.(NO_ANSWER_TEXT);
      return {text: NO_ANSWER_TEXT, sources: [], mode: "no-answer", notice: searchNotice, generation: null, metrics};
    }

    const promptStarted = performance.now();
    // A summary stands for the first `covers` messages; one that covers more than there are (messages
    // deleted since) no longer fits this conversation.
    let earlier = input.earlier?.summary && input.earlier.summary.covers <= input.history.length ? input.earlier.summary : null;
    const build = () =>
      buildPrompt({
        systemPrompt: settings.chat.systemPrompt,
        sources: relevant ? hits : [],
        history: input.history.slice(earlier?.covers ?? 0),
        earlier: earlier?.text ?? null,
        question: input.question,
        answerMode: settings.retrieval.answerMode,
        contextSize: engine.contextSize(),
        maxAnswerTokens: input.generation?.maxTokens ?? settings.generation.maxTokens,
        countTokens: (text) => engine.countTokens(text),
      });
    let prompt = await build();
    let summarised = 0;
    if (prompt.droppedTurns > 0 && input.earlier) {
      // The turns that no longer fit are summarised (with the summary before them) instead of dropped.
      const from = earlier?.covers ?? 0;
      const dropped = input.history.slice(from, from + prompt.droppedTurns);
      earlier = await summariseEarlier(engine, earlier, dropped, {covers: from + dropped.length, signal: input.signal, now: () => this.now(), owner: input.owner});
      summarised = earlier.covers;
      await input.earlier.save(earlier).catch((error: unknown) => this.deps.log?.(error, "saving a conversation summary"));
      prompt = await build();
    }
    metrics.promptMs = performance.now() - promptStarted;
    const generation: GenerationResult = await engine.generate(prompt.messages, {
      maxTokens: prompt.maxTokens,
      temperature: input.generation?.temperature ?? settings.generation.temperature,
      topP: input.generation?.topP ?? settings.generation.topP,
      topK: settings.generation.topK,
      repeatPenalty: settings.generation.repeatPenalty,
      seed: input.generation?.seed ?? settings.generation.seed ?? undefined,
      stop: input.generation?.stop,
      signal: input.signal,
      onText: input.onText,
      onQueued: input.onQueued,
      cacheScope: input.owner,
    });
    metrics.usage = generation.usage;
    metrics.timings = generation.timings;
    const sources: Citation[] = toCitations(prompt.sources);
    const notices = [
      relevant ? null : GENERAL_NOTICE,
      summarised > 0 ? `The first ${summarised} messages were summarised to fit the model's context (see "Earlier in this conversation").` : null,
      prompt.droppedTurns > 0 ? `${prompt.droppedTurns} earlier messages were left out to fit the model's context.` : null,
      searchNotice,
    ];
    // Passages at hand do not make an answer grounded: only citing them does.
    return {text: generation.text, sources, mode: relevant ? groundedMode("grounded", generation.text, sources) : "general", notice: notices.filter(Boolean).join(" ") || null, generation, metrics};
  }

  async stop(conversationId: string, owner: string = LOCAL_OWNER): Promise<void> {
    this.owned(conversationId, owner);
    this.active.get(conversationId)?.abort();
  }

  private lastQuestion(conversationId: string): {question: StoredMessage; before: StoredMessage[]; after: StoredMessage[]} {
    const messages = this.deps.store.messagesOf(conversationId);
    const index = messages.map((m) => m.role).lastIndexOf("user");
    if (index < 0) throw new DesksideError("INVALID_INPUT", "This conversation has no question to answer yet.");
    return {question: messages[index], before: messages.slice(0, index), after: messages.slice(index + 1)};
  }

  async regenerate(conversationId: string, owner: string = LOCAL_OWNER): Promise<SendHandle> {
    this.owned(conversationId, owner);
    this.ensureIdle(conversationId);
    const {question, before, after} = this.lastQuestion(conversationId);
    await this.deps.store.deleteMessages(conversationId, after.map((m) => m.id));
    this.deps.events.emit("chat.changed", {conversationId}, this.audience(owner));
    return this.startAnswer(owner, conversationId, question, before, 0);
  }

  async editLast(conversationId: string, message: string, owner: string = LOCAL_OWNER): Promise<SendHandle> {
    this.owned(conversationId, owner);
    this.ensureIdle(conversationId);
    const {question, before, after} = this.lastQuestion(conversationId);
    const redacted = this.redactInput(message);
    const edited: StoredMessage = {...question, content: redacted.text, redactions: redacted.findings};
    await this.deps.store.deleteMessages(conversationId, after.map((m) => m.id));
    await this.deps.store.saveMessage(edited);
    this.deps.events.emit("chat.changed", {conversationId}, this.audience(owner));
    return this.startAnswer(owner, conversationId, edited, before, redacted.ms);
  }

  async feedback(messageId: string, rating: "up" | "down" | null, comment?: string, owner: string = LOCAL_OWNER): Promise<StoredMessage> {
    const message = this.deps.store.findMessage(messageId);
    if (!message || message.role !== "assistant" || this.deps.store.ownerOf(message.conversationId) !== owner)
      throw new DesksideError("NOT_FOUND", "That answer does not exist (it may have been deleted).");
    const updated: StoredMessage = {...message, feedback: rating ? {rating, comment: this.redactStored(comment?.trim() ?? "") || null} : null};
    await this.deps.store.saveMessage(updated);
    this.deps.events.emit("chat.message", updated, this.audience(owner));
    return updated;
  }

  async draftTicket(conversationId: string, owner: string = LOCAL_OWNER): Promise<TicketDraft> {
    this.owned(conversationId, owner);
    const messages = this.deps.store.messagesOf(conversationId).filter((m) => m.status !== "error");
    if (messages.length === 0) throw new DesksideError("INVALID_INPUT", "There is nothing in this conversation to put in a ticket yet.");
    const engine = this.deps.engine;
    if (!engine.isReady()) return ticketFromConversation(messages);
    const room = Math.max(128, engine.contextSize() - 700);
    const transcript = await truncateToTokens(transcriptOf(messages), room, (t) => engine.countTokens(t), true);
    const result = await engine.generate([{role: "user", content: ticketPrompt(transcript)}], {
      jsonSchema: TICKET_SCHEMA as unknown as Record<string, unknown>,
      maxTokens: 600,
      temperature: 0.2,
      seed: this.deps.settings().generation.seed ?? undefined,
      cacheScope: owner,
    });
    try {
      return normalizeTicket(JSON.parse(result.text), messages);
    } catch {
      // Only reachable if generation hit the token limit mid-object; the conversation still makes a ticket.
      return ticketFromConversation(messages);
    }
  }

  async saveToKnowledge(conversationId: string, options: {title?: string; collection?: string | null} = {}, owner: string = LOCAL_OWNER) {
    const conversation = await this.get(conversationId, owner);
    if (!conversation.messages.some((m) => m.role === "assistant" && m.status !== "error"))
      throw new DesksideError("INVALID_INPUT", "This conversation has no answer to save yet.");
    const title = this.redactStored(options.title?.trim() || conversation.title);
    // The knowledge base announces the new document itself (knowledge.changed). Questions were
    // masked when asked; the whole article is masked again for what was stored before redaction
    // was turned on and for anything an answer repeated.
    return this.deps.knowledge.addMarkdownDocument({
      title,
      markdown: this.redactStored(conversationToArticle(conversation, title)),
      collection: options.collection ?? null,
      origin: "conversation",
    });
  }

  async answer(input: AnswerInput): Promise<AnswerOutput> {
    const turns = input.messages.filter((m) => m.role !== "system");
    const last = turns.at(-1);
    if (!last || last.role !== "user") throw new DesksideError("INVALID_INPUT", "The last message must be the user's question.");
    const redacted = this.redactInput(last.content);
    const history = turns.slice(0, -1).map((m) => (m.role === "user" ? {...m, content: this.redactInput(m.content).text} : m));
    const composed = await this.compose({owner: input.owner, question: redacted.text, history, signal: input.signal, onText: input.onText, onQueued: input.onQueued, redactionMs: redacted.ms, collection: input.collection, generation: input});
    return {text: composed.text, sources: composed.sources, mode: composed.mode, notice: composed.notice, generation: composed.generation, metrics: composed.metrics};
  }

  /** Stops every answer being written (shutdown). */
  stopAll(): void {
    for (const controller of this.active.values()) controller.abort();
  }

  async whenIdle(): Promise<void> {
    while (this.active.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
