import type {ChatHistoryItem} from "node-llama-cpp";
import type {ChatMessage} from "../../../shared/models.js";
import {DesksideError} from "../../../shared/errors.js";

/**
 * Converts OpenAI-style messages to node-llama-cpp's history. System messages are merged into one
 * leading system item; consecutive messages of the same role are joined so every template accepts
 * them; an empty model turn at the end is what the model completes.
 */
export function toLlamaHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  if (messages.length === 0) throw new DesksideError("INVALID_INPUT", "At least one message is needed.");
  const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const history: ChatHistoryItem[] = system ? [{type: "system", text: system}] : [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const last = history[history.length - 1];
    if (message.role === "user") {
      if (last?.type === "user") last.text += `\n\n${message.content}`;
      else history.push({type: "user", text: message.content});
    } else if (last?.type === "model") {
      last.response.push(`\n\n${message.content}`);
    } else {
      history.push({type: "model", response: [message.content]});
    }
  }
  const last = history[history.length - 1];
  // A trailing assistant message is a prefix the model continues; otherwise it starts a fresh turn.
  if (last?.type !== "model") history.push({type: "model", response: []});
  return history;
}
