import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {getLlama, type Llama} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createReranker, findRerankers, isRerankerGgufName, resolveReranker, type Reranker} from "./reranker.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "../../../test/helpers/fixtures.js";
import {writeTinyBertGguf} from "../../../test/helpers/tiny-bert-gguf.js";
import {writeTinyCrossEncoder} from "../../../test/helpers/tiny-cross-encoder.js";

const QUERY = "printer toner";
const PASSAGES = ["Replace the printer toner cartridge.", "Reset the VPN password.", "", "The laptop screen flickers after the driver install."];
// Far more than 512 tokens of either model.
const FILLER = " the network account error".repeat(2500);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

let llama: Llama;
let scratch: string;
let bertReranker: string;
let crossEncoder: string;

beforeAll(async () => {
  llama = await getLlama({gpu: false, build: "never"});
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-rerank-"));
  bertReranker = writeTinyBertGguf(path.join(scratch, "tiny-bert-reranker.gguf"), "reranker");
  crossEncoder = writeTinyCrossEncoder(path.join(scratch, "tiny-cross-encoder"));
});
afterAll(async () => {
  await llama.dispose();
  fs.rmSync(scratch, {recursive: true, force: true});
});

describe("re-ranker discovery", () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = path.join(scratch, "models-a");
    second = path.join(scratch, "models-b");
    fs.mkdirSync(first);
    fs.mkdirSync(second);
    for (const name of ["bge-reranker-v2-m3-Q8_0.gguf", "nomic-embed-text-v1.5.Q8_0.gguf", "chat-Q4_K_M.gguf"]) fs.symlinkSync(FIXTURE_GGUF, path.join(first, name));
    fs.cpSync(FIXTURE_EMBEDDER_DIR, path.join(first, "all-MiniLM-L6-v2"), {recursive: true});
    fs.cpSync(crossEncoder, path.join(first, "ms-marco-MiniLM-L6-v2"), {recursive: true});
    fs.symlinkSync(FIXTURE_GGUF, path.join(second, "Qwen3-Reranker-0.6B.Q8_0.gguf"));
  });

  it("knows re-ranker GGUF names", () => {
    expect(isRerankerGgufName("bge-reranker-v2-m3-Q8_0.gguf")).toBe(true);
    expect(isRerankerGgufName("Qwen3-Reranker-0.6B.Q8_0.GGUF")).toBe(true);
    expect(isRerankerGgufName("nomic-embed-text-v1.5.Q8_0.gguf")).toBe(false);
    expect(isRerankerGgufName("bge-reranker-base")).toBe(false);
  });

  it("finds GGUF re-rankers by name and cross-encoder folders by config, folders in order", () => {
    expect(findRerankers([path.join(scratch, "missing"), first, second])).toEqual([
      {path: path.join(first, "bge-reranker-v2-m3-Q8_0.gguf"), kind: "gguf", modelId: "bge-reranker-v2-m3-Q8_0.gguf"},
      {path: path.join(first, "ms-marco-MiniLM-L6-v2"), kind: "cross-encoder", modelId: "ms-marco-MiniLM-L6-v2"},
      {path: path.join(second, "Qwen3-Reranker-0.6B.Q8_0.gguf"), kind: "gguf", modelId: "Qwen3-Reranker-0.6B.Q8_0.gguf"},
    ]);
    expect(findRerankers([])).toEqual([]);
  });

  it("takes an explicit setting over the first found, and never replaces a missing one", () => {
    expect(resolveReranker(null, [first, second])?.modelId).toBe("bge-reranker-v2-m3-Q8_0.gguf");
    expect(resolveReranker("Qwen3-Reranker-0.6B.Q8_0.gguf", [first, second])?.path).toBe(path.join(second, "Qwen3-Reranker-0.6B.Q8_0.gguf"));
    expect(resolveReranker("ms-marco-MiniLM-L6-v2", [first, second])?.kind).toBe("cross-encoder");
    // An explicit path is taken whatever the file is called; loading it checks that it can rank.
    expect(resolveReranker(bertReranker, [])).toEqual({path: bertReranker, kind: "gguf", modelId: "tiny-bert-reranker.gguf"});
    expect(resolveReranker("not-there.gguf", [first, second])).toBeNull();
    expect(resolveReranker("all-MiniLM-L6-v2", [first, second])).toBeNull();
    expect(resolveReranker(null, [path.join(scratch, "missing")])).toBeNull();
  });

  it("rejects what cannot rank with a clear code", async () => {
    await expect(createReranker(FIXTURE_EMBEDDER_DIR)).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/not a re-ranking model/)});
    await expect(createReranker(FIXTURE_GGUF, {llama, threads: 1})).rejects.toMatchObject({code: "MODEL_INVALID", message: expect.stringMatching(/no classification head/)});
    await expect(createReranker(path.join(scratch, "nothing-here"))).rejects.toMatchObject({code: "MODEL_NOT_FOUND"});
    await expect(createReranker(path.join(scratch, "nothing-here.gguf"), {llama})).rejects.toMatchObject({code: "MODEL_NOT_FOUND"});
    const fake = path.join(scratch, "fake-reranker.gguf");
    fs.writeFileSync(fake, "not a model");
    await expect(createReranker(fake, {llama})).rejects.toMatchObject({code: "MODEL_INVALID"});
    expect(llama.disposed).toBe(false);
  });
});

/** The checks every re-ranker passes, whatever the runtime behind it. */
function behavesLikeAReranker(open: () => Promise<Reranker>) {
  let reranker: Reranker;
  beforeAll(async () => {
    reranker = await open();
  });
  afterAll(async () => {
    await reranker.close();
  });

  it("returns one finite score in 0..1 per passage, in input order", async () => {
    const scores = await reranker.score(QUERY, PASSAGES);
    expect(scores).toHaveLength(PASSAGES.length);
    for (const score of scores) {
      expect(Number.isFinite(score)).toBe(true);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    const reversed = await reranker.score(QUERY, [...PASSAGES].reverse());
    expect(reversed.reverse()).toEqual(scores);
    for (let i = 0; i < PASSAGES.length; i++) expect(await reranker.score(QUERY, [PASSAGES[i]])).toEqual([scores[i]]);
    expect(new Set(scores).size).toBeGreaterThan(1);
    expect(await reranker.score(QUERY, [])).toEqual([]);
  });

  it("is deterministic", async () => {
    expect(await reranker.score(QUERY, PASSAGES)).toEqual(await reranker.score(QUERY, PASSAGES));
  });

  it("cuts over-long passages and queries by tokens, keeping their start", async () => {
    const long = `Replace the printer toner.${FILLER}`;
    expect(long.length).toBeGreaterThan(50_000);
    const [a, b] = await reranker.score(QUERY, [`${long} vpn`, `${long} outlook`]);
    expect(Number.isFinite(a)).toBe(true);
    expect(a).toBe(b);
    const [longQuery] = await reranker.score(`${QUERY}${FILLER}`, [PASSAGES[0]]);
    expect(Number.isFinite(longQuery)).toBe(true);
  });

  it("serializes concurrent calls without mixing their results", async () => {
    const queries = ["printer toner", "vpn password", "laptop screen driver"];
    const alone: number[][] = [];
    for (const q of queries) alone.push(await reranker.score(q, PASSAGES));
    const together = await Promise.all(queries.map((q) => reranker.score(q, PASSAGES)));
    expect(together).toEqual(alone);
  });

  it("stops with CANCELLED: before starting, while queued, and between passages", async () => {
    await expect(reranker.score(QUERY, PASSAGES, {signal: AbortSignal.abort()})).rejects.toMatchObject({code: "CANCELLED"});

    // Enough passages for a run of at least 400 ms, so stopping early is measurable.
    let many: string[] = [];
    let fullMs = 0;
    for (let count = 50; fullMs < 400; count *= 2) {
      many = Array.from({length: count}, (_, i) => `${PASSAGES[i % PASSAGES.length]} ${i}${FILLER.slice(0, 1500)}`);
      const begin = performance.now();
      const busy = reranker.score(QUERY, many);
      const waiting = new AbortController();
      const queued = reranker.score(QUERY, PASSAGES, {signal: waiting.signal});
      waiting.abort();
      await expect(queued).rejects.toMatchObject({code: "CANCELLED"});
      expect(await busy).toHaveLength(many.length);
      fullMs = performance.now() - begin;
    }

    const running = new AbortController();
    const begin = performance.now();
    const cancelled = reranker.score(QUERY, many, {signal: running.signal});
    setTimeout(() => running.abort(), fullMs / 10);
    await expect(cancelled).rejects.toMatchObject({code: "CANCELLED"});
    // The next call waits only for the pair being scored, not for the rest of the cancelled call.
    expect(await reranker.score(QUERY, [PASSAGES[0]])).toHaveLength(1);
    expect(performance.now() - begin).toBeLessThan(fullMs / 2);
  });
}

describe("GGUF re-ranker (tiny BERT with a classification head, node-llama-cpp)", () => {
  behavesLikeAReranker(() => createReranker(bertReranker, {llama, threads: 1}));

  it("reports its kind and id, and lets in-flight work finish on close; the shared runtime stays", async () => {
    const own = await createReranker(bertReranker, {llama, threads: 1, contextSize: 128});
    expect(own).toMatchObject({kind: "gguf", modelId: "tiny-bert-reranker.gguf"});
    const inFlight = own.score(QUERY, PASSAGES);
    await own.close();
    expect(await inFlight).toHaveLength(PASSAGES.length);
    await expect(own.score(QUERY, PASSAGES)).rejects.toMatchObject({code: "MODEL_NOT_LOADED"});
    expect(llama.disposed).toBe(false);
  });

  it("creates and disposes a CPU runtime of its own when none is given", async () => {
    const own = await createReranker(bertReranker, {threads: 1, contextSize: 64});
    expect(await own.score(QUERY, [PASSAGES[0]])).toHaveLength(1);
    await own.close();
  });
});

describe("cross-encoder re-ranker (tiny query-overlap model, transformers.js)", () => {
  behavesLikeAReranker(() => createReranker(crossEncoder, {batchSize: 3}));

  let reranker: Reranker;
  beforeAll(async () => {
    reranker = await createReranker(crossEncoder, {batchSize: 3});
  });
  afterAll(async () => {
    await reranker.close();
  });

  it("feeds query and passage as a pair, so the score follows the passage's words", async () => {
    expect(reranker).toMatchObject({kind: "cross-encoder", modelId: "tiny-cross-encoder"});
    // "printer toner" is three word pieces (printer, ton, ##er); the logit counts those found, minus 0.5.
    const scores = await reranker.score(QUERY, PASSAGES);
    expect(scores[0]).toBeCloseTo(sigmoid(2.5), 6);
    expect(scores[1]).toBeCloseTo(sigmoid(-0.5), 6);
    expect(scores[2]).toBeCloseTo(sigmoid(-0.5), 6);
    expect(scores[0]).toBeGreaterThan(scores[3]);
  });

  it("keeps the start of a long passage and drops its end", async () => {
    const [start, end] = await reranker.score(QUERY, [`printer toner${FILLER}`, `${FILLER} printer toner`]);
    expect(start).toBeCloseTo(sigmoid(2.5), 6);
    expect(end).toBeCloseTo(sigmoid(-0.5), 6);
    const short = await createReranker(crossEncoder, {contextSize: 16});
    expect(await short.score(QUERY, ["one two three four five six seven eight nine ten eleven twelve printer toner"])).toEqual([sigmoid(-0.5)]);
    await short.close();
  });
});
