import {gzipSync} from "node:zlib";
import iconv from "iconv-lite";
import {describe, expect, it} from "vitest";
import {detectType} from "./detect-type.js";
import {makeBinary, makeDocx, makePdf, makePng} from "../../../../test/helpers/document-fixtures.js";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as {code: string}).code;
  }
  throw new Error("expected a rejection");
}

describe("detectType", () => {
  it("trusts content over the extension for PDF and DOCX", async () => {
    expect(await detectType(await makePdf([{paragraphs: ["Hello"]}]), "notes.txt")).toEqual({kind: "pdf", mime: "application/pdf"});
    expect((await detectType(await makeDocx(), "download.bin")).kind).toBe("docx");
  });

  it("sniffs HTML, JSON, JSON Lines, CSV and Markdown from text", async () => {
    expect((await detectType(utf8("<!DOCTYPE html><html><body><p>Hi</p></body></html>"), "page.txt")).kind).toBe("html");
    expect(await detectType(utf8('[{"question": "a", "answer": "b"}]'), "export")).toEqual({kind: "json", mime: "application/json"});
    expect(await detectType(utf8('{"a": 1}\n{"a": 2}\n{"a": 3}\n'), "tickets.log")).toEqual({kind: "json", mime: "application/x-ndjson"});
    expect((await detectType(utf8("name;phone;room\nAna;123;B2\nBo;456;C1\n"), "people")).kind).toBe("csv");
    expect((await detectType(utf8("# VPN\n\nUse `vpn connect` and see [the wiki](https://wiki).\n"), "vpn.txt")).kind).toBe("markdown");
    expect(await detectType(utf8("Just a note, written plainly.\nNothing special here.\n"), "note.txt")).toEqual({kind: "text", mime: "text/plain"});
  });

  it("uses the extension when the content has no cues of its own", async () => {
    expect((await detectType(utf8("Plain words only."), "readme.md")).kind).toBe("markdown");
    expect((await detectType(utf8("single column\nvalue"), "list.csv")).kind).toBe("csv");
    expect((await detectType(utf8("{ not json"), "broken.json")).kind).toBe("json");
  });

  it("reads UTF-16 text with a byte-order mark as text, not as audio", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("Printer notes\r\n", "utf16le")]);
    expect((await detectType(bytes, "notes.txt")).kind).toBe("text");
  });

  it("takes PNG, JPEG and TIFF images for OCR, whatever their name", async () => {
    expect(await detectType(makePng(), "screenshot.md")).toEqual({kind: "image", mime: "image/png"});
    expect(await detectType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), "scan")).toEqual({kind: "image", mime: "image/jpeg"});
    expect(await detectType(Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0, 0]), "fax.tif")).toEqual({kind: "image", mime: "image/tiff"});
  });

  it("rejects empty files, binaries named .txt, other images, archives and programs", async () => {
    expect(await rejectionCode(detectType(new Uint8Array(), "empty.txt"))).toBe("FILE_EMPTY");
    expect(await rejectionCode(detectType(makeBinary(), "data.txt"))).toBe("UNSUPPORTED_TYPE");
    const gif = Buffer.concat([Buffer.from("GIF89a"), Buffer.from([1, 0, 1, 0, 0, 0, 0]), Buffer.alloc(32)]);
    expect(await rejectionCode(detectType(gif, "animation.gif"))).toBe("UNSUPPORTED_TYPE");
    expect(await rejectionCode(detectType(gzipSync(Buffer.from("hello")), "logs.txt.gz"))).toBe("UNSUPPORTED_TYPE");
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    expect(await rejectionCode(detectType(elf, "tool.txt"))).toBe("UNSUPPORTED_TYPE");
  });
});
