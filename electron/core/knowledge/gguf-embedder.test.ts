import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {getLlama, type Llama} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createEmbedder, embeddingModelCandidates, isEmbeddingModelFolder, type Embedder} from "./embedder.js";
import {createAnyEmbedder, resolveAnyEmbeddingModel} from "./embedder-factory.js";
import {createGgufEmbedder, isEmbeddingGgufName} from "./gguf-embedder.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "../../../test/helpers/fixtures.js";
import {writeTinyBertGguf} from "../../../test/helpers/tiny-bert-gguf.js";
import {writeTinyCrossEncoder} from "../../../test/helpers/tiny-cross-encoder.js";

const TEXTS = ["How do I reset my password?", "The printer is out of toner.", "VPN error 809 after the update", ""];
// Far more than the context of either model.
const FILLER = " the network account error".repeat(2500);

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

let llama: Llama;
let scratch: string;

beforeAll(async () => {
  llama = await getLlama({gpu: false, build: "never"});
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-gguf-embed-"));
});
afterAll(async () => {
  await llama.dispose();
  fs.rmSync(scratch, {recursive: true, force: true});
});

describe("GGUF embedder on the llama fixture", () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createGgufEmbedder(FIXTURE_GGUF, {llama, threads: 1});
  });
  afterAll(async () => {
    await embedder.close();
  });

  it("reports the file as id and path and the model's embedding length as dimension", async () => {
    const model = await llama.loadModel({modelPath: FIXTURE_GGUF});
    expect(embedder).toMatchObject({modelId: "llama-2-tiny-random.gguf", modelPath: FIXTURE_GGUF, dimension: model.embeddingVectorSize});
    expect(embedder.dimension).toBe(8);
    // Counted with the model's own tokenizer, without special tokens.
    expect(embedder.countTokens("How do I reset my password?")).toBe(model.tokenize("How do I reset my password?", false).length);
    expect(embedder.countTokens("")).toBe(0);
    await model.dispose();
  });

  it("returns one unit vector per text, in order, the same every time", async () => {
    const vectors = await embedder.embed(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(8);
      expect(Math.abs(dot(vector, vector) - 1)).toBeLessThan(1e-5);
    }
    expect(dot(vectors[0], vectors[1])).toBeLessThan(0.9999);
    const reversed = await embedder.embed([...TEXTS].reverse());
    expect(reversed.reverse()).toEqual(vectors);
    expect(await embedder.embed(TEXTS)).toEqual(vectors);
    expect(await embedder.embed([])).toEqual([]);
  });

  it("cuts an over-long text by tokens, keeping its start", async () => {
    const long = `VPN error 809.${FILLER}`;
    expect(long.length).toBeGreaterThan(50_000);
    const [a, b] = await embedder.embed([`${long} printer`, `${long} outlook`]);
    expect(Math.abs(dot(a, a) - 1)).toBeLessThan(1e-5);
    expect(a).toEqual(b);
  });

  it("reports progress and serializes concurrent calls without mixing results", async () => {
    const texts = Array.from({length: 40}, (_, i) => `${TEXTS[i % TEXTS.length]} ${i}`);
    const progress: [number, number][] = [];
    const alone = await embedder.embed(texts, {onProgress: (done, total) => progress.push([done, total])});
    expect(progress).toEqual([
      [16, 40],
      [32, 40],
      [40, 40],
    ]);
    const together = await Promise.all([embedder.embed(texts.slice(0, 20)), embedder.embed(texts.slice(20)), embedder.embed(texts.slice(10, 30))]);
    expect(together).toEqual([alone.slice(0, 20), alone.slice(20), alone.slice(10, 30)]);
  });

  it("stops with CANCELLED, before starting and midway", async () => {
    await expect(embedder.embed(TEXTS, {signal: AbortSignal.abort()})).rejects.toMatchObject({code: "CANCELLED"});
    const controller = new AbortController();
    const texts = Array.from({length: 2000}, (_, i) => `${FILLER.slice(0, 300)} ${i}`);
    let done = 0;
    const run = embedder.embed(texts, {signal: controller.signal, onProgress: (n) => (done = n) >= 32 && controller.abort()});
    await expect(run).rejects.toMatchObject({code: "CANCELLED"});
    expect(done).toBeLessThan(texts.length);
  });
});

describe("GGUF embedder on an encoder (tiny BERT, mean pooling)", () => {
  it("embeds with the encoder's pooling and cuts long texts to the context", async () => {
    const file = writeTinyBertGguf(path.join(scratch, "tiny-bert-embed.gguf"), "embedder");
    const embedder = await createGgufEmbedder(file, {llama, threads: 1, contextSize: 64});
    expect(embedder.dimension).toBe(8);
    const vectors = await embedder.embed([...TEXTS, `printer${FILLER}`, `printer${FILLER} vpn`]);
    for (const vector of vectors) expect(Math.abs(dot(vector, vector) - 1)).toBeLessThan(1e-5);
    expect(vectors[4]).toEqual(vectors[5]);
    await embedder.close();
    await expect(embedder.embed(TEXTS)).rejects.toMatchObject({code: "MODEL_NOT_LOADED"});
    expect(llama.disposed).toBe(false);
  });

  it("refuses a re-ranker, a missing file and a file that is not a GGUF", async () => {
    const reranker = writeTinyBertGguf(path.join(scratch, "tiny-bert-reranker.gguf"), "reranker");
    await expect(createGgufEmbedder(reranker, {llama})).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/re-ranking model/)});
    await expect(createGgufEmbedder(path.join(scratch, "missing.gguf"), {llama})).rejects.toMatchObject({code: "EMBEDDING_MODEL_MISSING"});
    const fake = path.join(scratch, "fake-embed.gguf");
    fs.writeFileSync(fake, "not a model");
    await expect(createGgufEmbedder(fake, {llama})).rejects.toMatchObject({code: "MODEL_INVALID"});
    const truncated = path.join(scratch, "truncated-embed.gguf");
    fs.writeFileSync(truncated, fs.readFileSync(FIXTURE_GGUF).subarray(0, 1_000_000));
    await expect(createGgufEmbedder(truncated, {llama})).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/truncated/)});
  });
});

describe("embedding model lookup with GGUF files", () => {
  let models: string;
  let folders: string;
  beforeAll(() => {
    models = path.join(scratch, "models");
    folders = path.join(scratch, "folders");
    fs.mkdirSync(models);
    fs.mkdirSync(folders);
    for (const name of ["bge-reranker-v2-m3-Q8_0.gguf", "chat-Q4_K_M.gguf", "nomic-embed-text-v1.5.Q8_0.gguf"]) fs.symlinkSync(FIXTURE_GGUF, path.join(models, name));
    writeTinyCrossEncoder(path.join(models, "a-cross-encoder"));
    fs.cpSync(FIXTURE_EMBEDDER_DIR, path.join(folders, "my embedder"), {recursive: true});
  });

  it("knows embedding GGUF names, and a re-ranker is none", () => {
    for (const name of ["nomic-embed-text-v1.5.Q8_0.gguf", "bge-small-en-v1.5-f16.gguf", "multilingual-e5-base-Q8_0.gguf", "gte-base.Q4_K_M.gguf", "mxbai-embed-large-v1.gguf"]) expect(isEmbeddingGgufName(name)).toBe(true);
    for (const name of ["bge-reranker-v2-m3-Q8_0.gguf", "llama-2-7b.Q4_K_M.gguf", "nomic-embed-text-v1.5"]) expect(isEmbeddingGgufName(name)).toBe(false);
  });

  it("prefers model folders, then embedding GGUFs by name; an explicit .gguf is taken as is", () => {
    // A cross-encoder folder is not an embedder, even though it has the same layout.
    expect(isEmbeddingModelFolder(path.join(models, "a-cross-encoder"))).toBe(false);
    expect(resolveAnyEmbeddingModel([models])).toBe(path.join(models, "nomic-embed-text-v1.5.Q8_0.gguf"));
    expect(resolveAnyEmbeddingModel([models, folders])).toBe(path.join(folders, "my embedder"));
    expect(resolveAnyEmbeddingModel(embeddingModelCandidates("chat-Q4_K_M.gguf", [folders, models]))).toBe(path.join(models, "chat-Q4_K_M.gguf"));
    expect(resolveAnyEmbeddingModel(embeddingModelCandidates(FIXTURE_GGUF, [folders]))).toBe(FIXTURE_GGUF);
    expect(resolveAnyEmbeddingModel(embeddingModelCandidates("missing.gguf", [folders, models]))).toBeNull();
    expect(resolveAnyEmbeddingModel([path.join(scratch, "nowhere")])).toBeNull();
  });

  it("creates the right kind of embedder for a path", async () => {
    const gguf = await createAnyEmbedder(path.join(models, "nomic-embed-text-v1.5.Q8_0.gguf"), {gguf: {llama, threads: 1}});
    expect(gguf).toMatchObject({modelId: "nomic-embed-text-v1.5.Q8_0.gguf", dimension: 8});
    await gguf.close();
    const folder = await createAnyEmbedder(path.join(folders, "my embedder"), {folder: {batchSize: 4}});
    expect(folder).toMatchObject({modelId: "my embedder", dimension: 100});
    await folder.close();
    await expect(createEmbedder(path.join(models, "a-cross-encoder"))).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/cross-encoder/)});
  });
});
