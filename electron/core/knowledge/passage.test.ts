import {describe, expect, it} from "vitest";
import {buildPassage, mergeChunks, withoutOverlap} from "./passage.js";
import type {StoredChunk} from "./store-schema.js";

function chunk(ordinal: number, text: string, headingPath: string[] = ["Guide", "Fix"]): StoredChunk {
  return {id: `d:${ordinal}`, documentId: "d", ordinal, text, headingPath, page: null, row: null, collection: null, title: "Guide", sourcePath: "/g.md"};
}

describe("withoutOverlap", () => {
  it("removes the start of the next chunk that repeats the end of the previous one", () => {
    expect(withoutOverlap("Open the client. Then press Connect now.", "Then press Connect now. Check the log.")).toBe("Check the log.");
  });
  it("leaves text alone when nothing overlaps", () => {
    expect(withoutOverlap("First part.", "Second part.")).toBe("Second part.");
  });
});

describe("mergeChunks", () => {
  it("writes overlaps once and records where each chunk sits", () => {
    const merged = mergeChunks([chunk(0, "Step one: open the client. Step two: press Connect."), chunk(1, "Step two: press Connect. Step three.")]);
    expect(merged.text).toBe("Step one: open the client. Step two: press Connect.\n\nStep three.");
    expect(merged.text.slice(merged.ranges[1].start, merged.ranges[1].end)).toContain("Step three.");
    expect(merged.text.slice(merged.ranges[1].start, merged.ranges[1].end)).toContain("Step two: press Connect.");
    expect(merged.text.slice(merged.ranges[1].start).startsWith("Step two: press Connect.")).toBe(true);
  });
  it("does not look for overlap across a gap", () => {
    expect(mergeChunks([chunk(0, "Alpha beta gamma delta."), chunk(2, "gamma delta. Epsilon.")]).text).toBe("Alpha beta gamma delta.\n\ngamma delta. Epsilon.");
  });
});

describe("buildPassage", () => {
  const doc = [
    chunk(0, "Error 809 appears after the update.", ["Guide", "Symptoms"]),
    chunk(1, "The VPN client shows error 809 when connecting.", ["Guide", "Symptoms"]),
    chunk(2, "1. Open the firewall settings.", ["Guide", "Fix"]),
    chunk(3, "2. Allow UDP 500 and 4500.", ["Guide", "Fix"]),
    chunk(4, "Unrelated appendix text.", ["Appendix"]),
  ];

  it("grows forward into the sibling section with the fix steps and stops at another parent", () => {
    const passage = buildPassage(doc[1], doc);
    expect(passage.text).toContain("Allow UDP 500 and 4500");
    expect(passage.text).not.toContain("appendix");
    expect(passage.fromOrdinal).toBe(0);
    expect(passage.toOrdinal).toBe(3);
    expect(passage.text.slice(passage.highlight.start, passage.highlight.end)).toBe(doc[1].text);
  });

  it("keeps within the size budget", () => {
    const passage = buildPassage(doc[1], doc, doc[1].text.length + 40);
    expect(passage.text.length).toBeLessThanOrEqual(doc[1].text.length + 40 + 4);
    expect(passage.text).toContain(doc[1].text);
  });

  it("leaves chunks an earlier passage holds to it and spends the budget on the other side", () => {
    // Without anything taken, the passage around chunk 2 starts at 0; with 0–1 taken it starts at 2.
    expect(buildPassage(doc[2], doc).fromOrdinal).toBe(0);
    const passage = buildPassage(doc[2], doc, undefined, [{fromOrdinal: 0, toOrdinal: 1}]);
    expect(passage).toMatchObject({fromOrdinal: 2, toOrdinal: 3});
    expect(passage.text).not.toContain("error 809");
    expect(passage.text.slice(passage.highlight.start, passage.highlight.end)).toBe(doc[2].text);
  });

  it("is the chunk alone when it has no neighbours", () => {
    const passage = buildPassage(doc[4], []);
    expect(passage).toEqual({text: doc[4].text, fromOrdinal: 4, toOrdinal: 4, highlight: {start: 0, end: doc[4].text.length}});
  });
});
