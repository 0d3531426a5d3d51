import {describe, expect, it} from "vitest";
import {describeFileProgress} from "./file-progress.js";

describe("describeFileProgress", () => {
  it("says which page OCR is reading while a scan is parsed, and moves the bar with it", () => {
    expect(describeFileProgress({path: "scan.pdf", state: "parsing"})).toMatchObject({text: "Parsing…", value: null});
    const first = describeFileProgress({path: "scan.pdf", state: "parsing", ocr: {done: 0, total: 12}});
    const third = describeFileProgress({path: "scan.pdf", state: "parsing", ocr: {done: 2, total: 12}});
    expect(first.text).toBe("Reading text by OCR: page 1 of 12");
    expect(third.text).toBe("Reading text by OCR: page 3 of 12");
    expect(third.value!).toBeGreaterThan(first.value!);
    // Still below where embedding starts.
    expect(describeFileProgress({path: "scan.pdf", state: "parsing", ocr: {done: 12, total: 12}})).toMatchObject({text: "Parsing…"});
    expect(third.value!).toBeLessThan(describeFileProgress({path: "scan.pdf", state: "embedding", done: 0, total: 4}).value!);
  });
});
