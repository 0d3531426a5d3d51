/**
 * A data folder with the wrong kind of thing where Deskside keeps its folders and files (a file
 * named `logs`, `models` or `lancedb`, a folder named `watched-folders.json`, a garbled token-usage
 * file): as a sync tool or a mistaken copy leaves it. The app starts, keeps each one aside
 * unchanged, says so in the log, and works with fresh folders, on disk.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {createTestCore} from "../helpers/core.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
});

function kept(dataDir: string, prefix: string): string[] {
  return fs.readdirSync(dataDir).filter((name) => name.startsWith(prefix));
}

describe("a data folder with things in the way", () => {
  it("keeps them aside and starts with working folders", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-obstacles-"));
    dirs.push(dataDir);
    fs.writeFileSync(path.join(dataDir, "logs"), "a file, not the log folder");
    fs.writeFileSync(path.join(dataDir, "models"), "a file, not the models folder");
    fs.writeFileSync(path.join(dataDir, "lancedb"), "a file, not the store");
    fs.mkdirSync(path.join(dataDir, "watched-folders.json"));
    fs.writeFileSync(path.join(dataDir, "watched-folders.json", "inside.txt"), "a folder by that name");
    fs.writeFileSync(path.join(dataDir, "api-token-usage.json"), "\u0000garbled{");

    let core = await createTestCore({withModel: false, dataDir});
    try {
      for (const name of ["logs", "models", "lancedb"]) {
        const aside = kept(dataDir, `${name}.not-a-folder-`);
        expect(aside, name).toHaveLength(1);
        expect(fs.readFileSync(path.join(dataDir, aside[0]), "utf8")).toContain("a file, not");
        expect(fs.statSync(path.join(dataDir, name)).isDirectory()).toBe(true);
      }
      const registry = kept(dataDir, "watched-folders.json.corrupt-");
      expect(registry).toHaveLength(1);
      expect(fs.readFileSync(path.join(dataDir, registry[0], "inside.txt"), "utf8")).toBe("a folder by that name");

      // The knowledge base, the history and the watched folders work, on disk.
      const job = await core.knowledge.importBuffers([{name: "badge.md", bytes: new TextEncoder().encode("# Badge reader\n\nReplace the reader's battery every spring.\n")}]);
      expect((await core.knowledge.waitForJob(job.id)).counts.done).toBe(1);
      expect((await core.knowledge.search({query: "badge reader battery", mode: "text"})).hits[0]?.title).toBe("Badge reader");
      const conversation = await core.chat.create("Kept on disk");
      const watched = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "deskside-obstacles-folder-")));
      dirs.push(watched);
      await core.folders.add(watched);

      const log = fs.readFileSync(path.join(dataDir, "logs", "deskside.log"), "utf8");
      for (const what of ["the log folder", "the models folder", "the knowledge base and history folder"]) expect(log).toContain(`was in the way of ${what}`);
      expect(log).toContain("The list of watched folders could not be read");

      await core.close();
      core = await createTestCore({withModel: false, dataDir});
      expect((await core.chat.list()).map((c) => c.id)).toContain(conversation.id);
      expect(core.knowledge.listDocuments().map((doc) => doc.title)).toContain("Badge reader");
      expect(core.folders.list()).toHaveLength(1);
      // Nothing more was moved at the second start.
      expect(kept(dataDir, "lancedb.not-a-folder-")).toHaveLength(1);
    } finally {
      await core.close();
    }
  });
});
