import {describe, expect, it} from "vitest";
import {TokenBuffer} from "./token-buffer.js";

describe("TokenBuffer", () => {
  it("keeps each answer's pieces in order until they are taken, leaving the others", () => {
    const buffer = new TokenBuffer();
    buffer.add("a", "Re");
    buffer.add("b", "other ");
    buffer.add("a", "start ");
    buffer.add("a", "the router");
    expect(buffer.take("a")).toEqual(["Re", "start ", "the router"]);
    expect(buffer.take("a")).toEqual([]);
    expect(buffer.size).toBe(1);
    expect(buffer.take("b")).toEqual(["other "]);
    expect(buffer.size).toBe(0);
  });

  it("drains everything joined per answer and starts empty", () => {
    const buffer = new TokenBuffer();
    buffer.add("a", "one ");
    buffer.add("b", "x");
    buffer.add("a", "two");
    const drained = buffer.drain();
    expect([...drained]).toEqual([
      ["a", "one two"],
      ["b", "x"],
    ]);
    expect(buffer.size).toBe(0);
    expect(buffer.drain().size).toBe(0);
    // What was drained is the caller's: later pieces do not change it.
    buffer.add("a", "three");
    expect(drained.get("a")).toBe("one two");
  });

  it("drops one answer or all of them", () => {
    const buffer = new TokenBuffer();
    buffer.add("a", "1");
    buffer.add("b", "2");
    buffer.drop("a");
    expect(buffer.take("a")).toEqual([]);
    expect(buffer.size).toBe(1);
    buffer.clear();
    expect(buffer.size).toBe(0);
  });
});
