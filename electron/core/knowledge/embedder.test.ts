import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createEmbedder, embeddingModelCandidates, isEmbeddingModelFolder, resolveEmbeddingModel, type Embedder} from "./embedder.js";
import {FIXTURE_EMBEDDER_DIR} from "../../../test/helpers/fixtures.js";

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

describe("embedding model discovery", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "deskside-embed-"));
    mkdirSync(path.join(root, "empty"));
    // A folder with config and tokenizer but no ONNX graph is not usable.
    mkdirSync(path.join(root, "incomplete", "onnx"), {recursive: true});
    writeFileSync(path.join(root, "incomplete", "config.json"), "{}");
    writeFileSync(path.join(root, "incomplete", "tokenizer.json"), "{}");
    mkdirSync(path.join(root, "models"));
    cpSync(FIXTURE_EMBEDDER_DIR, path.join(root, "models", "my embedder"), {recursive: true});
  });
  afterAll(() => rmSync(root, {recursive: true, force: true}));

  it("recognizes a complete model folder only", () => {
    expect(isEmbeddingModelFolder(FIXTURE_EMBEDDER_DIR)).toBe(true);
    expect(isEmbeddingModelFolder(path.join(root, "incomplete"))).toBe(false);
    expect(isEmbeddingModelFolder(path.join(root, "missing"))).toBe(false);
  });

  it("finds a model folder directly or inside a models folder, in candidate order", () => {
    expect(resolveEmbeddingModel([path.join(root, "missing"), path.join(root, "empty"), path.join(root, "models")])).toBe(path.join(root, "models", "my embedder"));
    expect(resolveEmbeddingModel([FIXTURE_EMBEDDER_DIR, path.join(root, "models")])).toBe(FIXTURE_EMBEDDER_DIR);
    expect(resolveEmbeddingModel([path.join(root, "incomplete"), path.join(root, "empty")])).toBeNull();
    expect(resolveEmbeddingModel([])).toBeNull();
  });

  it("turns the setting into candidates: a path, a name in each folder, or every folder", () => {
    const dirs = [path.join(root, "empty"), path.join(root, "models")];
    expect(resolveEmbeddingModel(embeddingModelCandidates("my embedder", dirs))).toBe(path.join(root, "models", "my embedder"));
    expect(resolveEmbeddingModel(embeddingModelCandidates(FIXTURE_EMBEDDER_DIR, dirs))).toBe(FIXTURE_EMBEDDER_DIR);
    expect(resolveEmbeddingModel(embeddingModelCandidates(null, dirs))).toBe(path.join(root, "models", "my embedder"));
    // A chosen model that is missing is not silently replaced by another one.
    expect(resolveEmbeddingModel(embeddingModelCandidates("not-there", dirs))).toBeNull();
  });
});

describe("embedder", () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder(FIXTURE_EMBEDDER_DIR, {batchSize: 4});
  });
  afterAll(async () => {
    await embedder.close();
  });

  it("loads the local fixture and reports its id and dimension", () => {
    expect(embedder.modelId).toBe("static-glove-wordpiece");
    expect(embedder.dimension).toBe(100);
  });

  it("counts tokens with the model's own tokenizer, without special tokens", () => {
    expect(embedder.countTokens("How do I reset my password?")).toBe(7);
    expect(embedder.countTokens("")).toBe(0);
  });

  it("embeds in batches with progress, as unit vectors that carry meaning", async () => {
    const progress: [number, number][] = [];
    const texts = ["reset my password", "forgot my login credentials", "printer is out of paper", "a", "b", "c", "d", "e", "f", "g"];
    const vectors = await embedder.embed(texts, {onProgress: (done, total) => progress.push([done, total])});
    expect(vectors).toHaveLength(texts.length);
    expect(progress).toEqual([
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    for (const vector of vectors) expect(Math.abs(dot(vector, vector) - 1)).toBeLessThan(1e-4);
    expect(dot(vectors[0], vectors[1])).toBeGreaterThan(dot(vectors[0], vectors[2]));
  });

  it("stops between batches when aborted", async () => {
    const controller = new AbortController();
    const texts = Array.from({length: 20}, (_, i) => `text ${i}`);
    await expect(
      embedder.embed(texts, {
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 4) controller.abort();
        },
      }),
    ).rejects.toMatchObject({code: "CANCELLED"});
  });

  it("refuses a folder that is not a model", async () => {
    await expect(createEmbedder(os.tmpdir())).rejects.toMatchObject({code: "EMBEDDING_MODEL_MISSING"});
  });
});
