import {describe, expect, it} from "vitest";
import {deflateRepeated, docxParts, makeZip, wordDocument} from "../../../../test/helpers/zip-writer.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";
import {resolveLimits} from "./file-limits.js";
import {checkZipArchive} from "./zip-guard.js";

const MB = 1024 * 1024;
const limits = resolveLimits({maxUnpackedBytes: 64 * MB, maxArchiveEntries: 100});

describe("ZIP bomb guard", () => {
  it("passes a normal document", async () => {
    await checkZipArchive(makeZip(docxParts(wordDocument("<w:p><w:r><w:t>Restart the spooler.</w:t></w:r></w:p>"))), limits);
  });

  it("refuses declared sizes past the limit before inflating anything", async () => {
    const error = await expectDesksideError(checkZipArchive(makeZip(docxParts(deflateRepeated(new Uint8Array(MB), 100))), limits));
    expect(error.code).toBe("FILE_TOO_LARGE");
    expect(error.message).toMatch(/unpacks to 100 MB or more, beyond the 64 MB/);
  });

  it("catches an entry that inflates to more than its header says, without holding the output", async () => {
    const liar = {...deflateRepeated(new Uint8Array(MB), 200), size: 1024};
    const before = process.memoryUsage().rss;
    const error = await expectDesksideError(checkZipArchive(makeZip(docxParts(liar)), limits));
    expect(error.code).toBe("FILE_TOO_LARGE");
    expect(error.message).toMatch(/more than its header says/);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * MB);
  });

  it("refuses too many entries, a ZIP64 size marker without its record, and a cut archive", async () => {
    const many = makeZip(Array.from({length: 150}, (_, i) => ({name: `f${i}`, data: new Uint8Array([1]), store: true})));
    expect((await expectDesksideError(checkZipArchive(many, limits))).code).toBe("FILE_TOO_COMPLEX");
    const zip64 = makeZip(docxParts({deflated: new Uint8Array([3, 0]), size: 0xffffffff, crc: 0}));
    expect((await expectDesksideError(checkZipArchive(zip64, limits))).code).toBe("FILE_TOO_LARGE");
    const cut = makeZip(docxParts(wordDocument("<w:p/>"))).subarray(0, 200);
    expect((await expectDesksideError(checkZipArchive(cut, limits))).code).toBe("PARSE_FAILED");
  });
});
