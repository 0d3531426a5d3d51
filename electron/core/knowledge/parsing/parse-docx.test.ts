import {Document, HeadingLevel, Packer, Paragraph} from "docx";
import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {makeDocx} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";

describe("DOCX parsing", () => {
  it("keeps headings as paths, list items and table rows with their column names", async () => {
    const doc = await parseDocument(await makeDocx(), "printer.docx");
    expect(doc.title).toBe("Printer Support Guide");
    expect(doc.kind).toBe("docx");
    expect(doc.blocks.map((block) => [block.type, block.headingPath.join(" > "), block.text])).toEqual([
      ["heading", "", "Installation"],
      ["paragraph", "Installation", "Install the PCL6 driver before connecting the printer."],
      ["heading", "Installation", "Driver download"],
      ["list-item", "Installation > Driver download", "Open the vendor portal"],
      ["list-item", "Installation > Driver download", "Download the universal driver"],
      ["heading", "Installation", "Supported models"],
      ["table-row", "Installation > Supported models", "Model: LaserJet 400; Driver: PCL6; Tray: 2"],
      ["table-row", "Installation > Supported models", "Model: OfficeJet 250; Driver: PCL3; Tray: 1"],
      ["heading", "", "Troubleshooting"],
      ["paragraph", "Troubleshooting", "If the queue stalls, restart the spooler service."],
    ]);
    expect(doc.blocks.filter((block) => block.type === "heading").map((block) => block.level)).toEqual([1, 2, 2, 1]);
  });

  it("takes the file name as title when the first heading only names a part every document has", async () => {
    const build = async (heading: string): Promise<Uint8Array> =>
      new Uint8Array(await Packer.toBuffer(new Document({sections: [{children: [new Paragraph({text: heading, heading: HeadingLevel.HEADING_1}), new Paragraph("Map the drive with net use.")]}]})));
    expect((await parseDocument(await build("Introduction"), "Drive mapping runbook.docx")).title).toBe("Drive mapping runbook");
    expect((await parseDocument(await build("Mapping network drives"), "runbook.docx")).title).toBe("Mapping network drives");
  });

  it("reports a damaged .docx as PARSE_FAILED", async () => {
    const bytes = await makeDocx();
    const error = await expectDesksideError(parseDocument(bytes.slice(0, 2000), "broken.docx"));
    expect(["PARSE_FAILED", "UNSUPPORTED_TYPE"]).toContain(error.code);
  });
});
