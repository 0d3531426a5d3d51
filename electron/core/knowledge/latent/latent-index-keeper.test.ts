import {existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {normalizeSearchRequest, searchWithVector} from "../search.js";
import type {ChunkRecord} from "../store-schema.js";
import {KnowledgeStore} from "../store.js";
import {documentRecord} from "../../../../test/helpers/document-records.js";
import {LatentIndexKeeper} from "./latent-index-keeper.js";

const doc = (id: string, title: string) => documentRecord(id, `/docs/${id}.txt`, {title});

const chunks = (texts: string[]): ChunkRecord[] => texts.map((text, ordinal) => ({ordinal, text, headingPath: [], page: null, row: null, vector: null}));

/**
 * "tunnel" appears only in the VPN notes, always beside "vpn" and "ipsec"; "connect" is common in the
 * printer guide. The VPN guide's passage on connecting never says "tunnel"; the printer guide's
 * says "connect" three times, so words alone prefer it for "tunnel connect".
 */
async function fill(store: KnowledgeStore): Promise<void> {
  const notes = Array.from({length: 4}, (_, i) => `Case ${i}: the vpn tunnel over ipsec dropped; the ipsec tunnel of the vpn came back after ${i} minutes.`);
  await store.writeDocument(doc("notes", "VPN notes"), chunks(notes), {vectorModel: null});
  await store.writeDocument(
    doc("vpn", "Remote access guide"),
    chunks(["Install the vpn client from the portal.", "When the vpn client cannot connect from home, renew the ipsec certificate of the client.", "Sign in to the vpn with your ipsec token."]),
    {vectorModel: null},
  );
  await store.writeDocument(
    doc("printer", "Printer guide"),
    chunks([
      "When the printer cannot connect, connect the cable, then connect again.",
      "Connect the printer to the wireless network from its panel.",
      "A printer that does not connect after a toner change needs a restart.",
      "Connect a USB printer directly to test the cable.",
      "Replace the toner cartridge of the printer.",
    ]),
    {vectorModel: null},
  );
}

let dir: string;
let store: KnowledgeStore;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "deskside-latent-"));
  store = await KnowledgeStore.open({uri: path.join(dir, "lancedb")});
  await fill(store);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, {recursive: true, force: true});
});

describe("LatentIndexKeeper", () => {
  it("builds when due, saves the index, and a later start reads it back", async () => {
    const file = path.join(dir, "latent-index.bin");
    const keeper = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5});
    expect(keeper.current()).toBeNull();
    await keeper.refreshIfDue();
    const built = keeper.current()!;
    expect(built.size).toBe(12);
    const again = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5});
    await again.load();
    expect(again.current()?.serialize().equals(built.serialize())).toBe(true);
    // Nothing changed, so nothing is rebuilt.
    await again.refreshIfDue();
    expect(again.current()?.serialize().equals(built.serialize())).toBe(true);
    await keeper.close();
    await again.close();
  });

  it("builds a scheduled index once changes have settled, and not at all when closed first", async () => {
    const file = path.join(dir, "latent-index.bin");
    const keeper = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5, settleMs: 100});
    keeper.schedule();
    keeper.schedule();
    expect(keeper.current()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(keeper.current()?.size).toBe(12);
    await keeper.close();
    rmSync(file);
    const closedFirst = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5, settleMs: 100});
    closedFirst.schedule();
    await closedFirst.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closedFirst.current()).toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it("waits for content still coming in before a scheduled build", async () => {
    const file = path.join(dir, "latent-index.bin");
    let busy = true;
    const keeper = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5, settleMs: 100, busy: () => busy});
    keeper.schedule();
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Several settle times have passed, but an import is still running.
    expect(keeper.current()).toBeNull();
    await store.writeDocument(doc("late", "Late arrival"), chunks(["Renew the ipsec certificate when the vpn client cannot connect."]), {vectorModel: null});
    busy = false;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(keeper.current()?.size).toBe(13);
    await keeper.close();
  });

  it("builds again after joining a build that started before the last passages came", async () => {
    const file = path.join(dir, "latent-index.bin");
    const keeper = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5});
    const background = keeper.rebuild();
    // Written while that build reads the knowledge base; an explicit rebuild must include it.
    await store.writeDocument(doc("late", "Late arrival"), chunks(["Renew the ipsec certificate when the vpn client cannot connect."]), {vectorModel: null});
    const explicit = await keeper.rebuild();
    expect((await background)?.size).toBe(12);
    expect(explicit?.size).toBe(13);
    expect(keeper.current()?.size).toBe(13);
    // Nothing came since: joining returns the build as it is.
    const again = keeper.rebuild();
    expect((await Promise.all([again, keeper.rebuild()])).map((built) => built?.size)).toEqual([13, 13]);
    await keeper.close();
  });

  it("ignores a damaged file or one built from another store, and builds again", async () => {
    const file = path.join(dir, "latent-index.bin");
    writeFileSync(file, "DSLATENT garbage");
    const keeper = new LatentIndexKeeper({store, file, rank: 4, minPassages: 5});
    await keeper.load();
    expect(keeper.current()).toBeNull();
    await keeper.refreshIfDue();
    expect(keeper.current()).not.toBeNull();
    const other = await KnowledgeStore.open({uri: path.join(dir, "other")});
    const foreign = new LatentIndexKeeper({store: other, file, rank: 4, minPassages: 5});
    await foreign.load();
    expect(foreign.current()).toBeNull();
    await other.close();
    await keeper.close();
  });

  it("goes without an index below the minimum size and removes an old one", async () => {
    const file = path.join(dir, "latent-index.bin");
    await new LatentIndexKeeper({store, file, rank: 4, minPassages: 5}).rebuild();
    expect(readFileSync(file).length).toBeGreaterThan(0);
    const keeper = new LatentIndexKeeper({store, file, rank: 4, minPassages: 100});
    await keeper.load();
    expect(await keeper.rebuild()).toBeNull();
    expect(keeper.current()).toBeNull();
    expect(() => readFileSync(file)).toThrow();
  });

  it("lets hybrid search lift a passage whose words go with the question's, and leaves text search alone", async () => {
    const keeper = new LatentIndexKeeper({store, file: path.join(dir, "latent-index.bin"), rank: 2, minPassages: 5});
    const latent = await keeper.rebuild();
    const tuning = {documentEvidence: 0, repeatDecay: 1, perDocumentCap: 0};
    const fused = async (mode: "hybrid" | "text", withLatent: boolean) => {
      const hits = (await searchWithVector(store, normalizeSearchRequest({query: "tunnel connect", topK: 20, mode}), null, {tuning, latent: withLatent ? latent : null})).hits;
      const score = (start: string) => hits.find((hit) => hit.text.startsWith(start))?.scores.fused ?? NaN;
      return {vpn: score("When the vpn client"), printer: score("When the printer"), order: hits.map((hit) => hit.chunkId)};
    };
    const without = await fused("hybrid", false);
    const withIndex = await fused("hybrid", true);
    // Words alone prefer the printer passage ("connect" three times).
    expect(without.printer).toBeGreaterThan(without.vpn);
    // Two topics, two dimensions: the VPN passage shares the question's topic, the printer one its word.
    expect(withIndex.vpn - without.vpn).toBeGreaterThan(0.6);
    expect(withIndex.printer - without.printer).toBeLessThan(withIndex.vpn - without.vpn - 0.2);
    expect((await fused("text", true)).order).toEqual((await fused("text", false)).order);
    await keeper.close();
  });

  it("folds in passages imported after the build", async () => {
    const keeper = new LatentIndexKeeper({store, file: path.join(dir, "latent-index.bin"), rank: 2, minPassages: 5});
    const latent = (await keeper.rebuild())!;
    await store.writeDocument(doc("vpn2", "Office VPN"), chunks(["If the vpn client cannot connect from home, reinstall the ipsec profile of the client."]), {vectorModel: null});
    const search = (withLatent: boolean) =>
      searchWithVector(store, normalizeSearchRequest({query: "tunnel connect", topK: 20, mode: "hybrid"}), null, {tuning: {documentEvidence: 0, repeatDecay: 1, perDocumentCap: 0}, latent: withLatent ? latent : null});
    const score = async (withLatent: boolean) => (await search(withLatent)).hits.find((hit) => hit.documentId === "vpn2")!;
    const folded = await score(true);
    expect(latent.has(folded.chunkId)).toBe(false);
    expect(folded.scores.fused! - (await score(false)).scores.fused!).toBeGreaterThan(0.4);
    await keeper.close();
  });

  it("gives the passages of projected-only documents vectors, but neither their words nor their size", async () => {
    const file = path.join(dir, "latent-index.bin");
    const projectedOnly = (d: {id: string}) => d.id === "printer";
    // 12 passages in all, 7 outside the printer guide.
    expect(await new LatentIndexKeeper({store, file, rank: 2, minPassages: 8, projectedOnly}).rebuild()).toBeNull();
    const keeper = new LatentIndexKeeper({store, file, rank: 2, minPassages: 5, projectedOnly});
    const latent = (await keeper.rebuild())!;
    expect(latent.queryVector(await store.analyze("toner"))).toBeNull();
    const printerChunks = await store.documentChunks("printer", 0, 10);
    expect(printerChunks).toHaveLength(5);
    expect(printerChunks.every((chunk) => latent.has(chunk.id))).toBe(true);
    const full = (await new LatentIndexKeeper({store, file: path.join(dir, "full.bin"), rank: 2, minPassages: 5}).rebuild())!;
    expect(full.queryVector(await store.analyze("toner"))).not.toBeNull();
    await keeper.close();
  });
});
