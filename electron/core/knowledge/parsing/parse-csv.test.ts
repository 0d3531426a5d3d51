import iconv from "iconv-lite";
import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

describe("CSV parsing", () => {
  it("sniffs semicolons, keeps quoted newlines, numbers data rows and skips empty ones", async () => {
    const csv = '\ufeffAsset;Owner;Note\nLAP-001;Ana;"Battery swelling;\nreplace soon"\n\n;;\nLAP-002;Bo;ok\n';
    const doc = await parseDocument(utf8(csv), "assets.csv");
    expect(doc).toMatchObject({title: "assets", kind: "csv", mime: "text/csv", meta: {delimiter: ";", rowCount: 2, columns: 3, header: true}, warnings: []});
    expect(doc.blocks).toEqual([
      {type: "record", text: "Asset: LAP-001\nOwner: Ana\nNote: Battery swelling;\nreplace soon", headingPath: [], row: 1},
      {type: "record", text: "Asset: LAP-002\nOwner: Bo\nNote: ok", headingPath: [], row: 4},
    ]);
  });

  it("keeps a row with an unclosed quote as a warning and reads the rows after it", async () => {
    const csv = 'Name;Phone;Room\nAna;111;B2\nBo;"222;C1\nCy;333;D4\n';
    const doc = await parseDocument(utf8(csv), "phones.csv");
    expect(doc.blocks.map((block) => [block.row, block.text.split("\n")[0]])).toEqual([
      [1, "Name: Ana"],
      [2, "Name: Bo"],
      [3, "Name: Cy"],
    ]);
    expect(doc.blocks[2].text).toBe("Name: Cy\nPhone: 333\nRoom: D4");
    expect(doc.warnings).toEqual([expect.stringMatching(/Row 2 had an unclosed quote/)]);
  });

  it("warns about rows whose field count differs from the header and keeps their values", async () => {
    const doc = await parseDocument(utf8("a,b,c\n1,2,3\n4,5,6,7\n"), "ragged.csv");
    expect(doc.blocks[1].text).toBe("a: 4\nb: 5\nc: 6\nColumn 4: 7");
    expect(doc.warnings).toEqual([expect.stringMatching(/Row 2 has a different number of fields/)]);
  });

  it("reads tab-separated Windows-1252 exports and invents column names when there is no header", async () => {
    const bytes = iconv.encode("1001\tCafé printer\t3\n1002\tLobby kiosk\t1\n", "windows-1252");
    const doc = await parseDocument(bytes, "export.tsv");
    expect(doc.mime).toBe("text/tab-separated-values");
    expect(doc.meta).toMatchObject({header: false, delimiter: "tab", encoding: "windows-1252"});
    expect(doc.blocks[0]).toMatchObject({row: 1, text: "Column 1: 1001\nColumn 2: Café printer\nColumn 3: 3"});
  });

  it("fails when no row can be read and reports a header without rows as empty", async () => {
    expect((await expectDesksideError(parseDocument(utf8('"unclosed\n'), "bad.csv"))).code).toBe("PARSE_FAILED");
    expect((await expectDesksideError(parseDocument(utf8("Name,Phone\n"), "header-only.csv"))).code).toBe("FILE_EMPTY");
  });
});
