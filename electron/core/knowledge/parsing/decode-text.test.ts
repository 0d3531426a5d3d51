import iconv from "iconv-lite";
import {describe, expect, it} from "vitest";
import {decodeText, looksBinary} from "./decode-text.js";

describe("decodeText", () => {
  it("reads UTF-8 with and without a byte-order mark", () => {
    expect(decodeText(Buffer.from("Привет, café")).text).toBe("Привет, café");
    const withBom = decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("café")]));
    expect(withBom).toEqual({text: "café", encoding: "utf-8", warnings: []});
  });

  it("reads UTF-16 LE and BE with a byte-order mark", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("Drucker: café ✓", "utf16le")]);
    expect(decodeText(le)).toEqual({text: "Drucker: café ✓", encoding: "utf-16le", warnings: []});
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode("Drucker: café", "utf16be")]);
    expect(decodeText(be).text).toBe("Drucker: café");
  });

  it("recognises BOM-less UTF-16 from its zero bytes", () => {
    expect(decodeText(iconv.encode("Restart the print spooler", "utf16le"))).toMatchObject({text: "Restart the print spooler", encoding: "utf-16le"});
  });

  it("falls back to Windows-1252 for a lone Latin-1 byte", () => {
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toEqual({text: "café", encoding: "windows-1252", warnings: []});
    const quotes = iconv.encode("Click “Connect” – it costs 5 €.", "windows-1252");
    expect(decodeText(quotes).text).toBe("Click “Connect” – it costs 5 €.");
  });

  it("guesses legacy Cyrillic and Japanese encodings", () => {
    const russian = "Перезагрузите маршрутизатор и проверьте подключение к сети.";
    expect(decodeText(iconv.encode(russian, "windows-1251"))).toMatchObject({text: russian, encoding: "windows-1251"});
    const japanese = "VPNの設定手順です。ルーターを再起動してください。";
    expect(decodeText(iconv.encode(japanese, "Shift_JIS"))).toMatchObject({text: japanese, encoding: "shift_jis"});
  });

  it("honours a declared encoding when the bytes are not UTF-8", () => {
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]), {declaredEncoding: "ISO-8859-15"})).toMatchObject({text: "café", encoding: "iso-8859-15"});
  });

  it("replaces broken bytes in otherwise UTF-8 text and warns, never fails", () => {
    const bytes = Buffer.concat([Buffer.from("Résumé of the outage "), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(" done")]);
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe("utf-8");
    expect(decoded.text).toBe("Résumé of the outage \ufffd(\ufffd done");
    expect(decoded.warnings).toHaveLength(1);
    expect(decoded.warnings[0]).toMatch(/2 characters could not be decoded/);
  });

  it("does not count a genuine U+FFFD in the text as damage", () => {
    expect(decodeText(Buffer.from("a \ufffd b")).warnings).toEqual([]);
  });
});

describe("looksBinary", () => {
  it("tells text from binary data", () => {
    expect(looksBinary(Buffer.from("plain text\twith tabs\r\n"))).toBe(false);
    expect(looksBinary(iconv.encode("\ufeffUTF-16 text", "utf16le"))).toBe(false);
    expect(looksBinary(Buffer.from([0x41, 0x00, 0x42, 0x43, 0x44, 0x45, 0x00, 0x01, 0x02]))).toBe(true);
  });
});

describe("decodeText on ambiguous legacy text", () => {
  it("keeps German Windows-1252 text with an accidental UTF-8-like pair as Windows-1252", () => {
    const text = "Grüße: „Gruß“ für alle.";
    expect(decodeText(iconv.encode(text, "windows-1252"))).toMatchObject({text, encoding: "windows-1252"});
  });
});
