import type {AnswerMetrics, Citation, Conversation, ConversationSummary, StoredMessage, TicketDraft} from "../../../shared/chat.js";
import type {ChatMessage, GenerationResult} from "../../../shared/models.js";
import type {KnowledgeDocument} from "../../../shared/knowledge.js";

export interface SendInput {
  conversationId?: string;
  message: string;
  /** Who asks (LOCAL_OWNER when left out): a new conversation is theirs, an existing one must be. */
  owner?: string;
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
  /** Who asks (the app's own scope when left out); see GenerateOptions.cacheScope. */
  owner?: string;
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

/**
 * What the chat feature offers the rest of the core (RPC handlers and the HTTP API). Every method on
 * a conversation takes its caller's `owner` (an API token's id; LOCAL_OWNER, the main token and the
 * desktop app, when left out): another owner's conversation answers NOT_FOUND, exactly as one that
 * does not exist, so its id is not even confirmed.
 */
export interface ChatApi {
  list(query?: string, owner?: string): Promise<ConversationSummary[]>;
  create(title?: string, owner?: string): Promise<Conversation>;
  get(id: string, owner?: string): Promise<Conversation>;
  rename(id: string, title: string, owner?: string): Promise<ConversationSummary>;
  delete(id: string, owner?: string): Promise<void>;
  reset(id: string, owner?: string): Promise<Conversation>;
  exportMarkdown(id: string, owner?: string): Promise<{fileName: string; markdown: string}>;
  /** Tokens stream as `chat.token` events on the event bus (for the owner's clients); the final message as `chat.message`. */
  send(input: SendInput): Promise<SendHandle>;
  stop(conversationId: string, owner?: string): Promise<void>;
  regenerate(conversationId: string, owner?: string): Promise<SendHandle>;
  editLast(conversationId: string, message: string, owner?: string): Promise<SendHandle>;
  feedback(messageId: string, rating: "up" | "down" | null, comment?: string, owner?: string): Promise<StoredMessage>;
  draftTicket(conversationId: string, owner?: string): Promise<TicketDraft>;
  saveToKnowledge(conversationId: string, options?: {title?: string; collection?: string | null}, owner?: string): Promise<KnowledgeDocument>;
  answer(input: AnswerInput): Promise<AnswerOutput>;
  /** Every owner's conversations, counted (health). */
  count(): Promise<number>;
}
