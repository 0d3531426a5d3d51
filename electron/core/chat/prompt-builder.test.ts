import {describe, expect, it} from "vitest";
import type {SearchHit} from "../../../shared/knowledge.js";
import {buildPrompt} from "./prompt-builder.js";
import {truncateToTokens} from "./token-budget.js";
import {retrievalQuery} from "./retrieval-query.js";
import {citedIndexes, passagesAnswer, toCitations} from "./citations.js";

/** One token per whitespace-separated word: enough to check the budgeting arithmetic. */
const countWords = async (text: string) => text.split(/\s+/).filter(Boolean).length;

function hit(i: number, words: number): SearchHit {
  return {chunkId: `c${i}`, documentId: `d${i}`, title: `Article ${i}`, sourcePath: `/kb/${i}.md`, headingPath: ["Steps"], page: null, row: null, text: Array.from({length: words}, (_, w) => `w${i}_${w}`).join(" "), collection: null, score: 1 - i / 10, scores: {}};
}

describe("buildPrompt", () => {
  it("numbers passages in rank order and puts them in the system message", async () => {
    const built = await buildPrompt({systemPrompt: "Be helpful.", sources: [hit(1, 20), hit(2, 20)], history: [], question: "vpn 809?", answerMode: "strict", contextSize: 2048, maxAnswerTokens: 256, countTokens: countWords});
    expect(built.sources.map((s) => s.chunkId)).toEqual(["c1", "c2"]);
    expect(built.messages[0].content).toMatch(/\[1\] Article 1 — Steps[\s\S]*\[2\] Article 2/);
    expect(built.messages.at(-1)).toEqual({role: "user", content: "vpn 809?"});
  });

  it("always fits: drops oldest turns and low-ranked passages, caps the answer", async () => {
    const history = Array.from({length: 40}, (_, i) => ({role: (i % 2 ? "assistant" : "user") as "user" | "assistant", content: `turn ${i} `.repeat(30)}));
    const built = await buildPrompt({systemPrompt: "Be helpful.", sources: Array.from({length: 10}, (_, i) => hit(i, 300)), history, question: "and now? ".repeat(50), answerMode: "strict", contextSize: 2048, maxAnswerTokens: 4000, countTokens: countWords});
    expect(built.maxTokens).toBeLessThanOrEqual(1024);
    expect(built.promptTokens + built.maxTokens).toBeLessThanOrEqual(2048);
    expect(built.droppedTurns).toBeGreaterThan(0);
    expect(built.sources.length).toBeLessThan(10);
    expect(built.messages[1]?.role).toBe("user");
    expect(built.messages[0].content).toMatch(/left out to fit/);
    // The newest turn is the one kept.
    expect(built.messages.at(-2)?.content).toContain("turn 39");
  });

  it("puts a summary of earlier turns before the passages, within its share of the budget", async () => {
    const history = [{role: "user" as const, content: "turn 9 question"}, {role: "assistant" as const, content: "turn 9 answer"}];
    const built = await buildPrompt({systemPrompt: "Be helpful.", sources: [hit(1, 20)], history, earlier: "Kyocera FS-4200 in room 214, error C6000.", question: "which printer?", answerMode: "strict", contextSize: 2048, maxAnswerTokens: 256, countTokens: countWords});
    const system = built.messages[0].content;
    expect(system).toContain("Earlier in this conversation:\nKyocera FS-4200 in room 214, error C6000.");
    expect(system.indexOf("Earlier in this conversation")).toBeLessThan(system.indexOf("[1] Article 1"));
    expect(system).not.toMatch(/left out to fit/);
    const long = await buildPrompt({systemPrompt: "S", sources: [], history: [], earlier: "fact ".repeat(5000), question: "q", answerMode: "general", contextSize: 1024, maxAnswerTokens: 64, countTokens: countWords});
    expect(long.promptTokens + long.maxTokens).toBeLessThanOrEqual(1024);
  });

  it("asks for a 'not from the knowledge base' answer when there are no passages", async () => {
    const built = await buildPrompt({systemPrompt: "S", sources: [], history: [], question: "q", answerMode: "general", contextSize: 512, maxAnswerTokens: 64, countTokens: countWords});
    expect(built.messages[0].content).toMatch(/Not from the knowledge base/);
  });
});

describe("helpers", () => {
  it("truncateToTokens keeps start and end when asked", async () => {
    const text = Array.from({length: 100}, (_, i) => `x${i}`).join(" ");
    const cut = await truncateToTokens(text, 20, countWords, true);
    expect(await countWords(cut)).toBeLessThanOrEqual(20);
    expect(cut.startsWith("x0 ")).toBe(true);
    expect(cut.endsWith("x99")).toBe(true);
  });

  it("retrievalQuery puts the message first, then recent questions", () => {
    const query = retrievalQuery("it happens every 5 minutes", [
      {role: "user", content: "printer jam"},
      {role: "user", content: "wifi keeps dropping"},
      {role: "assistant", content: "try this"},
    ]);
    expect(query.split("\n")).toEqual(["it happens every 5 minutes", "wifi keeps dropping", "printer jam"]);
  });

  it("citations keep numbering; passages answer cites them", () => {
    const citations = toCitations([hit(1, 5), hit(2, 5)]);
    expect(citations.map((c) => c.index)).toEqual([1, 2]);
    expect(citedIndexes(passagesAnswer(citations))).toEqual([1, 2]);
  });
});

describe("source labels", () => {
  it("do not repeat the document title that heads the section trail", () => {
    const h = {...hit(1, 5), title: "VPN Error 809", headingPath: ["VPN Error 809", "Steps"], page: 2};
    expect(passagesAnswer(toCitations([h]))).toContain("**[1] VPN Error 809** — Steps, page 2");
  });
});

