import {describe, expect, it} from "vitest";
import {feedbackTerms, mergeFeedback} from "./query-feedback.js";

const idf: Record<string, number> = {relay: 3, access: 2, deni: 2.5, smtpd: 4, mail: 0.5, postfix: 1, client: 1.5, the: 0};

describe("feedbackTerms", () => {
  it("picks words the leading passages share, weighted by idf, leaving out the question's own", () => {
    const passages = [
      {terms: ["mail", "relay", "access", "deni", "smtpd", "postfix"], score: 10},
      {terms: ["mail", "relay", "deni", "client", "smtpd"], score: 8},
      {terms: ["mail", "postfix", "client", "access"], score: 4},
    ];
    const terms = feedbackTerms(["mail", "refus"], passages, (t) => idf[t], 3);
    expect(terms).toEqual(["smtpd", "relay", "deni"]);
    expect(terms).not.toContain("mail");
  });

  it("leaves out a word only one passage has, and words without statistics or weight", () => {
    const passages = [
      {terms: ["relay", "unknownword", "the", "client"], score: 5},
      {terms: ["relay", "unknownword", "the", "access"], score: 5},
    ];
    const idfWithout = (t: string) => (t === "unknownword" ? undefined : idf[t]);
    expect(feedbackTerms([], passages, idfWithout, 10)).toEqual(["relay"]);
  });

  it("weighs a passage by how strongly the first search matched it", () => {
    const passages = [
      {terms: ["client", "x"], score: 10},
      {terms: ["access", "x"], score: 1},
      {terms: ["client", "access"], score: 1},
    ];
    expect(feedbackTerms([], passages, (t) => idf[t] ?? 1, 3, 2)).toEqual(["client", "x", "access"]);
  });

  it("returns nothing when asked for no words or when nothing matched", () => {
    expect(feedbackTerms([], [{terms: ["relay", "relay"], score: 1}], (t) => idf[t], 0)).toEqual([]);
    expect(feedbackTerms([], [{terms: ["relay"], score: 0}], (t) => idf[t], 5)).toEqual([]);
  });
});

describe("mergeFeedback", () => {
  const cand = (id: string, bm25: number) => ({id, documentId: id.split(":")[0], bm25});

  it("adds the second search's scores, scaled to the first's best, at the given weight", () => {
    const merged = mergeFeedback([cand("a:0", 10), cand("b:0", 8)], [cand("b:0", 4), cand("c:0", 2)], 0.5, 10);
    // Scale: 0.5 × 10 / 4 = 1.25 per point of the second search.
    expect(merged.map((c) => [c.id, c.bm25])).toEqual([
      ["b:0", 13],
      ["a:0", 10],
      ["c:0", 2.5],
    ]);
  });

  it("keeps the first list as it was without second-search matches or weight", () => {
    const first = [cand("a:0", 3)];
    expect(mergeFeedback(first, [], 0.5, 10)).toBe(first);
    expect(mergeFeedback(first, [cand("b:0", 1)], 0, 10)).toBe(first);
  });

  it("cuts the merged list at the limit", () => {
    expect(mergeFeedback([cand("a:0", 3), cand("b:0", 2)], [cand("c:0", 9)], 1, 2).map((c) => c.id)).toEqual(["a:0", "c:0"]);
  });
});
