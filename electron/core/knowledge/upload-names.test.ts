import {describe, expect, it} from "vitest";
import {cleanUploadPath, FALLBACK_UPLOAD_NAME, MAX_UPLOAD_NAME_CHARS, planUploadNames} from "./upload-names.js";

describe("cleaning an uploaded file's name", () => {
  it("drops control characters, separators and dot parts", () => {
    expect(cleanUploadPath("../../etc/pass\u0000wd.md")).toEqual({folder: "", name: "passwd.md"});
    expect(cleanUploadPath("..\\..\\vpn\\run\u0007book.md")).toEqual({folder: "", name: "runbook.md"});
    expect(cleanUploadPath("docs\\vpn\\run\u0007book.md")).toEqual({folder: "docs/vpn", name: "runbook.md"});
    expect(cleanUploadPath("/abs/./docs//guide.txt")).toEqual({folder: "abs/docs", name: "guide.txt"});
    expect(cleanUploadPath("invoice\u202Egpj.exe")).toEqual({folder: "", name: "invoicegpj.exe"});
    expect(cleanUploadPath("line\r\nbreak.md").name).toBe("linebreak.md");
  });

  it("keeps no drive letter that would make a stored path absolute on Windows", () => {
    expect(cleanUploadPath("C:\\Users\\tech\\runbook.md")).toEqual({folder: "C/Users/tech", name: "runbook.md"});
  });

  it("falls back to a name when nothing is left", () => {
    for (const raw of ["", "..", "../..", "\u0000\u0001", "/", " . "]) expect(cleanUploadPath(raw).name, JSON.stringify(raw)).toBe(FALLBACK_UPLOAD_NAME);
  });

  it("shortens long names and keeps the extension", () => {
    const {name} = cleanUploadPath(`${"x".repeat(400)}.md`);
    expect(Array.from(name)).toHaveLength(MAX_UPLOAD_NAME_CHARS);
    expect(name.endsWith("x.md")).toBe(true);
    // Characters outside the BMP are never cut in half.
    const emoji = cleanUploadPath(`${"😀".repeat(200)}.txt`).name;
    expect(Array.from(emoji)).toHaveLength(MAX_UPLOAD_NAME_CHARS);
    expect(emoji).not.toContain("\ufffd");
    expect(emoji.endsWith(".txt")).toBe(true);
  });
});

describe("naming a batch of uploads", () => {
  it("numbers a second file with the same name in one batch", () => {
    expect(planUploadNames(["runbook.md", "runbook.md", "runbook.md"], [])).toEqual([
      {name: "runbook.md", sourcePath: "runbook.md"},
      {name: "runbook (2).md", sourcePath: "runbook (2).md"},
      {name: "runbook (3).md", sourcePath: "runbook (3).md"},
    ]);
    expect(planUploadNames(["vpn/runbook.md", "wifi/runbook.md"], [])).toEqual([
      {name: "runbook.md", sourcePath: "vpn/runbook.md"},
      {name: "runbook (2).md", sourcePath: "wifi/runbook (2).md"},
    ]);
  });

  it("replaces a stored upload of the same folder and name, numbered or not", () => {
    expect(planUploadNames(["runbook.md"], [{sourcePath: "runbook.md"}])).toEqual([{name: "runbook.md", sourcePath: "runbook.md"}]);
    const stored = [{sourcePath: "vpn/runbook.md"}, {sourcePath: "wifi/runbook (2).md"}];
    expect(planUploadNames(["vpn/runbook.md", "wifi/runbook.md"], stored)).toEqual([
      {name: "runbook.md", sourcePath: "vpn/runbook.md"},
      {name: "runbook (2).md", sourcePath: "wifi/runbook (2).md"},
    ]);
    // The same batch again gives the same names (each file replaces its own copy).
    expect(planUploadNames(["runbook.md", "runbook.md"], [{sourcePath: "runbook.md"}, {sourcePath: "runbook (2).md"}])).toEqual([
      {name: "runbook.md", sourcePath: "runbook.md"},
      {name: "runbook (2).md", sourcePath: "runbook (2).md"},
    ]);
  });

  it("gives a new file a name no stored document shows, whatever its folder or origin", () => {
    expect(planUploadNames(["vpn/runbook.md"], [{sourcePath: "wifi/runbook.md"}])).toEqual([{name: "runbook (2).md", sourcePath: "vpn/runbook (2).md"}]);
    expect(planUploadNames(["runbook.md"], [{sourcePath: "/home/tech/docs/runbook.md"}])).toEqual([{name: "runbook (2).md", sourcePath: "runbook (2).md"}]);
    expect(planUploadNames(["RUNBOOK.md"], [{sourcePath: "runbook.md"}, {sourcePath: "x/runbook (2).md"}])).toEqual([{name: "RUNBOOK (3).md", sourcePath: "RUNBOOK (3).md"}]);
    expect(planUploadNames(["", "\u0000"], [])).toEqual([
      {name: "upload", sourcePath: "upload"},
      {name: "upload (2)", sourcePath: "upload (2)"},
    ]);
  });

  it("keeps numbered names within the length limit", () => {
    const long = `${"y".repeat(MAX_UPLOAD_NAME_CHARS + 50)}.pdf`;
    const [first, second] = planUploadNames([long, long], []);
    expect(Array.from(first.name)).toHaveLength(MAX_UPLOAD_NAME_CHARS);
    expect(Array.from(second.name)).toHaveLength(MAX_UPLOAD_NAME_CHARS);
    expect(second.name.endsWith(" (2).pdf")).toBe(true);
  });
});
