import type {Conversation, StoredMessage} from "../../../shared/chat.js";

function sourcesBlock(message: StoredMessage): string[] {
  if (message.sources.length === 0) return [];
  return ["", "Sources:", ...message.sources.map((s) => `- [${s.index}] ${s.title}${s.headingPath.length ? ` — ${s.headingPath.join(" › ")}` : ""}${s.page ? `, page ${s.page}` : ""}`)];
}

export function conversationToMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, "", `_Exported from Deskside on ${new Date().toISOString().slice(0, 10)}._`];
  for (const message of conversation.messages) {
    lines.push("", message.role === "user" ? "## Question" : "## Answer", "", message.content || "_(empty)_");
    if (message.status === "stopped") lines.push("", "_(stopped before the end)_");
    lines.push(...sourcesBlock(message));
  }
  return `${lines.join("\n")}\n`;
}

export function exportFileName(title: string): string {
  const slug = title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return `${slug || "conversation"}.md`;
}

/** A knowledge-base article from a resolved conversation: the problem, then the answer that solved it. */
export function conversationToArticle(conversation: Conversation, title: string): string {
  const questions = conversation.messages.filter((m) => m.role === "user");
  const answers = conversation.messages.filter((m) => m.role === "assistant" && m.status !== "error" && m.content.trim());
  const lines = [`# ${title}`, "", "## Problem", "", ...questions.map((q) => `- ${q.content.replace(/\n+/g, " ")}`), "", "## Resolution", "", answers.at(-1)?.content ?? "_No resolution recorded._"];
  const sources = answers.flatMap((a) => a.sources);
  if (sources.length) lines.push("", "## Related articles", "", ...[...new Set(sources.map((s) => s.title))].map((t) => `- ${t}`));
  lines.push("", `_Created from a conversation on ${conversation.updatedAt.slice(0, 10)}._`);
  return `${lines.join("\n")}\n`;
}
