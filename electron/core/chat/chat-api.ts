import type {AnswerMetrics, Citation, Conversation, ConversationSummary, StoredMessage, TicketDraft} from "../../../shared/chat.js";
import type {ChatMessage, GenerationResult} from "../../../shared/models.js";
import type {KnowledgeDocument} from "../../../shared/knowledge.js";

export interface SendInput {
  conversationId?: string;
  message: string;
}

export interface SendHandle {
  conversationId: string;
  userMessage: StoredMessage;
  assistantMessageId: string;
  /** Settles with the stored answer (complete, stopped or error); never rejects. */
  done: Promise<StoredMessage>;
}

/** A stateless retrieval-augmented answer for API callers that keep their own history. */
export interface AnswerInput {
  messages: ChatMessage[];
  signal?: AbortSignal;
  onText?: (text: string) => void;
  /** While the answer waits for a free generation slot: its place in line (1: next). */
  onQueued?: (position: number) => void;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  collection?: string | null;
}

export interface AnswerOutput {
  text: string;
  sources: Citation[];
  mode: StoredMessage["mode"];
  notice: string | null;
  generation: GenerationResult | null;
  /** Where the time went: redaction, retrieval (embed, search, re-rank), prompt, generation. */
  metrics: AnswerMetrics;
}

/** What the chat feature offers the rest of the core (RPC handlers and the HTTP API). */
export interface ChatApi {
  list(query?: string): Promise<ConversationSummary[]>;
  create(title?: string): Promise<Conversation>;
  get(id: string): Promise<Conversation>;
  rename(id: string, title: string): Promise<ConversationSummary>;
  delete(id: string): Promise<void>;
  reset(id: string): Promise<Conversation>;
  exportMarkdown(id: string): Promise<{fileName: string; markdown: string}>;
  /** Tokens stream as `chat.token` events on the event bus; the final message as `chat.message`. */
  send(input: SendInput): Promise<SendHandle>;
  stop(conversationId: string): Promise<void>;
  regenerate(conversationId: string): Promise<SendHandle>;
  editLast(conversationId: string, message: string): Promise<SendHandle>;
  feedback(messageId: string, rating: "up" | "down" | null, comment?: string): Promise<StoredMessage>;
  draftTicket(conversationId: string): Promise<TicketDraft>;
  saveToKnowledge(conversationId: string, options?: {title?: string; collection?: string | null}): Promise<KnowledgeDocument>;
  answer(input: AnswerInput): Promise<AnswerOutput>;
  count(): Promise<number>;
}
