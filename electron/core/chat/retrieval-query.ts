import type {ChatMessage} from "../../../shared/models.js";

/** How many earlier user turns join the retrieval query. */
const PREVIOUS_TURNS = 2;
const MAX_QUERY_CHARS = 1500;

/**
 * The search query for a message: the message itself first, then the previous questions, so a
 * follow-up like "it happens every 5 minutes" still finds the articles the conversation is about.
 */
export function retrievalQuery(message: string, history: ChatMessage[]): string {
  const previous = history
    .filter((m) => m.role === "user")
    .slice(-PREVIOUS_TURNS)
    .reverse()
    .map((m) => m.content);
  return [message, ...previous].join("\n").slice(0, MAX_QUERY_CHARS);
}
