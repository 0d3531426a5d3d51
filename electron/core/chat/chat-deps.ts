/**
 * What ChatService needs from the rest of the core, each as small as it is used. The app passes the
 * real knowledge service, engine router, conversation store and event bus; unit tests pass fakes.
 */
import type {EventSink} from "../../../shared/contract.js";
import type {KnowledgeDocument, SearchRequest, SearchResult} from "../../../shared/knowledge.js";
import type {Settings} from "../../../shared/settings.js";
import type {ChatEngine} from "../llm/engine.js";
import type {ConversationStore} from "./conversation-store.js";

/** Retrieval for answers, and saving a resolved conversation as an article. */
export interface ChatKnowledge {
  search(request: SearchRequest): Promise<SearchResult>;
  addMarkdownDocument(input: {title: string; markdown: string; collection?: string | null; origin?: string}): Promise<KnowledgeDocument>;
}

/** The model that writes answers and tickets (local, remote, or both in fallback order). */
export type AnswerEngine = Pick<ChatEngine, "isReady" | "contextSize" | "countTokens" | "generate">;

/** Conversations and their messages, read from memory and written in order. */
export type ConversationRecords = Pick<
  ConversationStore,
  | "list"
  | "count"
  | "ownerOf"
  | "summary"
  | "messagesOf"
  | "findMessage"
  | "saveConversation"
  | "saveMessage"
  | "deleteMessages"
  | "clearMessages"
  | "deleteConversation"
  | "earlierSummary"
  | "saveEarlierSummary"
>;

/** The events chat owns: streamed tokens, stored messages, and changed conversations. */
export type ChatEvents = EventSink<"chat.token" | "chat.queued" | "chat.message" | "chat.changed">;

export interface ChatServiceDeps {
  store: ConversationRecords;
  knowledge: ChatKnowledge;
  engine: AnswerEngine;
  events: ChatEvents;
  /** The settings in effect (redaction, retrieval, chat, generation). */
  settings: () => Settings;
  /** Where to send unexpected failures (the log), never the user. */
  log?: (error: unknown, context: string) => void;
}
