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

  it("reads the numbered sections of a manual rendered to text, and leaves out its contents list", async () => {
    const text = [
      "                 The Help Desk Manual",
      "Table of Contents",
      "1. Networking\n    1.1. VPN error 809 after the update?\n    1.2. WI-FI\n2. Printing\n    2.1. Jammed tray",
      "Chapter 1. Networking",
      // A long title wraps; the space after the number is a no-break space, as text renderers write it.
      "1.1.\u00a0VPN error 809 after the\nupdate?",
      "    Allow UDP 500 and 4500 on the firewall.",
      "1.2. WI-FI",
      "    Forget the network and join again.",
      "Chapter 2. Printing",
      "2.1. Jammed tray",
      "    Open tray 2 and pull the sheet out.",
    ].join("\n\n");
    const doc = await parseDocument(utf8(text), "manual.txt");
    // The centred first line names the manual.
    expect(doc.title).toBe("The Help Desk Manual");
    expect(doc.blocks.map((block) => [block.type, block.level ?? null, block.headingPath.join(" > "), block.text])).toEqual([
      ["paragraph", null, "", "The Help Desk Manual"],
      ["paragraph", null, "", "Table of Contents"],
      ["heading", 1, "", "Chapter 1. Networking"],
      ["heading", 2, "Chapter 1. Networking", "1.1. VPN error 809 after the update?"],
      ["paragraph", null, "Chapter 1. Networking > 1.1. VPN error 809 after the update?", "Allow UDP 500 and 4500 on the firewall."],
      ["heading", 2, "Chapter 1. Networking", "1.2. WI-FI"],
      ["paragraph", null, "Chapter 1. Networking > 1.2. WI-FI", "Forget the network and join again."],
      ["heading", 1, "", "Chapter 2. Printing"],
      ["heading", 2, "Chapter 2. Printing", "2.1. Jammed tray"],
      ["paragraph", null, "Chapter 2. Printing > 2.1. Jammed tray", "Open tray 2 and pull the sheet out."],
    ]);
  });

  it("keeps numbered steps of a note as list items, not chapters", async () => {
    const text = "Printer jam\n\n1. Open tray 2\n\n2. Pull the sheet out\n\n3. Close the tray and print a test page.\n\n2.5 seconds later the printer restarts.\n";
    const doc = await parseDocument(utf8(text), "jam.txt");
    expect(doc.title).toBe("jam");
    expect(doc.blocks.filter((block) => block.type === "heading")).toEqual([]);
    expect(doc.blocks.map((block) => block.text)).toContain("2.5 seconds later the printer restarts.");
    expect(doc.blocks.filter((block) => block.type === "list-item").map((block) => block.text)).toEqual(["1. Open tray 2", "2. Pull the sheet out", "3. Close the tray and print a test page."]);
  });

  it("treats whitespace-only files as empty", async () => {
    expect((await expectDesksideError(parseDocument(utf8("  \n\n \t\n"), "blank.txt"))).code).toBe("FILE_EMPTY");
  });
});
