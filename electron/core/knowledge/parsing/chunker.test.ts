import {describe, expect, it} from "vitest";
import {approximateTokenCount, chunkDocument} from "./chunker.js";
import {parseDocument} from "./parse-document.js";
import type {Block, Chunk, ChunkOptions, ParsedDocument} from "./types.js";
import {utf8} from "../../../../test/helpers/expect-error.js";

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
/** Like many embedding tokenizers: every call adds two special tokens. */
const wordsWithSpecials = (text: string): number => words(text) + 2;

function doc(blocks: Block[], kind: ParsedDocument["kind"] = "markdown"): ParsedDocument {
  return {title: "Test", kind, mime: "text/markdown", blocks, meta: {}, warnings: []};
}

function sentences(count: number, topic: string): string {
  return Array.from({length: count}, (_, i) => `Step ${i + 1} of the ${topic} procedure checks one more setting carefully.`).join(" ");
}

/** Longest start of `next` that is also the end of `previous`, in words. */
function overlapWords(previous: string, next: string): number {
  for (let n = Math.min(previous.length, next.length); n > 0; n--) {
    const prefix = next.slice(0, n);
    if (previous.endsWith(prefix) && /\S$/.test(prefix) && (n === next.length || /\s/.test(next[n]))) return words(prefix);
  }
  return 0;
}

const runbook = doc([
  {type: "heading", text: "VPN Runbook", level: 1, headingPath: []},
  {type: "heading", text: "Install", level: 2, headingPath: ["VPN Runbook"]},
  {type: "paragraph", text: sentences(4, "install"), headingPath: ["VPN Runbook", "Install"]},
  {type: "paragraph", text: sentences(12, "driver"), headingPath: ["VPN Runbook", "Install"]},
  {type: "heading", text: "Checks", level: 3, headingPath: ["VPN Runbook", "Install"]},
  {type: "list-item", text: "Ping the gateway", headingPath: ["VPN Runbook", "Install", "Checks"]},
  {type: "list-item", text: "Open the portal", headingPath: ["VPN Runbook", "Install", "Checks"]},
  {type: "heading", text: "Remove", level: 2, headingPath: ["VPN Runbook"]},
  {type: "paragraph", text: sentences(3, "removal"), headingPath: ["VPN Runbook", "Remove"]},
]);

describe("chunkDocument", () => {
  it("splits a chapter too long for one chunk at its sections, so no chunk mixes two of them; a short chapter stays whole", () => {
    const section = (number: string, topic: string, length: number): Block[] => [
      {type: "heading", text: `${number} ${topic}`, level: 2, headingPath: [`Chapter ${number[0]}`]},
      {type: "paragraph", text: sentences(length, topic), headingPath: [`Chapter ${number[0]}`, `${number} ${topic}`]},
    ];
    const book = doc([
      {type: "heading", text: "Chapter 1", level: 1, headingPath: []},
      ...section("1.1", "vpn", 2),
      ...section("1.2", "wifi", 1),
      ...section("1.3", "proxy", 6),
      ...section("1.4", "dns", 1),
      {type: "heading", text: "Chapter 2", level: 1, headingPath: []},
      ...section("2.1", "printer", 1),
      ...section("2.2", "scanner", 1),
    ]);
    const chunks = chunkDocument(book, {chunkSize: 60, chunkOverlap: 0, countTokens: words});
    // Chapter 1 (about 130 words) needs several chunks: each of its sections is its own, even the
    // two short ones that would fit one chunk together.
    const topics = chunks.map((chunk) => ["vpn", "wifi", "proxy", "dns", "printer", "scanner"].filter((topic) => chunk.text.includes(`${topic} procedure`)));
    expect(topics).toEqual([["vpn"], ["wifi"], ["proxy"], ["proxy"], ["dns"], ["printer", "scanner"]]);
    expect(chunks.find((chunk) => chunk.text.includes("wifi procedure"))!.headingPath).toEqual(["Chapter 1", "1.2 wifi"]);
    // Chapter 2 fits one chunk, so its two sections share it.
    expect(chunks[chunks.length - 1].headingPath).toEqual(["Chapter 2"]);
  });

  it("keeps every chunk within the budget, as the given counter measures it", () => {
    for (const countTokens of [words, wordsWithSpecials, approximateTokenCount]) {
      const options: ChunkOptions = {chunkSize: 60, chunkOverlap: 10, countTokens};
      const chunks = chunkDocument(runbook, options);
      expect(chunks.length).toBeGreaterThan(3);
      for (const chunk of chunks) {
        expect(chunk.tokenCount).toBe(countTokens(chunk.text));
        expect(chunk.tokenCount).toBeLessThanOrEqual(60);
        expect(chunk.text.trim()).not.toBe("");
      }
      expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, i) => i));
    }
  });

  it("packs small blocks together and keeps headings with the text below them", () => {
    const chunks = chunkDocument(runbook, {chunkSize: 200, chunkOverlap: 0, countTokens: words});
    expect(chunks[0].text.startsWith("VPN Runbook\nInstall\nStep 1 of the install procedure")).toBe(true);
    expect(chunks.some((chunk) => chunk.text.includes("Checks\nPing the gateway\nOpen the portal"))).toBe(true);
    for (const chunk of chunks) expect(chunk.text.endsWith("Checks")).toBe(false);
  });

  it("never merges top-level sections and labels chunks with the headings their content sits under", () => {
    const chunks = chunkDocument(runbook, {chunkSize: 60, chunkOverlap: 10, countTokens: words});
    const remove = chunks.filter((chunk) => chunk.text.includes("removal"));
    expect(remove).toHaveLength(1);
    expect(remove[0].text.startsWith("Remove\n")).toBe(true);
    expect(remove[0].headingPath).toEqual(["VPN Runbook", "Remove"]);
    for (const chunk of chunks.filter((c) => c.text.includes("install") || c.text.includes("driver"))) {
      expect(chunk.headingPath.slice(0, 2)).toEqual(["VPN Runbook", "Install"]);
      expect(chunk.text).not.toContain("removal");
    }
    const checks = chunks.find((chunk) => chunk.text.includes("Ping the gateway"))!;
    expect(checks.headingPath[0]).toBe("VPN Runbook");
  });

  it("carries about chunkOverlap tokens from the previous chunk of the same section", () => {
    const chunks = chunkDocument(runbook, {chunkSize: 60, chunkOverlap: 10, countTokens: words});
    const install = chunks.filter((chunk) => chunk.headingPath.join("/") === "VPN Runbook/Install" && !chunk.text.includes("Ping"));
    expect(install.length).toBeGreaterThan(2);
    for (let i = 1; i < install.length; i++) {
      const overlap = overlapWords(install[i - 1].text, install[i].text);
      expect(overlap).toBeGreaterThanOrEqual(5);
      expect(overlap).toBeLessThanOrEqual(10);
    }
    const firstOfRemove = chunks.find((chunk) => chunk.text.includes("removal"))!;
    expect(overlapWords(chunks[firstOfRemove.ordinal - 1].text, firstOfRemove.text)).toBe(0);
  });

  it("is deterministic", () => {
    const options: ChunkOptions = {chunkSize: 50, chunkOverlap: 8, countTokens: approximateTokenCount};
    expect(JSON.stringify(chunkDocument(runbook, options))).toBe(JSON.stringify(chunkDocument(structuredClone(runbook), options)));
  });

  it("splits a huge paragraph at sentence boundaries and loses no words", () => {
    const text = sentences(200, "network");
    const chunks = chunkDocument(doc([{type: "paragraph", text, headingPath: ["Network"]}]), {chunkSize: 64, chunkOverlap: 0, countTokens: words});
    expect(chunks.length).toBeGreaterThan(20);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(64);
      expect(chunk.text).toMatch(/^Step \d+ .*carefully\.$/);
      expect(chunk.headingPath).toEqual(["Network"]);
    }
    expect(chunks.map((chunk) => chunk.text).join(" ")).toBe(text);
  });

  it("splits a paragraph without sentence ends at words, and a giant token at characters", () => {
    const noPunctuation = Array.from({length: 500}, (_, i) => `word${i}`).join(" ");
    const blob = "QUJD".repeat(2000);
    const chunks = chunkDocument(
      doc([
        {type: "paragraph", text: noPunctuation, headingPath: []},
        {type: "code", text: blob, headingPath: []},
      ]),
      {chunkSize: 40, chunkOverlap: 5, countTokens: approximateTokenCount},
    );
    for (const chunk of chunks) expect(approximateTokenCount(chunk.text)).toBeLessThanOrEqual(40);
    expect(chunks.filter((chunk) => chunk.text.includes("word499"))).not.toHaveLength(0);
    const blobText = chunks.filter((chunk) => chunk.text.includes("QUJD")).map((chunk) => chunk.text);
    expect(blobText.join("").length).toBeGreaterThanOrEqual(blob.length);
  });

  it("makes one chunk per record, packs tiny records with the first row kept, and splits a huge one", () => {
    const records: Block[] = [
      ...Array.from({length: 12}, (_, i): Block => ({type: "record", text: `Name: User ${i + 1}\nPhone: ${100 + i}`, headingPath: [], row: i + 1})),
      {type: "record", text: `Title: Long ticket\n${sentences(30, "escalation")}`, headingPath: [], row: 13},
      {type: "record", text: `Title: Medium ticket\n${sentences(2, "reset")}`, headingPath: [], row: 14},
    ];
    const chunks = chunkDocument(doc(records, "csv"), {chunkSize: 100, chunkOverlap: 10, countTokens: words});
    const tiny = chunks.filter((chunk) => chunk.text.includes("Name: User"));
    // Five words each: ten fit in half the budget, the packing limit for records.
    expect(tiny.map((chunk) => chunk.row)).toEqual([1, 11]);
    expect(tiny[0].text.split("\n\n")).toEqual(Array.from({length: 10}, (_, i) => `Name: User ${i + 1}\nPhone: ${100 + i}`));
    const long = chunks.filter((chunk) => chunk.row === 13);
    expect(long.length).toBeGreaterThan(1);
    for (const chunk of long) expect(chunk.tokenCount).toBeLessThanOrEqual(100);
    expect(overlapWords(long[0].text, long[1].text)).toBeGreaterThan(0);
    const medium = chunks.filter((chunk) => chunk.row === 14);
    expect(medium).toHaveLength(1);
    expect(medium[0].text.startsWith("Title: Medium ticket")).toBe(true);
  });

  it("keeps the page of the first block and works on real parser output", async () => {
    const markdown = "# Printers\n\n## Jams\n\nOpen tray 2.\n\n| Model | Fix |\n|---|---|\n| M402 | Replace roller |\n\n## Toner\n\nShake the cartridge.\n";
    const parsed = await parseDocument(utf8(markdown), "printers.md");
    const chunks: Chunk[] = chunkDocument(parsed, {chunkSize: 200, chunkOverlap: 20, countTokens: approximateTokenCount});
    expect(chunks.map((chunk) => [chunk.headingPath, chunk.text])).toEqual([
      [["Printers", "Jams"], "Printers\nJams\nOpen tray 2.\n\nModel: M402; Fix: Replace roller"],
      [["Printers", "Toner"], "Toner\nShake the cartridge."],
    ]);
    const paged = doc([
      {type: "paragraph", text: "First page text.", headingPath: [], page: 3},
      {type: "paragraph", text: "Second page text.", headingPath: [], page: 4},
    ]);
    expect(chunkDocument(paged, {chunkSize: 100, chunkOverlap: 0, countTokens: words}).map((chunk) => [chunk.page, chunk.row])).toEqual([[3, null]]);
  });

  it("marks recognised passages and gives each scanned page its own, apart from the text layer", () => {
    const mixed = doc([
      {type: "paragraph", text: "Text layer on page one.", headingPath: [], page: 1},
      {type: "paragraph", text: "Recognised on page two.", headingPath: [], page: 2, ocr: true},
      {type: "paragraph", text: "More recognised on page two.", headingPath: [], page: 2, ocr: true},
      {type: "paragraph", text: "Recognised on page three.", headingPath: [], page: 3, ocr: true},
      {type: "paragraph", text: "Text layer on page four.", headingPath: [], page: 4},
      {type: "paragraph", text: "Text layer on page five.", headingPath: [], page: 5},
    ]);
    const chunks = chunkDocument(mixed, {chunkSize: 100, chunkOverlap: 10, countTokens: words});
    expect(chunks.map((chunk) => [chunk.page, chunk.ocr ?? false, chunk.text])).toEqual([
      [1, false, "Text layer on page one."],
      [2, true, "Recognised on page two.\n\nMore recognised on page two."],
      [3, true, "Recognised on page three."],
      [4, false, "Text layer on page four.\n\nText layer on page five."],
    ]);
  });

  it("returns no chunks for no text and rejects impossible options", () => {
    expect(chunkDocument(doc([{type: "paragraph", text: "   ", headingPath: []}]), {chunkSize: 10, chunkOverlap: 0, countTokens: words})).toEqual([]);
    expect(() => chunkDocument(runbook, {chunkSize: 0, chunkOverlap: 0, countTokens: words})).toThrow(expect.objectContaining({code: "INVALID_INPUT"}));
    expect(() => chunkDocument(runbook, {chunkSize: 10, chunkOverlap: -1, countTokens: words})).toThrow(expect.objectContaining({code: "INVALID_INPUT"}));
  });
});

describe("approximateTokenCount", () => {
  it("estimates on the high side for English, other alphabets and CJK", () => {
    expect(approximateTokenCount("")).toBe(0);
    expect(approximateTokenCount("Restart the print spooler.")).toBe(8);
    expect(approximateTokenCount("Перезагрузите роутер")).toBe(7);
    expect(approximateTokenCount("設定手順")).toBe(4);
  });
});
