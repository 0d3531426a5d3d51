import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {describe, expect, it} from "vitest";
import {createTestCore, removeDataDir} from "../helpers/core.js";

describe("embedding model appearing after import", () => {
  it("fills the vectors at the next start so meaning-based search works", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-reindex-"));
    // First run: no embedding model anywhere, so the runbook is stored text-only.
    const first = await createTestCore({withModel: false, dataDir, overrides: {embeddingModel: path.join(dataDir, "no-such-model")}});
    const job = await first.knowledge.importBuffers([{name: "vpn.md", bytes: new TextEncoder().encode("# VPN error 809\n\nThe firewall blocks IPsec; allow UDP 500 and 4500.")}]);
    await first.knowledge.waitForJob(job.id);
    expect((await first.knowledge.stats()).embeddingModel).toBeNull();
    expect((await first.knowledge.search({query: "vpn firewall", mode: "hybrid"})).effectiveMode).toBe("text");
    await first.close();

    // Second run with the embedding model present: start-up re-indexes, and hybrid search is back.
    const second = await createTestCore({withModel: false, dataDir});
    const stats = await second.knowledge.stats();
    expect(stats).toMatchObject({embeddingModel: "static-glove-wordpiece", embeddingDimension: 100, chunks: 1});
    const result = await second.knowledge.search({query: "vpn firewall", mode: "hybrid"});
    expect(result.effectiveMode).toBe("hybrid");
    expect(result.hits[0].scores.vector).toBeGreaterThan(0);
    await second.close();
    removeDataDir(second);
  });
});
