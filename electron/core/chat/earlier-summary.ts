import type {EarlierSummary} from "../../../shared/chat.js";
import type {ChatMessage} from "../../../shared/models.js";
import type {AnswerEngine} from "./chat-deps.js";
import {truncateToTokens} from "./token-budget.js";

/** One earlier question in the list kept when no model can summarise: long ones are cut. */
const QUESTION_CHARS = 200;
const SUMMARY_TOKENS = 220;

const INSTRUCTIONS = [
  "Summarise the help-desk conversation below for the assistant that continues it.",
  "Keep every concrete fact: device and system names, error codes and messages, settings, what was tried and what happened, what the user still needs.",
  "Write at most 120 words, in plain sentences, without greetings.",
].join(" ");

/** The earlier questions as a numbered list: what is kept when no model can summarise them. */
export function questionsList(previous: EarlierSummary | null, messages: ChatMessage[]): string {
  const earlier = previous?.by === "questions" ? previous.text.split("\n").slice(1) : [];
  const asked = messages.filter((m) => m.role === "user").map((m) => m.content.replace(/\s+/g, " ").trim().slice(0, QUESTION_CHARS));
  const lines = [...earlier.map((line) => line.replace(/^\d+\.\s*/, "")), ...asked];
  return ["Questions asked earlier in this conversation:", ...lines.map((line, i) => `${i + 1}. ${line}`)].join("\n");
}

function transcript(previous: EarlierSummary | null, messages: ChatMessage[]): string {
  const turns = messages.map((m) => `${m.role === "user" ? "User" : "Assistant"}: ${m.content.trim()}`);
  return [previous ? `Summary of what came before:\n${previous.text}` : "", ...turns].filter(Boolean).join("\n\n");
}

/**
 * A summary of `messages` (the oldest ones that no longer fit), continuing `previous` when there is
 * one. Written by the model when it can; otherwise, or when writing fails, the questions are listed.
 */
export async function summariseEarlier(
  engine: AnswerEngine,
  previous: EarlierSummary | null,
  messages: ChatMessage[],
  options: {covers: number; signal?: AbortSignal; now: () => string; owner?: string},
): Promise<EarlierSummary> {
  const base = {covers: options.covers, createdAt: options.now()};
  if (engine.isReady()) {
    try {
      // A transcript too long for the context loses its middle; the previous summary leads it.
      const room = Math.max(128, engine.contextSize() - SUMMARY_TOKENS - 200);
      const text = await truncateToTokens(transcript(previous, messages), room, (t) => engine.countTokens(t), true);
      const result = await engine.generate(
        [
          {role: "system", content: INSTRUCTIONS},
          {role: "user", content: text},
        ],
        {maxTokens: SUMMARY_TOKENS, temperature: 0.2, signal: options.signal, cacheScope: options.owner},
      );
      const written = result.text.trim();
      if (written && result.finishReason !== "abort") return {...base, text: written, by: "model"};
    } catch {
      // A model that cannot summarise now (busy, unreachable) still leaves the questions.
    }
  }
  return {...base, text: questionsList(previous, messages), by: "questions"};
}
