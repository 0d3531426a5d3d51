import {afterEach, describe, expect, it} from "vitest";
import {FIXTURE_EMBEDDER_DIR} from "../../../test/helpers/fixtures.js";
import {createEmbedder, type Embedder} from "./embedder.js";
import {createLazyEmbedder, type LazyEmbedder} from "./lazy-embedder.js";

const IDENTITY = {modelId: "static-glove-wordpiece", modelPath: FIXTURE_EMBEDDER_DIR, dimension: 100};

/** The real test embedder behind a counter of how often it was opened and closed. */
function counted() {
  const counts = {opened: 0, closed: 0};
  const open = async (): Promise<Embedder> => {
    counts.opened++;
    const model = await createEmbedder(FIXTURE_EMBEDDER_DIR);
    return {
      ...model,
      countTokens: (text) => model.countTokens(text),
      embed: (texts, options) => model.embed(texts, options),
      close: async () => {
        counts.closed++;
        await model.close();
      },
    };
  };
  return {counts, open};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let lazy: LazyEmbedder | null = null;
afterEach(async () => {
  await lazy?.close();
  lazy = null;
});

describe("an embedding model opened on use and closed when idle", () => {
  it("opens on the first embed, once for concurrent callers, with the vectors of the model itself", async () => {
    const {counts, open} = counted();
    lazy = createLazyEmbedder(IDENTITY, open, {idleMs: 0});
    expect(lazy.isOpen()).toBe(false);
    expect(counts.opened).toBe(0);
    // Known without opening: what search and the store compare.
    expect([lazy.modelId, lazy.dimension]).toEqual(["static-glove-wordpiece", 100]);

    const [a, b] = await Promise.all([lazy.embed(["printer offline"]), lazy.embed(["vpn error 809"])]);
    expect(counts.opened).toBe(1);
    expect(lazy.isOpen()).toBe(true);
    const direct = await createEmbedder(FIXTURE_EMBEDDER_DIR);
    expect(Array.from(a[0])).toEqual(Array.from((await direct.embed(["printer offline"]))[0]));
    expect(b[0]).toHaveLength(100);
    await direct.close();
  });

  it("closes after the idle time with nothing to embed, never during an embed, and opens again when needed", async () => {
    const {counts, open} = counted();
    lazy = createLazyEmbedder(IDENTITY, open, {idleMs: 150});
    await lazy.embed(["first"]);
    expect(lazy.isOpen()).toBe(true);
    await sleep(400);
    expect(lazy.isOpen()).toBe(false);
    expect(counts.closed).toBe(1);

    // A long embed (many texts) outlasts the idle time; the model stays open until it ends.
    const texts = Array.from({length: 4000}, (_, i) => `passage ${i} about printers, VPN and mail`);
    const vectors = await lazy.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    expect(counts.opened).toBe(2);
    // However long the embed took, the idle time counts from its end: no close happened during it.
    expect(counts.closed).toBe(1);
    expect(lazy.isOpen()).toBe(true);
    await sleep(400);
    expect(counts.closed).toBe(2);
  });

  it("keeps the model open with idle time 0", async () => {
    const {counts, open} = counted();
    lazy = createLazyEmbedder(IDENTITY, open, {idleMs: 0});
    await lazy.embed(["one"]);
    await sleep(200);
    expect(lazy.isOpen()).toBe(true);
    expect(counts.closed).toBe(0);
    await lazy.close();
    expect(counts.closed).toBe(1);
    await expect(lazy.embed(["after close"])).rejects.toMatchObject({code: "MODEL_NOT_LOADED"});
  });

  it("refuses a model that now makes vectors of another size, and tries again on the next call", async () => {
    const {counts, open} = counted();
    lazy = createLazyEmbedder({...IDENTITY, dimension: 384}, open, {idleMs: 0});
    await expect(lazy.embed(["printer"])).rejects.toMatchObject({code: "EMBEDDING_FAILED", message: expect.stringMatching(/re-index/)});
    await expect(lazy.embed(["printer"])).rejects.toMatchObject({code: "EMBEDDING_FAILED"});
    expect(counts.opened).toBe(2);
    expect(counts.closed).toBe(2);
    expect(lazy.isOpen()).toBe(false);
  });
});
