import {describe, expect, it} from "vitest";
import {makePng} from "../../../../../test/helpers/document-fixtures.js";
import {makeGrayTiff} from "../../../../../test/helpers/ocr-fixtures.js";
import {DamagedImageError, imagePages} from "./image-pages.js";

const gray = (width: number, height: number, value: number) => ({width, height, data: new Uint8Array(width * height).fill(value)});

describe("imagePages", () => {
  it("reads a PNG's and a JPEG's size from their headers", () => {
    expect(imagePages(makePng(), "png", 10).map(({width, height}) => [width, height])).toEqual([[1, 1]]);
    // SOI, an APP0 segment, then a baseline frame header: 8 bits, 480 rows, 640 columns.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 1, 1, 0x11, 0, 0xff, 0xd9]);
    expect(imagePages(jpeg, "jpeg", 10).map(({width, height}) => [width, height])).toEqual([[640, 480]]);
  });

  it("hands over each TIFF page as the file with its header pointing at that page", () => {
    const tiff = makeGrayTiff([gray(30, 20, 0), gray(40, 10, 128), gray(50, 5, 255)]);
    const pages = imagePages(tiff, "tiff", 10);
    expect(pages.map(({width, height}) => [width, height])).toEqual([[30, 20], [40, 10], [50, 5]]);
    expect(pages[0].bytes()).toBe(tiff);
    const second = pages[1].bytes();
    expect(second).not.toBe(tiff);
    // Only the first-directory offset differs, and it now names the second page's directory.
    const differing = [...second].flatMap((byte, i) => (byte === tiff[i] ? [] : [i]));
    expect(differing.every((i) => i >= 4 && i < 8)).toBe(true);
    const firstIfd = new DataView(second.buffer, second.byteOffset).getUint32(4, true);
    expect(imagePages(second, "tiff", 10)[0]).toMatchObject({width: 40, height: 10});
    expect(firstIfd).toBeGreaterThan(8);
  });

  it("stops reading past the page limit and refuses damaged headers", () => {
    expect(imagePages(makeGrayTiff([gray(2, 2, 0), gray(2, 2, 0), gray(2, 2, 0), gray(2, 2, 0)]), "tiff", 2)).toHaveLength(3);
    const loop = makeGrayTiff([gray(2, 2, 0)]);
    const view = new DataView(loop.buffer);
    view.setUint32(8 + 2 + 9 * 12, view.getUint32(4, true), true); // the directory names itself as the next one
    expect(() => imagePages(loop, "tiff", 10)).toThrow(DamagedImageError);
    expect(() => imagePages(makePng().slice(0, 20), "png", 10)).toThrow(DamagedImageError);
    expect(() => imagePages(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]), "jpeg", 10)).toThrow(DamagedImageError);
    expect(() => imagePages(Uint8Array.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]), "tiff", 10)).toThrow(DamagedImageError);
  });
});
