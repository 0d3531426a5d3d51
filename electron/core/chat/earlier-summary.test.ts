import {describe, expect, it} from "vitest";
import type {GenerationResult} from "../../../shared/models.js";
import type {AnswerEngine} from "./chat-deps.js";
import {questionsList, summariseEarlier} from "./earlier-summary.js";

const NOW = () => "2026-12-02T10:00:00.000Z";
const TURNS = [
  {role: "user" as const, content: "The printer in room 214 shows error C6000."},
  {role: "assistant" as const, content: "Reseat the fuser."},
  {role: "user" as const, content: `It still fails ${"after reseating ".repeat(40)}`},
  {role: "assistant" as const, content: "Call the vendor."},
];

function engine(behaviour: "answers" | "fails" | "not-ready"): AnswerEngine {
  return {
    isReady: () => behaviour !== "not-ready",
    contextSize: () => 2048,
    countTokens: async (text) => Math.ceil(text.length / 4),
    generate: async (): Promise<GenerationResult> => {
      if (behaviour === "fails") throw new Error("the server went away");
      return {text: " Room 214 printer, error C6000; fuser reseated. ", finishReason: "stop", usage: {promptTokens: 1, completionTokens: 1, totalTokens: 2}, timings: {queueMs: 0, timeToFirstTokenMs: 1, totalMs: 1, tokensPerSecond: null}, engine: "local", model: "m"};
    },
  };
}

describe("summarising earlier messages", () => {
  it("keeps what the model wrote", async () => {
    expect(await summariseEarlier(engine("answers"), null, TURNS, {covers: 4, now: NOW})).toEqual({text: "Room 214 printer, error C6000; fuser reseated.", by: "model", covers: 4, createdAt: NOW()});
  });

  it("lists the questions when no model can write a summary, continuing an earlier list", async () => {
    for (const behaviour of ["fails", "not-ready"] as const) {
      const summary = await summariseEarlier(engine(behaviour), null, TURNS, {covers: 4, now: NOW});
      expect(summary.by).toBe("questions");
      expect(summary.text.split("\n")).toEqual(["Questions asked earlier in this conversation:", "1. The printer in room 214 shows error C6000.", `2. ${TURNS[2].content.replace(/\s+/g, " ").trim().slice(0, 200)}`]);
    }
    const first = await summariseEarlier(engine("fails"), null, TURNS.slice(0, 2), {covers: 2, now: NOW});
    const next = questionsList(first, [{role: "user", content: "Now the scanner too."}]);
    expect(next.split("\n").slice(1)).toEqual(["1. The printer in room 214 shows error C6000.", "2. Now the scanner too."]);
  });
});
