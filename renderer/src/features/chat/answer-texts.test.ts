import {describe, expect, it} from "vitest";
import {AnswerTexts} from "./answer-texts.js";

describe("AnswerTexts", () => {
  it("appends tokens in order and reports only what changed", () => {
    const answers = new AnswerTexts();
    answers.add("a", "Check ", 0);
    answers.add("a", "the firewall", 6);
    expect(answers.takeChanged()).toEqual(new Map([["a", "Check the firewall"]]));
    expect(answers.takeChanged().size).toBe(0);
  });

  it("lines up a late reader: a snapshot of the beginning, then tokens, whichever comes first", () => {
    const answers = new AnswerTexts();
    // The answer is "Allow UDP 500" + " and" + " 4500". The last token arrives before the snapshot: it waits.
    answers.add("a", " 4500", 17);
    expect(answers.takeChanged().size).toBe(0);
    // The snapshot was taken half-way through " and"; that token is then not doubled.
    answers.seed("a", "Allow UDP 500 an");
    expect(answers.takeChanged()).toEqual(new Map([["a", "Allow UDP 500 an"]]));
    answers.add("a", " and", 13);
    expect(answers.takeChanged()).toEqual(new Map([["a", "Allow UDP 500 and 4500"]]));
    // A stale snapshot (shorter than what is known) changes nothing.
    answers.seed("a", "Allow");
    expect(answers.takeChanged().size).toBe(0);
  });

  it("keeps a gap open until it is filled, and forgets an answer that is done", () => {
    const answers = new AnswerTexts();
    answers.add("a", "one ", 0);
    answers.add("a", "three", 8);
    expect(answers.takeChanged()).toEqual(new Map([["a", "one "]]));
    answers.add("a", "two ", 4);
    expect(answers.takeChanged()).toEqual(new Map([["a", "one two three"]]));
    answers.drop("a");
    answers.add("a", "later", 13);
    expect(answers.takeChanged().size).toBe(0);
  });
});
