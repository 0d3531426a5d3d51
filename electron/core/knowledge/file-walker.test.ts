import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {collectFiles} from "./file-walker.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe("walking a dropped folder", () => {
  it("takes a file and the links to it once, named after the file even when a link sorts first", async () => {
    // A manual shipped in several languages: untranslated pages in other folders are links to the English ones.
    const root = mkdtempSync(path.join(os.tmpdir(), "walker-"));
    made.push(root);
    for (const folder of ["da", "en", "fr"]) mkdirSync(path.join(root, folder));
    writeFileSync(path.join(root, "en", "bind.html"), "<p>Binding</p>");
    writeFileSync(path.join(root, "fr", "bind.html"), "<p>Association</p>");
    symlinkSync(path.join("..", "en", "bind.html"), path.join(root, "da", "bind.html"));
    const {files} = await collectFiles([root], {maxFiles: 100});
    expect(files.map((file) => path.relative(root, file.path))).toEqual([path.join("en", "bind.html"), path.join("fr", "bind.html")]);
    // A watched folder keeps every path: each is a document of its own there.
    const aliases = await collectFiles([root], {maxFiles: 100, keepAliases: true});
    expect(aliases.files).toHaveLength(3);
  });
});
