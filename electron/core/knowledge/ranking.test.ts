import {describe, expect, it} from "vitest";
import {addDocumentEvidence, applyPrior, applyRerankScores, diversify, fuseLists, queryPairs, termProximity, type ScoredCandidate} from "./ranking.js";
import {calibrationCurrent, pseudoQuestion, weightsForRatio, type FusionCalibration} from "./fusion-calibration.js";

const c = (id: string) => ({id, documentId: id.split(":")[0]});

describe("fuseLists", () => {
  it("adds weighted reciprocal ranks of both lists", () => {
    const fused = fuseLists({text: [c("a:0"), c("b:0")], vector: [c("b:0"), c("c:0")], weights: {text: 1, vector: 1}});
    expect(fused.map((f) => f.id)).toEqual(["b:0", "a:0", "c:0"]);
    expect(fused[0].fused).toBeCloseTo(1 / 62 + 1 / 61, 10);
    expect(fused[0]).toMatchObject({textRank: 1, vectorRank: 0});
  });

  it("ignores a list whose weight is 0 for the order, keeping its candidates after the others", () => {
    const fused = fuseLists({text: [c("a:0"), c("b:0")], vector: [c("z:0"), c("b:0")], weights: {text: 1, vector: 0}});
    expect(fused.map((f) => f.id)).toEqual(["a:0", "b:0", "z:0"]);
  });

  it("counts a chunk once per list even when a list repeats it", () => {
    const fused = fuseLists({text: [c("a:0"), c("a:0")], vector: [], weights: {text: 1, vector: 1}});
    expect(fused).toHaveLength(1);
    expect(fused[0].fused).toBeCloseTo(1 / 61, 10);
  });
});

describe("score fusion", () => {
  it("keeps how far the best BM25 stands out, where rank fusion flattens it", () => {
    const text = [{...c("a:0"), score: 72}, {...c("b:0"), score: 49}];
    const vector = [{...c("b:0"), score: 0.61}, {...c("a:0"), score: 0.6}];
    const weights = {text: 1, vector: 0.5};
    expect(fuseLists({text, vector, weights}, "score")[0].id).toBe("a:0");
    expect(fuseLists({text, vector, weights}, "rrf")[0].id).toBe("a:0");
    // With equal weights rank fusion ties them up and lets the id decide; scores still prefer a.
    expect(fuseLists({text, vector, weights: {text: 1, vector: 1}}, "score")[0].id).toBe("a:0");
  });

  it("scales similarities by their lift over the weakest candidate, so a list where everything is alike adds nothing", () => {
    const alike = fuseLists({text: [], vector: [{...c("a:0"), score: 0.5}, {...c("b:0"), score: 0.5}], weights: {text: 1, vector: 1}}, "score");
    expect(alike.map((f) => f.fused)).toEqual([0, 0]);
    const sharp = fuseLists({text: [], vector: [{...c("a:0"), score: 0.9}, {...c("b:0"), score: 0.5}], weights: {text: 1, vector: 1}}, "score");
    expect(sharp[0].fused).toBeCloseTo(0.8, 10);
  });
});

describe("document prior and re-ranking", () => {
  const scored = (id: string, fused: number): ScoredCandidate => ({...c(id), fused});

  it("lets a team's document win a close call against a starter article", () => {
    const out = applyPrior([scored("starter:0", 0.5), scored("team:0", 0.45)], (c) => (c.documentId === "starter" ? 0.7 : 1));
    expect(out.map((x) => x.id)).toEqual(["team:0", "starter:0"]);
    expect(out[1].fused).toBeCloseTo(0.35, 10);
  });

  it("re-orders the re-ranked head by the model's scores and keeps it ahead of the rest", () => {
    const out = applyRerankScores([scored("a:0", 0.9), scored("b:0", 0.8), scored("c:0", 0.7), scored("d:0", 0.6)], 3, [0.1, 0.9, 0.5]);
    expect(out.map((x) => x.id)).toEqual(["b:0", "c:0", "a:0", "d:0"]);
    expect(out[2].fused).toBeGreaterThan(out[3].fused);
  });
});

describe("addDocumentEvidence", () => {
  const scored = (id: string, fused: number): ScoredCandidate => ({...c(id), fused});

  it("lifts a chunk whose document has other matching chunks above a lone match of equal score", () => {
    const out = addDocumentEvidence([scored("lone:0", 0.02), scored("many:0", 0.02), scored("many:1", 0.01), scored("many:2", 0.01)], 0.5);
    expect(out[0].id).toBe("many:0");
    expect(out.find((x) => x.id === "lone:0")!.fused).toBe(0.02);
  });

  it("halves each further chunk's contribution, so a long document's weak matches cannot outweigh a strong one", () => {
    const weak = Array.from({length: 40}, (_, i) => scored(`long:${i}`, 0.005));
    const out = addDocumentEvidence([scored("short:0", 0.03), ...weak], 0.5);
    expect(out[0].id).toBe("short:0");
  });

  it("with a window, counts only the candidates near the chunk: a long manual's matches in other chapters are no evidence", () => {
    // The manual matches in chapters far apart (ordinals 0, 300, 600); the page's two matches sit together.
    const input = [scored("manual:0", 0.02), scored("manual:300", 0.02), scored("manual:600", 0.02), scored("page:0", 0.02), scored("page:3", 0.01)];
    expect(addDocumentEvidence(input, 0.5)[0].id).toMatch(/^manual:/);
    const local = addDocumentEvidence(input, 0.5, 8);
    expect(local[0].id).toBe("page:0");
    expect(local.find((x) => x.id === "manual:300")!.fused).toBe(0.02);
    expect(local.find((x) => x.id === "page:0")!.fused).toBeCloseTo(0.02 + 0.5 * 0.5 * 0.01, 10);
  });

  it("changes nothing with share 0", () => {
    const input = [scored("a:0", 0.01), scored("a:1", 0.005)];
    expect(addDocumentEvidence(input, 0)).toBe(input);
  });
});

describe("diversify", () => {
  const scored = (id: string, fused: number): ScoredCandidate => ({...c(id), fused});
  const list = [scored("big:0", 0.1), scored("big:1", 0.09), scored("big:2", 0.08), scored("big:3", 0.07), scored("small:0", 0.06), scored("other:0", 0.03)];

  it("keeps the plain order with no decay and no cap", () => {
    expect(diversify(list, 5, {repeatDecay: 1, perDocumentCap: 0}).map((x) => x.id)).toEqual(["big:0", "big:1", "big:2", "big:3", "small:0"]);
  });

  it("discounts repeats of a document so other documents reach the top five", () => {
    const ids = diversify(list, 5, {repeatDecay: 0.5, perDocumentCap: 0}).map((x) => x.id);
    expect(ids.slice(0, 2)).toEqual(["big:0", "small:0"]);
    expect(ids).toContain("other:0");
  });

  it("caps one document, then fills with it when nothing else is left", () => {
    const ids = diversify(list, 6, {repeatDecay: 1, perDocumentCap: 2}).map((x) => x.id);
    expect(ids.slice(0, 4)).toEqual(["big:0", "big:1", "small:0", "other:0"]);
    expect(ids).toHaveLength(6);
  });

  it("counts only nearby chunks of a long document as repeats when given a window", () => {
    // A manual's chapter on copying (chunks 10, 11) and its chapter on splitting (chunk 400), a page beside it.
    const manual = [scored("book:10", 0.1), scored("book:11", 0.09), scored("book:400", 0.08), scored("page:0", 0.06)];
    // Without a window the far chapter is discounted like the next passage of the same one.
    expect(diversify(manual, 3, {repeatDecay: 0.5, perDocumentCap: 0}).map((x) => x.id)).toEqual(["book:10", "page:0", "book:11"]);
    // With one, the far chapter stands on its own score; the neighbouring passage is still discounted.
    expect(diversify(manual, 3, {repeatDecay: 0.5, perDocumentCap: 0, repeatWindow: 25}).map((x) => x.id)).toEqual(["book:10", "book:400", "page:0"]);
    // The cap still counts the whole document.
    expect(diversify(manual, 3, {repeatDecay: 1, perDocumentCap: 2, repeatWindow: 25}).map((x) => x.id)).toEqual(["book:10", "book:11", "page:0"]);
  });

  it("lets fallback candidates in only on more evidence than the team passage they displace, before its discount", () => {
    // One long manual of the team's and two generic articles, already weighted down by their prior.
    const manual = [scored("manual:0", 0.1), scored("manual:1", 0.09), scored("manual:2", 0.08), scored("manual:3", 0.05), scored("manual:4", 0.04)];
    const generic = [scored("vpn:0", 0.06), scored("mail:0", 0.045)];
    const fallback = (x: ScoredCandidate) => !x.documentId.startsWith("manual");
    const options = {repeatDecay: 0.5, perDocumentCap: 3};
    // Without the rule the discount on the manual's second and third passages lets both articles in.
    expect(diversify([...manual, ...generic], 5, options).map((x) => x.id)).toEqual(["manual:0", "vpn:0", "manual:1", "mail:0", "manual:2"]);
    // With it an article beats only the passages it outscores: manual:3 (0.05) but not manual:2 (0.08).
    const ids = diversify([...manual, ...generic], 5, {...options, fallback}).map((x) => x.id);
    expect(ids).toEqual(["manual:0", "manual:1", "manual:2", "vpn:0", "manual:3"]);
    // An article with the strongest evidence still comes first.
    expect(diversify([...manual, scored("vpn:1", 0.2)], 3, {...options, fallback}).map((x) => x.id)).toEqual(["vpn:1", "manual:0", "manual:1"]);
    // With no team candidates left, the articles fill the list.
    expect(diversify([manual[0], ...generic], 3, {...options, fallback}).map((x) => x.id)).toEqual(["manual:0", "vpn:0", "mail:0"]);
  });
});

describe("term proximity", () => {
  it("pairs adjacent query terms once each, never a term with itself", () => {
    expect(queryPairs(["relay", "access", "deni"])).toEqual([["relay", "access"], ["access", "deni"]]);
    expect(queryPairs(["mail", "mail", "queue", "mail", "queue"])).toEqual([["mail", "queue"]]);
    expect(queryPairs(["kinit"])).toEqual([]);
  });

  it("scores the share of pairs found next to each other, in either order", () => {
    const pairs = queryPairs(["relay", "access", "deni"]);
    expect(termProximity(pairs, ["server", "relay", "access", "deni", "log"])).toBe(1);
    expect(termProximity(pairs, ["deni", "access", "relay"])).toBe(1);
    expect(termProximity(pairs, ["relay", "access", "host", "deni"])).toBe(0.5);
    expect(termProximity(pairs, ["relay", "host", "access", "host", "deni"])).toBe(0);
  });

  it("counts pairs up to the window apart", () => {
    const pairs = queryPairs(["admin", "password"]);
    const text = ["admin", "princip", "chang", "password", "admin"];
    expect(termProximity(pairs, text, 1)).toBe(1);
    expect(termProximity(pairs, ["admin", "princip", "chang", "password"], 2)).toBe(0);
    expect(termProximity(pairs, ["admin", "princip", "chang", "password"], 3)).toBe(1);
  });

  it("scores 0 without pairs or matches", () => {
    expect(termProximity([], ["a", "b"])).toBe(0);
    expect(termProximity(queryPairs(["a", "b"]), [])).toBe(0);
  });
});

describe("fusion calibration pieces", () => {
  it("draws the same pseudo-question from the same text, with words dropped and shuffled", () => {
    const text = "Restart the print spooler service after clearing the stuck jobs from the queue folder on the server.";
    const q = pseudoQuestion(text)!;
    expect(q).toBe(pseudoQuestion(text));
    const words = q.split(" ");
    expect(words.length).toBeGreaterThanOrEqual(3);
    expect(words.length).toBeLessThan(text.split(" ").length);
    for (const word of words) expect(text).toContain(word);
  });

  it("has no pseudo-question for text without a sentence of six words", () => {
    expect(pseudoQuestion("Short. Too short.")).toBeNull();
  });

  it("turns a ratio into weights that never exceed 1", () => {
    expect(weightsForRatio(0)).toEqual({text: 1, vector: 0});
    expect(weightsForRatio(0.5)).toEqual({text: 1, vector: 0.5});
    expect(weightsForRatio(2)).toEqual({text: 0.5, vector: 1});
  });

  it("asks for a new measurement after a model change or a quarter more or fewer chunks", () => {
    const measured: FusionCalibration = {weights: {text: 1, vector: 0.5}, samples: 80, mrr: {text: 0.5, vector: 0.3, fused: 0.55}, chunks: 1000, model: "m", measuredAt: ""};
    expect(calibrationCurrent(measured, 1100, "m")).toBe(true);
    expect(calibrationCurrent(measured, 1300, "m")).toBe(false);
    expect(calibrationCurrent(measured, 700, "m")).toBe(false);
    expect(calibrationCurrent(measured, 1000, "other")).toBe(false);
    expect(calibrationCurrent(null, 1000, "m")).toBe(false);
  });
});
