import {describe, expect, it} from "vitest";
import {DesksideError} from "../../../../shared/errors.js";
import {parseDocument} from "./parse-document.js";
import {makeBinary, makePng} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

describe("parseDocument", () => {
  it("fails with stable codes, never with a library's own error", async () => {
    const cases: [Uint8Array, string, string][] = [
      [new Uint8Array(), "empty.md", "FILE_EMPTY"],
      [makeBinary(), "notes.txt", "UNSUPPORTED_TYPE"],
      [makePng(), "diagram.png", "UNSUPPORTED_TYPE"],
      [utf8("%PDF-1.7\n1 0 obj garbage"), "bad.pdf", "PARSE_FAILED"],
      [utf8("<html><body><script>only()</script></body></html>"), "blank.html", "FILE_EMPTY"],
    ];
    for (const [bytes, name, code] of cases) {
      const error = await expectDesksideError(parseDocument(bytes, name));
      expect(error).toBeInstanceOf(DesksideError);
      expect([name, error.code]).toEqual([name, code]);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  it("returns no empty blocks and always a title", async () => {
    const doc = await parseDocument(utf8("\n\nHello there.\n\n\n"), "  .txt");
    expect(doc.title).toBe(".txt");
    expect(doc.blocks).toEqual([{type: "paragraph", text: "Hello there.", headingPath: []}]);
  });
});
