import {mkdtempSync, rmSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {documentRecord} from "../../../test/helpers/document-records.js";
import {normalizeSearchRequest, searchWithVector} from "./search.js";
import type {ChunkRecord} from "./store-schema.js";
import {KnowledgeStore} from "./store.js";

const chunk = (ordinal: number, text: string, headingPath: string[]): ChunkRecord => ({ordinal, text, headingPath, page: null, row: null, vector: null});

let dir: string;
let store: KnowledgeStore;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "deskside-passages-"));
  store = await KnowledgeStore.open({uri: path.join(dir, "lancedb")});
  // One section of a manual in six short chunks, every one about holding a package: a passage
  // around any of them is the whole section.
  const steps = ["Put the package on hold with apt-mark hold.", "A package on hold is not upgraded by apt upgrade.", "List packages on hold with apt-mark showhold.",
    "Release a package on hold with apt-mark unhold.", "dpkg also keeps a hold state for each package.", "aptitude shows a package on hold with the letter h."];
  await store.writeDocument(documentRecord("manual", "/docs/manual.txt", {title: "Package manual"}), steps.map((text, i) => chunk(i, text, ["Holding packages"])), {vectorModel: null});
  await store.writeDocument(documentRecord("notes", "/docs/notes.txt", {title: "Upgrade notes"}), [chunk(0, "Before an upgrade, check which package is on hold.", [])], {vectorModel: null});
  await store.writeDocument(documentRecord("policy", "/docs/policy.txt", {title: "Change policy"}), [chunk(0, "A package hold needs a ticket.", [])], {vectorModel: null});
});
afterEach(async () => {
  await store.close();
  rmSync(dir, {recursive: true, force: true});
});

describe("search with passages", () => {
  // No diversification, so the manual's chunks lead on their words alone.
  const tuning = {repeatDecay: 1, perDocumentCap: 0, documentEvidence: 0};
  const run = (passages: boolean) => searchWithVector(store, normalizeSearchRequest({query: "package on hold", topK: 3, mode: "text", passages}), null, {tuning});

  it("leaves out a hit whose chunk is already inside an earlier hit's passage, and fills its place", async () => {
    const plain = await run(false);
    expect(plain.hits.every((hit) => hit.documentId === "manual")).toBe(true);
    const withPassages = await run(true);
    expect(withPassages.hits).toHaveLength(3);
    expect(withPassages.hits[0].chunkId).toBe(plain.hits[0].chunkId);
    expect(withPassages.hits[0].passage).toMatchObject({fromOrdinal: 0, toOrdinal: 5});
    expect(withPassages.hits.slice(1).map((hit) => hit.documentId).sort()).toEqual(["notes", "policy"]);
  });
});

describe("search with passages that would overlap in part", () => {
  const tuning = {repeatDecay: 1, perDocumentCap: 0, documentEvidence: 0};
  // Chunks of about 1,000 characters: a passage is its hit and the two chunks after it.
  const filler = (n: number) => ` Section text number ${n} describes the office network in general terms.`.repeat(14);
  const texts = ["", "", "Router firmware update notes.", "Router firmware: flash the router firmware and reboot.", "", "", ""].map((lead, i) => lead + filler(i));
  beforeEach(async () => {
    await store.writeDocument(documentRecord("router", "/docs/router.txt", {title: "Branch office"}), texts.map((text, i) => chunk(i, text, ["Branch office"])), {vectorModel: null});
  });

  it("hands each chunk over once: the later passage stops where the earlier one begins and grows the other way", async () => {
    const hits = await searchWithVector(store, normalizeSearchRequest({query: "router firmware", topK: 2, mode: "text", passages: true}), null, {tuning});
    expect(hits.hits.map((hit) => hit.chunkId)).toEqual(["router:3", "router:2"]);
    const [first, second] = hits.hits.map((hit) => hit.passage!);
    expect(first).toMatchObject({fromOrdinal: 3, toOrdinal: 5});
    // Before, this passage was chunks 2–4 and repeated chunks 3 and 4.
    expect(second).toMatchObject({fromOrdinal: 0, toOrdinal: 2});
    expect(second.text).toContain("Router firmware update notes.");
    expect(second.text).not.toContain("flash the router firmware");
  });
});

describe("copies of one passage in several documents", () => {
  // A manual suite repeats a shared section on several pages; one page has its own answer too.
  const shared = "Remote URLs: ssh, git and https transports name the host and the path of the repository.";
  beforeEach(async () => {
    for (const page of ["clone", "fetch", "push", "pull", "remote", "archive"])
      await store.writeDocument(documentRecord(page, `/docs/${page}.html`, {title: `tool-${page}`}), [chunk(0, shared, ["URLS"]), chunk(1, `The ${page} command options.`, ["OPTIONS"])], {vectorModel: null});
    await store.writeDocument(documentRecord("http", "/docs/http-backend.html", {title: "http-backend"}), [chunk(0, "Serve the repository over https: anonymous clone, push needs a login on the host.", ["EXAMPLES"])], {vectorModel: null});
    await store.writeDocument(documentRecord("mirror", "/docs/mirror.html", {title: "mirror"}), [chunk(0, "A mirror host keeps a copy of each repository.", [])], {vectorModel: null});
  });
  const run = (collapseCopies: boolean) =>
    searchWithVector(store, normalizeSearchRequest({query: "host repository over https", topK: 3, mode: "text"}), null, {tuning: {collapseCopies}});

  it("shows the passage once and fills the other places with what else matches, however many copies there are", async () => {
    const all = await run(false);
    // Six copies: more than the candidates first lined up for three places.
    expect(all.hits.filter((hit) => hit.text === shared).length).toBeGreaterThanOrEqual(2);
    const collapsed = await run(true);
    expect(collapsed.hits).toHaveLength(3);
    expect(collapsed.hits.filter((hit) => hit.text === shared)).toHaveLength(1);
    expect(collapsed.hits.map((hit) => hit.documentId)).toEqual(expect.arrayContaining(["http", "mirror"]));
    expect(new Set(collapsed.hits.map((hit) => hit.text)).size).toBe(3);
  });
});
