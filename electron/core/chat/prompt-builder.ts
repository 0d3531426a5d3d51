import type {SearchHit} from "../../../shared/knowledge.js";
import type {ChatMessage} from "../../../shared/models.js";
import {describeLocation} from "./citations.js";
import {truncateToTokens, type TokenCounter} from "./token-budget.js";

export interface PromptInput {
  systemPrompt: string;
  /** Retrieved passages, best first; numbered [1], [2]… in this order. */
  sources: SearchHit[];
  /** Earlier turns, oldest first, without the current question (and without those `earlier` stands for). */
  history: ChatMessage[];
  /** What the model is told of the turns before `history` (earlier-summary.ts), when they were summarised. */
  earlier?: string | null;
  question: string;
  /** "general": the model may add its own knowledge, marked as such. */
  answerMode: "strict" | "general";
  contextSize: number;
  maxAnswerTokens: number;
  countTokens: TokenCounter;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  /** The passages that made it into the prompt, numbered from 1. */
  sources: SearchHit[];
  droppedTurns: number;
  maxTokens: number;
  promptTokens: number;
}

/** Room for the chat template's own tokens around each message. */
const PER_MESSAGE_OVERHEAD = 8;
const FIXED_OVERHEAD = 48;
/** One passage never takes more than this share of the room left for passages. */
const MAX_SOURCE_SHARE = 0.5;

export function describeSource(hit: SearchHit, index: number): string {
  const where = describeLocation(hit.title, hit.headingPath, hit.page, hit.row);
  return `[${index}] ${hit.title}${where ? ` — ${where}` : ""}`;
}

function groundingInstructions(answerMode: PromptInput["answerMode"], hasSources: boolean): string {
  if (!hasSources)
    return "No knowledge-base excerpt matches this question. Answer from general IT knowledge and start your answer with \"Not from the knowledge base:\".";
  return answerMode === "strict"
    ? "Answer only from the excerpts below. If they do not contain the answer, say that the knowledge base does not cover it."
    : "Prefer the excerpts below. Where you add general IT knowledge that is not in them, say so explicitly.";
}

/**
 * Builds the messages for a grounded answer so that instructions, passages, history and the answer
 * always fit the model's context: the answer budget is reserved first, then the question, then
 * passages by rank (each capped), then as many recent turns as fit; older turns are dropped.
 */
export async function buildPrompt(input: PromptInput): Promise<BuiltPrompt> {
  const count = input.countTokens;
  const maxTokens = Math.max(16, Math.min(input.maxAnswerTokens, Math.floor(input.contextSize / 2)));
  const margin = Math.ceil(input.contextSize * 0.03);
  let room = input.contextSize - maxTokens - FIXED_OVERHEAD - margin;

  const question = await truncateToTokens(input.question, Math.floor(room * 0.4), count, true);
  room -= (await count(question)) + PER_MESSAGE_OVERHEAD;

  const instructions = `${input.systemPrompt}\n\n${groundingInstructions(input.answerMode, input.sources.length > 0)}`;
  const system = await truncateToTokens(instructions, Math.floor(room * 0.3), count);
  room -= (await count(system)) + PER_MESSAGE_OVERHEAD;

  // The summary of earlier turns comes before passages: without it a follow-up loses its thread.
  const earlierText = input.earlier ? await truncateToTokens(`Earlier in this conversation:\n${input.earlier}`, Math.floor(room * 0.2), count, true) : "";
  if (earlierText) room -= (await count(earlierText)) + 2;

  // Passages get up to 70% of what is left; history takes the rest (and any passage room unused).
  const sourceRoom = Math.floor(room * 0.7);
  const used: SearchHit[] = [];
  const blocks: string[] = [];
  let sourceTokens = 0;
  for (const hit of input.sources) {
    const header = describeSource(hit, used.length + 1);
    const headerTokens = (await count(header)) + 2;
    const left = sourceRoom - sourceTokens - headerTokens;
    if (left < 24) break;
    const cap = Math.min(left, Math.floor(sourceRoom * MAX_SOURCE_SHARE));
    // The whole section when it fits (so "what now?" reaches the fix steps), else the matching chunk.
    const section = hit.passage?.text;
    const body = section && (await count(section)) <= cap ? section : await truncateToTokens(hit.text, cap, count);
    if (!body) break;
    blocks.push(`${header}\n${body}`);
    used.push(hit);
    sourceTokens += headerTokens + (await count(body));
  }
  room -= sourceTokens;

  const kept: ChatMessage[] = [];
  for (let i = input.history.length - 1; i >= 0; i--) {
    const turn = input.history[i];
    const tokens = (await count(turn.content)) + PER_MESSAGE_OVERHEAD;
    if (tokens > room) break;
    kept.unshift(turn);
    room -= tokens;
  }
  // A conversation must not start with an orphan answer.
  while (kept[0]?.role === "assistant") kept.shift();
  const droppedTurns = input.history.length - kept.length;

  const systemText = [
    system,
    earlierText,
    droppedTurns > 0 && !earlierText ? "(Earlier turns of this conversation were left out to fit the model's context.)" : "",
    blocks.length ? `Knowledge-base excerpts:\n\n${blocks.join("\n\n")}` : "",
  ]
    .filter(Boolean)
    .join("\n\n");
  const messages: ChatMessage[] = [{role: "system", content: systemText}, ...kept, {role: "user", content: question}];
  const promptTokens = (await count(messages.map((m) => m.content).join("\n"))) + messages.length * PER_MESSAGE_OVERHEAD + FIXED_OVERHEAD;
  return {messages, sources: used, droppedTurns, maxTokens, promptTokens};
}
