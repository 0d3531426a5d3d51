import {describe, expect, it} from "vitest";
import {makePng} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";
import {makeGrayTiff} from "../../../../test/helpers/ocr-fixtures.js";
import {inProcessOcrContext} from "./ocr/ocr-context.js";
import {parseDocument} from "./parse-document.js";

const ocr = () => inProcessOcrContext({languages: ["eng"], dataDirs: [], workers: 1}, undefined, {});

/** The 1 × 1 PNG with its header claiming another size (the checksum is not what is looked at first). */
function pngClaiming(width: number, height: number): Uint8Array {
  const png = makePng();
  const view = new DataView(png.buffer, png.byteOffset);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

describe("parseImage (through parseDocument)", () => {
  it("refuses an image past the pixel limit from its header, before any decoder sees it", async () => {
    const started = Date.now();
    const error = await expectDesksideError(parseDocument(pngClaiming(100_000, 100_000), "poster.png", undefined, ocr()));
    expect(error.code).toBe("FILE_TOO_LARGE");
    expect(error.message).toMatch(/100,000 × 100,000 pixels, more than the 40 megapixels/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fails a TIFF whose page directories loop with PARSE_FAILED, naming the format", async () => {
    const tiff = makeGrayTiff([{width: 2, height: 2, data: new Uint8Array(4)}]);
    const view = new DataView(tiff.buffer);
    view.setUint32(8 + 2 + 9 * 12, view.getUint32(4, true), true);
    const error = await expectDesksideError(parseDocument(tiff, "fax.tif", undefined, ocr()));
    expect([error.code, error.message]).toEqual(["PARSE_FAILED", "This TIFF image could not be read; it may be damaged or cut off."]);
  });

  it("finds no text in an image too small to hold a line, and refuses images when OCR is off", async () => {
    const empty = await expectDesksideError(parseDocument(makePng(), "dot.png", undefined, ocr()));
    expect([empty.code, empty.message]).toEqual(["FILE_EMPTY", "No text was found in this PNG image."]);
    const off = await expectDesksideError(parseDocument(makePng(), "dot.png"));
    expect(off.code).toBe("UNSUPPORTED_TYPE");
    expect(off.message).toMatch(/reading text from images is turned off/);
  });
});
