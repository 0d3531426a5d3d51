/** Conversations, messages, citations and tickets as every client sees them. */
import type {SearchHit} from "./knowledge.js";
import type {GenerationTimings, GenerationUsage} from "./models.js";

/** A numbered source of an answer: the passage it came from, as search found it. */
export interface Citation extends Pick<SearchHit, "chunkId" | "documentId" | "title" | "sourcePath" | "headingPath" | "page" | "row" | "score" | "ocr"> {
  /** The [n] number used in the answer. */
  index: number;
  snippet: string;
  /** The section around the cited chunk and where the chunk sits in it, when retrieval provided it. */
  passage?: {text: string; highlight: {start: number; end: number}; fromOrdinal?: number; toOrdinal?: number};
}

export interface RedactionFinding {
  kind: string;
  preview: string;
}

export type MessageStatus = "streaming" | "complete" | "stopped" | "error";

/**
 * How an answer was made: grounded in the knowledge base (it cites at least one of its sources),
 * written with knowledge-base passages at hand but citing none of them ("uncited"), excerpts only (no
 * model), a plain "the knowledge base does not cover this", or the model's general knowledge.
 */
export type AnswerMode = "grounded" | "uncited" | "retrieval-only" | "no-answer" | "general";

export interface AnswerMetrics {
  redactionMs: number;
  retrievalMs: number;
  /** Parts of retrievalMs, where the search reported them. */
  search?: {embedMs: number; retrieveMs: number; rerankMs?: number} | null;
  /** Fitting sources and history into the context (token counting). */
  promptMs?: number;
  usage: GenerationUsage | null;
  timings: GenerationTimings | null;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  role: "user" | "assistant";
  content: string;
  createdAt: string;
  status: MessageStatus;
  mode: AnswerMode | null;
  sources: Citation[];
  redactions: RedactionFinding[];
  metrics: AnswerMetrics | null;
  feedback: {rating: "up" | "down"; comment: string | null} | null;
  notice: string | null;
  error: {code: string; message: string} | null;
}

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

/**
 * What the model is told of the conversation's first messages once they no longer fit its context:
 * a summary the model wrote, or, where no model could write one, the questions asked.
 */
export interface EarlierSummary {
  text: string;
  /** How many of the conversation's first messages (errors and empty ones not counted) it stands for. */
  covers: number;
  by: "model" | "questions";
  createdAt: string;
}

export interface Conversation extends ConversationSummary {
  messages: StoredMessage[];
  /** Set once earlier messages were summarised to fit the model's context. */
  earlier?: EarlierSummary | null;
}

export const TICKET_CATEGORIES = ["account", "network", "hardware", "software", "email", "printing", "security", "other"] as const;
export const TICKET_PRIORITIES = ["low", "medium", "high", "critical"] as const;

export interface TicketDraft {
  title: string;
  category: (typeof TICKET_CATEGORIES)[number];
  priority: (typeof TICKET_PRIORITIES)[number];
  affectedSystem: string;
  symptoms: string[];
  stepsTried: string[];
  resolution: string;
}
