import {describe, expect, it} from "vitest";
import {ocrBlocks} from "./ocr-blocks.js";
import type {OcrParagraph} from "./ocr-engine.js";

const para = (height: number, confidence: number, ...lines: string[]): OcrParagraph => ({confidence, lines: lines.map((text) => ({text, height}))});

describe("ocrBlocks", () => {
  it("takes paragraphs in clearly larger type for headings, keeps pages and marks every block as OCR", () => {
    const blocks = ocrBlocks([
      {page: 3, recognition: {paragraphs: [para(48, 92, "Printer troubleshooting"), para(28, 95, "Open the rear door and", "remove the jammed sheet.")]}},
      {page: 4, recognition: {paragraphs: [para(38, 90, "Toner"), para(28, 94, "1. Shake the cartridge."), para(28, 93, "Replace it when the light blinks.")]}},
    ]);
    expect(blocks).toEqual([
      {type: "heading", text: "Printer troubleshooting", level: 1, headingPath: [], page: 3, ocr: true},
      {type: "paragraph", text: "Open the rear door and remove the jammed sheet.", headingPath: ["Printer troubleshooting"], page: 3, ocr: true},
      {type: "heading", text: "Toner", level: 2, headingPath: ["Printer troubleshooting"], page: 4, ocr: true},
      {type: "list-item", text: "1. Shake the cartridge.", headingPath: ["Printer troubleshooting", "Toner"], page: 4, ocr: true},
      {type: "paragraph", text: "Replace it when the light blinks.", headingPath: ["Printer troubleshooting", "Toner"], page: 4, ocr: true},
    ]);
  });

  it("drops what tesseract barely recognised (noise, stains, photos) and joins hyphenated line ends", () => {
    const blocks = ocrBlocks([{page: null, recognition: {paragraphs: [para(28, 12, "~~ ,;' iil"), para(28, 88, "Use the self-", "service portal.")]}}]);
    expect(blocks).toEqual([{type: "paragraph", text: "Use the self-service portal.", headingPath: [], ocr: true}]);
  });

  it("does not take a large sentence for a heading", () => {
    const blocks = ocrBlocks([{page: 1, recognition: {paragraphs: [para(50, 90, "Call the service desk before noon."), para(25, 90, "Body text of the notice.")]}}]);
    expect(blocks.map((block) => block.type)).toEqual(["paragraph", "paragraph"]);
  });
});
