import {describe, expect, it} from "vitest";
import {chunkDocument} from "./chunker.js";
import {segmentBounded, splitSentences, splitWords} from "./split-text.js";
import {approximateTokenCount} from "./token-count.js";
import type {ParsedDocument} from "./types.js";

const words = ["printer", "spooler", "queue", "restart", "service", "driver", "network", "adapter"];
const prose = (chars: number) => {
  const parts: string[] = [];
  for (let i = 0, length = 0; length < chars; i++) {
    parts.push(words[(i * 5 + (i >> 2)) % words.length]);
    length += parts[parts.length - 1].length + 1;
  }
  return parts.join(" ");
};
const doc = (text: string): ParsedDocument => ({title: "t", kind: "text", mime: "text/plain", blocks: [{type: "paragraph", text, headingPath: []}], meta: {}, warnings: []});

describe("bounded segmentation", () => {
  it("gives back the text it was given, segmented as one pass would be where boundaries exist", () => {
    const text = Array.from({length: 400}, (_, i) => `Step ${i} restarts the spooler. Then it clears the queue!`).join(" ");
    expect(splitSentences(text).join("")).toBe(text);
    expect(splitSentences(text)).toEqual(Array.from(new Intl.Segmenter("en", {granularity: "sentence"}).segment(text), (s) => s.segment));
    expect(splitWords(text)).toEqual(Array.from(new Intl.Segmenter("en", {granularity: "word"}).segment(text), (s) => s.segment));
    // Never cuts a surrogate pair, even when the window ends inside one.
    const emoji = "🖨️".repeat(3000);
    expect(segmentBounded(emoji, new Intl.Segmenter("en", {granularity: "grapheme"}), 7).join("")).toBe(emoji);
  });

  it("chunks text without a single sentence end in time linear in its length", () => {
    const options = {chunkSize: 200, chunkOverlap: 30, countTokens: approximateTokenCount};
    const time = (chars: number) => {
      const started = performance.now();
      const chunks = chunkDocument(doc(prose(chars)), options);
      expect(chunks.every((chunk) => chunk.tokenCount <= 200)).toBe(true);
      return performance.now() - started;
    };
    time(16 * 1024); // warm-up
    const small = time(96 * 1024);
    const large = time(384 * 1024);
    // 96 KB took 1.6 s and 384 KB 72 s before; now both take well under a second, and 4× the text ≈ 4× the time.
    expect(large).toBeLessThan(3000);
    expect(large / small).toBeLessThan(10);
  });

  it("cuts a blob a tokenizer calls one token into bounded chunks", () => {
    const oneToken = () => 1;
    const chunks = chunkDocument(doc("x".repeat(300_000)), {chunkSize: 100, chunkOverlap: 0, countTokens: oneToken});
    expect(chunks.length).toBeGreaterThan(20);
    expect(Math.max(...chunks.map((chunk) => chunk.text.length))).toBeLessThanOrEqual(100 * 128);
    expect(chunks.map((chunk) => chunk.text).join("")).toBe("x".repeat(300_000));
  });
});
