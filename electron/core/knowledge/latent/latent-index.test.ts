import {describe, expect, it} from "vitest";
import {LatentIndex, LatentIndexBuilder} from "./latent-index.js";

/**
 * Passages on two topics. "tunnel" occurs only beside "vpn" and "ipsec"; "toner" only beside
 * "printer" and "cartridg": a question about the tunnel should come out closer to a VPN passage that
 * never says "tunnel" than to a printer passage.
 */
function passages(): {id: string; terms: string[]}[] {
  const out: {id: string; terms: string[]}[] = [];
  for (let i = 0; i < 12; i++) {
    out.push({id: `vpn-${i}`, terms: ["vpn", "ipsec", i % 2 ? "tunnel" : "client", "connect", `case${i}`]});
    out.push({id: `printer-${i}`, terms: ["printer", "cartridg", i % 2 ? "toner" : "tray", "print", `case${i}`]});
  }
  out.push({id: "vpn-plain", terms: ["vpn", "ipsec", "connect"]});
  out.push({id: "printer-plain", terms: ["printer", "cartridg", "print"]});
  return out;
}

describe("LatentIndex", () => {
  it("relates words that occur together: a question's word need not be in the passage", async () => {
    const index = (await LatentIndex.build(passages(), {rank: 2, seed: 1}))!;
    expect(index).not.toBeNull();
    const query = index.queryVector(["tunnel"])!;
    const vpn = index.similarity("vpn-plain", query)!;
    const printer = index.similarity("printer-plain", query)!;
    expect(vpn).toBeGreaterThan(0.8);
    expect(printer).toBeLessThan(0.2);
  });

  it("leaves out words of a single passage and passages with no kept word", async () => {
    const index = (await LatentIndex.build([...passages(), {id: "odd", terms: ["zzunique"]}], {rank: 2}))!;
    expect(index.queryVector(["zzunique"])).toBeNull();
    expect(index.has("odd")).toBe(false);
    expect(index.similarity("odd", index.queryVector(["vpn"])!)).toBeUndefined();
  });

  it("folds in a passage it was not built with the way it weighs indexed ones", async () => {
    const index = (await LatentIndex.build(passages(), {rank: 2, seed: 1}))!;
    const query = index.queryVector(["tunnel"])!;
    const folded = index.foldTerms(["vpn", "ipsec", "connect"])!;
    const dot = folded.reduce((s, x, r) => s + x * query[r], 0);
    expect(dot).toBeCloseTo(index.similarity("vpn-plain", query)!, 1);
  });

  it("returns null when there is too little to factor", async () => {
    expect(await LatentIndex.build([{id: "a", terms: ["x", "y"]}, {id: "b", terms: ["x", "y"]}], {rank: 2})).toBeNull();
  });

  it("reads back what it wrote, and refuses damaged data", async () => {
    const index = (await LatentIndex.build(passages(), {rank: 2, seed: 1, source: "/data/lancedb"}))!;
    const copy = LatentIndex.parse(index.serialize())!;
    expect(copy).not.toBeNull();
    expect(copy.source).toBe("/data/lancedb");
    expect([copy.size, copy.rank, copy.vocabulary, copy.passages]).toEqual([index.size, index.rank, index.vocabulary, index.passages]);
    const query = index.queryVector(["tunnel", "vpn"])!;
    expect(copy.similarity("vpn-3", copy.queryVector(["tunnel", "vpn"])!)).toBeCloseTo(index.similarity("vpn-3", query)!, 6);
    const bytes = index.serialize();
    expect(LatentIndex.parse(bytes.subarray(0, bytes.length - 10))).toBeNull();
    expect(LatentIndex.parse(Buffer.from("not an index"))).toBeNull();
    expect(LatentIndex.parse(Buffer.alloc(0))).toBeNull();
  });

  it("builds the same index from passages given in batches", async () => {
    const builder = new LatentIndexBuilder();
    for (const p of passages()) builder.add(p.id, p.terms);
    const a = (await builder.finish({rank: 2, seed: 1}))!;
    const b = (await LatentIndex.build(passages(), {rank: 2, seed: 1}))!;
    expect(a.serialize().equals(b.serialize())).toBe(true);
  });

  it("gives projected-only passages vectors without letting them change the index the others make", async () => {
    const alone = (await LatentIndex.build(passages(), {rank: 2, seed: 1}))!;
    // Generic articles with words of their own and words the others use, placed among the others.
    const generic = ["outlook", "mailbox", "quota", "printer", "connect"];
    const mixed = passages().flatMap((p, i) => (i % 5 === 0 ? [{id: `generic-${i}`, terms: generic, projectedOnly: true}, p] : [p]));
    const withGeneric = (await LatentIndex.build(mixed, {rank: 2, seed: 1}))!;
    expect(withGeneric.vocabulary).toBe(alone.vocabulary);
    expect(withGeneric.queryVector(["outlook"])).toBeNull();
    const query = alone.queryVector(["tunnel", "printer"])!;
    for (const p of passages()) expect(withGeneric.similarity(p.id, withGeneric.queryVector(["tunnel", "printer"])!)).toBeCloseTo(alone.similarity(p.id, query)!, 6);
    // Projected with the same weights as the rest, so its words it shares with others place it.
    const projected = withGeneric.similarity("generic-0", withGeneric.queryVector(["print"])!)!;
    expect(projected).toBeGreaterThan(0.5);
    expect(withGeneric.size).toBe(alone.size + mixed.filter((p) => "projectedOnly" in p).length);
    expect(withGeneric.passages).toBe(mixed.length);
  });

  it("builds nothing from projected-only passages alone", async () => {
    expect(await LatentIndex.build(passages().map((p) => ({...p, projectedOnly: true})), {rank: 2})).toBeNull();
  });
});
