import type {StoredMessage} from "../../../../shared/chat.js";

/** Replaces the message with the same id, or appends it. */
export function upsertMessage(messages: StoredMessage[], message: StoredMessage): StoredMessage[] {
  const index = messages.findIndex((existing) => existing.id === message.id);
  if (index === -1) return [...messages, message];
  const next = messages.slice();
  next[index] = message;
  return next;
}

/** The assistant message shown while its first tokens are on their way. */
export function placeholderAnswer(conversationId: string, messageId: string): StoredMessage {
  return {
    id: messageId,
    conversationId,
    role: "assistant",
    content: "",
    createdAt: new Date().toISOString(),
    status: "streaming",
    mode: null,
    sources: [],
    redactions: [],
    metrics: null,
    feedback: null,
    notice: null,
    error: null,
  };
}

export function lastIndexOfRole(messages: StoredMessage[], role: StoredMessage["role"]): number {
  for (let index = messages.length - 1; index >= 0; index--) if (messages[index].role === role) return index;
  return -1;
}

/** Drops everything after the last question (the answer being regenerated). */
export function withoutLastAnswer(messages: StoredMessage[]): StoredMessage[] {
  const lastUser = lastIndexOfRole(messages, "user");
  return lastUser === -1 ? messages : messages.slice(0, lastUser + 1);
}

/** Drops the last question and its answer (the question being edited). */
export function withoutLastExchange(messages: StoredMessage[]): StoredMessage[] {
  const lastUser = lastIndexOfRole(messages, "user");
  return lastUser === -1 ? messages : messages.slice(0, lastUser);
}
