import {describe, expect, it} from "vitest";
import {comparisonRows, pairedDifference, type RankedQuestions} from "../../bench/retrieval-eval/paired-comparison.js";

/** A corpus of `n` questions where method "a" ranks the right hit at `a(i)` and "b" at `b(i)`. */
const corpus = (name: string, n: number, a: (i: number) => number, b: (i: number) => number): RankedQuestions => ({
  corpus: name,
  perQuestion: Array.from({length: n}, (_, i) => ({id: `${name}-${i}`, ranks: {a: a(i), b: b(i)}, ranksWithStarter: {a: b(i)}})),
});

describe("paired comparison of retrieval methods", () => {
  it("finds no difference between a method and itself", () => {
    const d = pairedDifference([corpus("x", 40, (i) => (i % 4) + 1, (i) => (i % 4) + 1)], "a", "b", "MRR@10")!;
    expect([d.difference, d.low, d.high, d.better, d.worse]).toEqual([0, 0, 0, 0, 0]);
  });

  it("gives an interval clear of zero for a method better on most questions, and one spanning zero for a method better on a few", () => {
    const clear = pairedDifference([corpus("x", 60, (i) => (i % 10 === 0 ? 2 : 1), () => 2)], "a", "b", "R@1")!;
    expect(clear.difference).toBeCloseTo(0.9, 6);
    expect(clear.low).toBeGreaterThan(0.7);
    expect([clear.better, clear.worse]).toEqual([54, 0]);
    // Four questions better and three worse out of 60 is what a different draw of questions could give.
    const slight = pairedDifference([corpus("x", 60, (i) => (i < 4 ? 1 : i < 7 ? 3 : 2), () => 2)], "a", "b", "MRR@10")!;
    expect([slight.better, slight.worse]).toEqual([4, 3]);
    expect(slight.low).toBeLessThan(0);
    expect(slight.high).toBeGreaterThan(0);
  });

  it("weighs each corpus the same in an average, whatever its size, and repeats a run exactly", () => {
    // A small corpus where "a" wins every question and a large one where nothing differs.
    const corpora = [corpus("small", 10, () => 1, () => 0), corpus("large", 200, () => 1, () => 1)];
    const d = pairedDifference(corpora, "a", "b", "R@5")!;
    expect(d.difference).toBeCloseTo(0.5, 6);
    expect(pairedDifference(corpora, "a", "b", "R@5")).toEqual(d);
  });

  it("compares a method with itself with the starter articles present, and names each row", () => {
    const rows = comparisonRows([corpus("x", 20, () => 1, () => 3), corpus("y", 20, () => 1, () => 1)], [["a +starter", "a"]]);
    expect(rows.map((r) => r.scope)).toEqual(["x", "y", "average"]);
    expect(rows[0].comparison).toBe("a +starter vs a");
    expect(rows[0]["questions better / worse (MRR)"]).toBe("0 / 20");
    expect(String(rows[0]["R@1 difference [95 % interval]"])).toMatch(/^−1\.000/);
    const perCorpusOnly = comparisonRows([corpus("x", 20, () => 1, () => 3), corpus("y", 20, () => 1, () => 1)], [["a", "b"]], {average: false});
    expect(perCorpusOnly.map((r) => r.scope)).toEqual(["x", "y"]);
  });
});
