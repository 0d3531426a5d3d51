import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {encryptPdf, makeImageOnlyPdf, makePdf} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";

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
  });

  it("drops running headers and page numbers repeated on every page, keeps similar content", async () => {
    const pages = [1, 2, 3, 4].map((n) => ({paragraphs: ["ACME Printer Manual", `Content of page ${n} about printers.`, `Page ${n} of 4`]}));
    const doc = await parseDocument(await makePdf(pages), "manual.pdf");
    expect(doc.blocks.map((block) => block.text)).toEqual([1, 2, 3, 4].map((n) => `Content of page ${n} about printers.`));
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
});
