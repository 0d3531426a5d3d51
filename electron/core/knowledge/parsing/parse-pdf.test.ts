import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {encryptPdf, makeImageOnlyPdf, makeLaidOutPdf, makePdf, makePdfWithBlankPages, type PlacedLine} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";
import {makeRawPdf, textContent} from "../../../../test/helpers/pdf-writer.js";

const LONG = "Install the VPN client from the company portal and sign in with your work account. The client asks for the second factor on first start, so keep the phone at hand.";

describe("PDF parsing", () => {
  it("keeps page numbers, paragraphs and headings across pages", async () => {
    const bytes = await makePdf(
      [
        {heading: "VPN Setup", paragraphs: [LONG, "Second paragraph on page one."]},
        {paragraphs: ["Continued on page two without a heading."]},
        {heading: "Troubleshooting", paragraphs: ["Restart the VPN service.", "Reinstall the client if that fails."]},
      ],
      "VPN Runbook",
    );
    const doc = await parseDocument(bytes, "vpn.pdf");
    expect(doc).toMatchObject({title: "VPN Runbook", kind: "pdf", mime: "application/pdf", meta: {pageCount: 3}, warnings: []});
    expect(doc.blocks.map((block) => [block.type, block.page, block.text])).toEqual([
      ["heading", 1, "VPN Setup"],
      ["paragraph", 1, LONG],
      ["paragraph", 1, "Second paragraph on page one."],
      ["paragraph", 2, "Continued on page two without a heading."],
      ["heading", 3, "Troubleshooting"],
      ["paragraph", 3, "Restart the VPN service."],
      ["paragraph", 3, "Reinstall the client if that fails."],
    ]);
    expect(doc.blocks[3].headingPath).toEqual(["VPN Setup"]);
    expect(doc.blocks[6].headingPath).toEqual(["Troubleshooting"]);
  });

  it("takes the title from the first heading when the PDF has no title metadata", async () => {
    const doc = await parseDocument(await makePdf([{heading: "Printer Guide", paragraphs: ["Body."]}]), "scan 2.pdf");
    expect(doc.title).toBe("Printer Guide");
    // A manual page's first heading names a part every page has; the file name says more.
    const manPage = await parseDocument(await makePdf([{heading: "Name", paragraphs: ["fonts.conf - font configuration files"]}, {heading: "Synopsis", paragraphs: ["/etc/fonts/fonts.conf"]}]), "fontconfig-user.pdf");
    expect(manPage.title).toBe("fontconfig-user");
  });

  it("drops running headers and page numbers repeated on every page, keeps similar content", async () => {
    const pages = [1, 2, 3, 4].map((n) => ({paragraphs: ["ACME Printer Manual", `Content of page ${n} about printers.`, `Page ${n} of 4`]}));
    const doc = await parseDocument(await makePdf(pages), "manual.pdf");
    expect(doc.blocks.map((block) => block.text)).toEqual([1, 2, 3, 4].map((n) => `Content of page ${n} about printers.`));
  });

  it("keeps a title wrapped over two lines as one heading, and drops running headers that name the current section", async () => {
    // A book's page: a small header naming chapter and section (different on every page), a gap, a
    // 14 pt section title wrapped over two lines, then 10 pt body lines.
    const page = (n: number): PlacedLine[] => [
      {text: `CHAPTER 3. NETWORKING … 3.${n}. TOPIC NUMBER ${n}`, y: 800, size: 9},
      {text: `3.${n} Why does the VPN client fail with error 80${n} right after the`, y: 760, size: 14},
      {text: "update?", y: 742, size: 14},
      ...[0, 1, 2, 3].map((k) => ({text: `Body line ${k + 1} of topic ${n}: allow UDP 500 and 4500 through the firewall and retry`, y: 718 - k * 12, size: 10})),
    ];
    const doc = await parseDocument(await makeLaidOutPdf([1, 2, 3, 4].map(page)), "book.pdf");
    expect(doc.blocks.filter((block) => block.type === "heading").map((block) => block.text)).toEqual(
      [1, 2, 3, 4].map((n) => `3.${n} Why does the VPN client fail with error 80${n} right after the update?`),
    );
    expect(doc.blocks.some((block) => block.text.includes("CHAPTER 3"))).toBe(false);
    const body = doc.blocks.filter((block) => block.type === "paragraph");
    expect(body).toHaveLength(4);
    expect(body[2].headingPath).toEqual(["3.3 Why does the VPN client fail with error 803 right after the update?"]);
  });

  it("leaves out a printed contents page with dot leaders, and keeps a file that is nothing else", async () => {
    const leader = " . . . . . . . . . . . . . . . . . . . . ";
    const contents: PlacedLine[] = [
      {text: "Contents", y: 780, size: 18},
      ...["1 Networking", "1.1 VPN error 809", "1.2 Wi-Fi drops", "2 Printing", "2.1 Jammed tray"].map((entry, k) => ({text: `${entry}${leader}${k + 2}`, y: 740 - k * 14, size: 10})),
    ];
    const chapter: PlacedLine[] = [
      {text: "1 Networking", y: 780, size: 18},
      {text: "Allow UDP 500 and 4500 through the firewall, then restart the VPN client.", y: 740, size: 10},
    ];
    const doc = await parseDocument(await makeLaidOutPdf([contents, chapter]), "manual.pdf");
    expect(doc.blocks.some((block) => block.text.includes(". . ."))).toBe(false);
    expect(doc.blocks.map((block) => block.text)).toContain("Allow UDP 500 and 4500 through the firewall, then restart the VPN client.");
    const onlyContents = await parseDocument(await makeLaidOutPdf([contents]), "contents.pdf");
    expect(onlyContents.blocks.some((block) => block.text.includes("1.1 VPN error 809"))).toBe(true);
  });

  it("leaves out a contents list of chapters without dot leaders under a Contents heading, also where it runs on to the next page", async () => {
    const chapters = ["Installation guide", "Configuration Files", "Realm configuration decisions", "Database administration", "Database types"];
    const contents: PlacedLine[] = [{text: "CONTENTS", y: 780, size: 18}, ...chapters.map((title, k) => ({text: `${k + 1} ${title} ${k * 12 + 1}`, y: 740 - k * 14, size: 10}))];
    const more: PlacedLine[] = [
      {text: "6 Account lockout 79", y: 780, size: 10},
      {text: "Index 173", y: 766, size: 10},
    ];
    const chapter: PlacedLine[] = [
      {text: "1 Installation guide", y: 780, size: 18},
      {text: "Set the lockout policy with kadmin, then wait 10", y: 740, size: 10},
      {text: "Retry the login after 20", y: 726, size: 10},
    ];
    const doc = await parseDocument(await makeLaidOutPdf([contents, more, chapter]), "admin.pdf");
    expect(doc.blocks.map((block) => block.text)).toEqual(["CONTENTS", "1 Installation guide", "Set the lockout policy with kadmin, then wait 10 Retry the login after 20"]);
  });

  it("reads a cover page's release and author lines as text, not as levels above every section", async () => {
    // A manual's cover: title, release and publisher set larger than any heading inside.
    const cover: PlacedLine[] = [
      {text: "Kerberos Administration Guide", y: 700, size: 25},
      {text: "Release 1.20.1", y: 670, size: 17},
      {text: "MIT", y: 500, size: 17},
    ];
    const chapter = (n: number): PlacedLine[] => [
      {text: "CHAPTER", y: 800, size: 10},
      {text: `${n} Principals`, y: 780, size: 14.5},
      {text: `${n}.1 modify_principal`, y: 740, size: 12},
      {text: "Use kadmin: modprinc -unlock PRINCNAME to unlock a principal that was locked out.", y: 710, size: 10},
    ];
    const doc = await parseDocument(await makeLaidOutPdf([cover, chapter(4), chapter(5)]), "admin.pdf");
    expect(doc.title).toBe("Kerberos Administration Guide");
    expect(doc.blocks.filter((block) => block.type === "heading").map((block) => [block.text, block.level])).toEqual([
      ["4 Principals", 1],
      ["4.1 modify_principal", 2],
      ["5 Principals", 1],
      ["5.1 modify_principal", 2],
    ]);
    expect(doc.blocks.find((block) => block.text.startsWith("Use kadmin"))?.headingPath).toEqual(["4 Principals", "4.1 modify_principal"]);
    // The "CHAPTER" label above each chapter's title is not text of the section before it.
    expect(doc.blocks.some((block) => block.text.includes("CHAPTER"))).toBe(false);
    expect(doc.blocks.filter((block) => block.page === 1).map((block) => [block.type, block.headingPath])).toEqual([
      ["paragraph", []],
      ["paragraph", []],
      ["paragraph", []],
    ]);

    // A first page with body text is no cover: its large lines stay headings.
    const opening: PlacedLine[] = [{text: "Kerberos Administration Guide", y: 780, size: 25}, {text: "This guide covers the KDC and kadmin.", y: 740, size: 10}];
    const withBody = await parseDocument(await makeLaidOutPdf([opening, chapter(4)]), "admin.pdf");
    expect(withBody.blocks.find((block) => block.text === "4 Principals")?.headingPath).toEqual(["Kerberos Administration Guide"]);
  });

  it("joins a word the typesetter split at a line end, and keeps the hyphen of a compound", async () => {
    const lines = ["Install the packages from the portal first.", "", "The updater fetches the pack-", "ages overnight on Debian-", "based laptops only."];
    const doc = await parseDocument(await makeLaidOutPdf([lines.flatMap((text, k) => (text ? [{text, y: 780 - k * 12, size: 10}] : []))]), "updates.pdf");
    expect(doc.blocks.map((block) => block.text)).toEqual(["Install the packages from the portal first.", "The updater fetches the packages overnight on Debian-based laptops only."]);
  });

  it("drops control characters that stand for glyphs the font maps to nothing", async () => {
    // A browser printing a page's "¶" permalinks wrote glyphs whose Unicode mapping is NUL; here "~" maps to it.
    const toUnicode = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Nul def 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <7E> <0000> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end";
    const bytes = makeRawPdf([
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      {dict: "", stream: textContent(["5.1. Zone Signing~", "Keys roll over every year."])},
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
      {dict: "", stream: Buffer.from(toUnicode, "latin1")},
    ]);
    const doc = await parseDocument(bytes, "dnssec.pdf");
    expect(doc.blocks.map((block) => block.text)).toEqual(["5.1. Zone Signing Keys roll over every year."]);
  });

  it("reports a password-protected PDF as PDF_ENCRYPTED", async () => {
    const locked = encryptPdf(await makePdf([{paragraphs: ["Secret runbook."]}]));
    const error = await expectDesksideError(parseDocument(locked, "locked.pdf"));
    expect(error.code).toBe("PDF_ENCRYPTED");
    expect(error.message).toMatch(/password/);
  });

  it("reports a truncated PDF as PARSE_FAILED", async () => {
    const bytes = await makePdf([{paragraphs: ["Some text."]}, {paragraphs: ["More text."]}]);
    const error = await expectDesksideError(parseDocument(bytes.slice(0, Math.floor(bytes.length / 2)), "broken.pdf"));
    expect(error.code).toBe("PARSE_FAILED");
    expect(error.message).not.toMatch(/Exception/);
  });

  it("says that a PDF without a text layer needs OCR", async () => {
    const error = await expectDesksideError(parseDocument(await makeImageOnlyPdf(), "scan.pdf"));
    expect(error.code).toBe("PARSE_FAILED");
    expect(error.message).toMatch(/no text layer/);
  });

  it("passes over blank pages without calling them scanned, and says when every page is blank", async () => {
    // A book's back-of-title and empty left-hand pages: nothing drawn, or only a frame.
    const text = (n: number): string => `Page ${n}: restart the print spooler, then clear the queue of job ${n}.`;
    const book = await parseDocument(await makePdfWithBlankPages([text(1), "blank", text(3), "frame", text(5), text(6), text(7), text(8), text(9), text(10)]), "book.pdf");
    expect(book.warnings).toEqual([]);
    expect(book.blocks.map((block) => block.page)).toEqual([1, 3, 5, 6, 7, 8, 9, 10]);

    // An image page among them is still reported as unread.
    const withScan = await parseDocument(await makePdfWithBlankPages([text(1), "blank", text(3), "image", text(5), text(6), text(7), text(8), text(9), text(10)]), "book.pdf");
    expect(withScan.warnings).toEqual(["1 of 10 pages have no text layer (scanned?) and were not indexed."]);
    // A scan with its page number stamped in text first: the font must not end the page's drawing
    // before the image (PDF.js compiles fonts with an ArrayBuffer method Node 20 lacks).
    const stamped = await parseDocument(await makePdfWithBlankPages([text(1), "blank", text(3), "stamped-image", text(5), text(6), text(7), text(8), text(9), text(10)]), "book.pdf");
    expect(stamped.warnings).toEqual(["1 of 10 pages have no text layer (scanned?) and were not indexed."]);
    const empty = await expectDesksideError(parseDocument(await makePdfWithBlankPages(["blank", "frame"]), "empty.pdf"));
    expect(empty.code).toBe("FILE_EMPTY");
    expect(empty.message).toMatch(/blank/);
  });
});
