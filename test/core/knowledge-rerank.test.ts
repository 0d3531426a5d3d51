import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {defaultSettings} from "../../shared/settings.js";
import {createKnowledgeService, type KnowledgeService} from "../../electron/core/knowledge/knowledge-service.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "../helpers/fixtures.js";
import {writeTinyCrossEncoder} from "../helpers/tiny-cross-encoder.js";

/**
 * The re-ranking stage and GGUF embedders inside the knowledge service, on models written at test
 * time: a cross-encoder whose score is the number of query word pieces found in the passage (so its
 * order is predictable) and the Llama fixture as a GGUF embedder (meaningless vectors, real path).
 */

const ARTICLES: Record<string, string> = {
  "toner.md": "# Toner\n\nReplace the printer toner cartridge when pages come out faded.\n",
  "vpn.md": "# VPN\n\nThe VPN client shows error 809 when the hotel network blocks it; use a phone hotspot.\n",
  "printer-queue.md": "# Print queue\n\nA stuck printer queue is cleared by restarting the spooler.\n",
};

describe("knowledge service with a re-ranker and a GGUF embedder", () => {
  let root: string;
  let models: string;
  let docs: string;
  let service: KnowledgeService | null = null;

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "deskside-kb-rerank-"));
    models = path.join(root, "models");
    docs = path.join(root, "docs");
    mkdirSync(models);
    mkdirSync(docs);
    for (const [name, text] of Object.entries(ARTICLES)) writeFileSync(path.join(docs, name), text);
    writeTinyCrossEncoder(path.join(models, "tiny-cross-encoder"));
  });

  afterAll(async () => {
    await service?.close();
    rmSync(root, {recursive: true, force: true});
  });

  it("finds the cross-encoder in the models folder, re-orders by it and reports its time", async () => {
    service = await createKnowledgeService({dataDir: path.join(root, "data-a"), embeddingModelDirs: [models], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge});
    await service.waitForJob((await service.importPaths([docs])).id);
    expect((await service.stats()).reranker).toEqual({id: "tiny-cross-encoder", kind: "cross-encoder"});

    const result = await service.search({query: "printer toner cartridge faded", topK: 3});
    expect(result.reranker).toBe("tiny-cross-encoder");
    expect(result.timings?.rerankMs).toBeGreaterThan(0);
    expect(path.basename(result.hits[0].sourcePath)).toBe("toner.md");

    // Off by setting: same search, no re-ranker, no re-rank time.
    service.updateSettings(defaultSettings().knowledge, {rerank: false});
    const plain = await service.search({query: "printer toner cartridge faded", topK: 3});
    expect(plain.reranker).toBeUndefined();
    expect(plain.timings?.rerankMs).toBeUndefined();
    expect((await service.stats()).reranker).toBeNull();
    await service.close();
    service = null;
  });

  it("imports and searches with a GGUF embedding model through node-llama-cpp", async () => {
    service = await createKnowledgeService({dataDir: path.join(root, "data-b"), embeddingModelDirs: [], embeddingModel: FIXTURE_GGUF, settings: defaultSettings().knowledge});
    const job = await service.waitForJob((await service.importPaths([docs])).id);
    expect(job.counts.done).toBe(3);
    const stats = await service.stats();
    expect(stats).toMatchObject({embeddingModel: path.basename(FIXTURE_GGUF), embeddingDimension: 8, notice: null});
    const result = await service.search({query: "VPN error 809", topK: 3, mode: "vector"});
    expect(result.effectiveMode).toBe("vector");
    expect(result.hits).toHaveLength(3);
    const hybrid = await service.search({query: "VPN error 809 hotel", topK: 1});
    expect(path.basename(hybrid.hits[0].sourcePath)).toBe("vpn.md");
  });
});
