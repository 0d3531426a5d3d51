import iconv from "iconv-lite";
import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

describe("plain text parsing", () => {
  it("reads UTF-16 LE with a byte-order mark", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("PRINTER NOTES\r\n\r\nRestart the spooler on café PCs.\r\n", "utf16le")]);
    const doc = await parseDocument(bytes, "notes.txt");
    expect(doc.meta.encoding).toBe("utf-16le");
    expect(doc.blocks).toEqual([
      {type: "heading", text: "PRINTER NOTES", level: 1, headingPath: []},
      {type: "paragraph", text: "Restart the spooler on café PCs.", headingPath: ["PRINTER NOTES"]},
    ]);
  });

  it("reads Windows-1252 bytes (café = 63 61 66 E9)", async () => {
    const doc = await parseDocument(Buffer.from([0x63, 0x61, 0x66, 0xe9]), "menu.txt");
    expect(doc.blocks[0].text).toBe("café");
    expect(doc.meta.encoding).toBe("windows-1252");
    expect(doc.warnings).toEqual([]);
  });

  it("replaces invalid UTF-8 with U+FFFD and warns instead of failing", async () => {
    const bytes = Buffer.concat([Buffer.from("Résumé: the switch failed "), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(" at noon.")]);
    const doc = await parseDocument(bytes, "incident.txt");
    expect(doc.blocks[0].text).toBe("Résumé: the switch failed \ufffd\ufffd\ufffd at noon.");
    expect(doc.warnings).toEqual([expect.stringMatching(/3 characters could not be decoded as UTF-8/)]);
  });

  it("finds underlined and ALL CAPS headings, paragraphs and bullets", async () => {
    const text = "VPN Guide\n=========\n\nIntro line one\nline two.\n\nINSTALLATION\nDownload the client.\n\n- first step\n- second step\n  continues here\n\nSetup\n-----\nText under setup.\n";
    const doc = await parseDocument(utf8(text), "guide.txt");
    expect(doc.title).toBe("VPN Guide");
    expect(doc.blocks.map((block) => [block.type, block.level ?? null, block.headingPath.join(" > "), block.text])).toEqual([
      ["heading", 1, "", "VPN Guide"],
      ["paragraph", null, "VPN Guide", "Intro line one\nline two."],
      ["heading", 2, "VPN Guide", "INSTALLATION"],
      ["paragraph", null, "VPN Guide > INSTALLATION", "Download the client."],
      ["list-item", null, "VPN Guide > INSTALLATION", "first step"],
      ["list-item", null, "VPN Guide > INSTALLATION", "second step\ncontinues here"],
      ["heading", 2, "VPN Guide", "Setup"],
      ["paragraph", null, "VPN Guide > Setup", "Text under setup."],
    ]);
  });

  it("reads Shift_JIS without mistaking Japanese for a heading", async () => {
    const doc = await parseDocument(iconv.encode("VPNの設定手順です。ルーターを再起動してください。", "Shift_JIS"), "手順.txt");
    expect(doc.meta.encoding).toBe("shift_jis");
    expect(doc.blocks).toEqual([{type: "paragraph", text: "VPNの設定手順です。ルーターを再起動してください。", headingPath: []}]);
    expect(doc.title).toBe("手順");
  });

  it("treats whitespace-only files as empty", async () => {
    expect((await expectDesksideError(parseDocument(utf8("  \n\n \t\n"), "blank.txt"))).code).toBe("FILE_EMPTY");
  });
});
