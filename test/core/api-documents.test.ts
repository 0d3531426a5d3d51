/**
 * Reading and pruning the knowledge base over HTTP: a document's whole text with a cited excerpt
 * located in it, search passages, timings and exclusions, and deleting a whole collection.
 */
import fs from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createFixtureCore, startApiHarness, uploadMarkdown, type ApiHarness} from "../helpers/api-server.js";
import {multipartMail} from "../helpers/mail-fixtures.js";

let h: ApiHarness;
const json = {"content-type": "application/json"};

/** Long enough for several excerpts at the small chunk size set below. */
const RUNBOOK = `# Docking station has no display

The laptop charges on the dock but both monitors stay black after the firmware update.

## Symptoms

The dock's power light is white, the monitors say no signal, and the laptop screen works.
The problem started after the dock firmware update from the vendor portal.

## Fix

1. Unplug the dock's power for thirty seconds and plug it back in.
2. Install the display link driver from the software centre.
3. Reconnect the monitors to the two outputs on the back of the dock.
4. If the monitors are still black, roll the dock firmware back to the previous release.
`;

const OLD_NOTE = `# Fax machine toner

Replace the fax toner cartridge when the fax machine prints faint pages.
`;

/** Text with runs of whitespace as one space: excerpts are joined with blank lines where they meet. */
const words = (text: string) => text.replace(/\s+/g, " ").trim();

async function post(route: string, body: unknown): Promise<Response> {
  return h.call(route, {method: "POST", headers: json, body: JSON.stringify(body)});
}

async function upload(name: string, content: string, collection: string): Promise<void> {
  expect((await uploadMarkdown(h, name, content, collection)).counts.done).toBe(1);
}

beforeAll(async () => {
  // Small excerpts so one runbook makes several, as a real manual does.
  h = await startApiHarness({}, await createFixtureCore({knowledge: {chunkSize: 40, chunkOverlap: 8}}));
  await upload("docking-station.md", RUNBOOK, "runbooks");
  await upload("fax-toner.md", OLD_NOTE, "Old notes");
});
afterAll(async () => {
  await h?.close();
  await h?.core.close();
  if (h) fs.rmSync(h.dataDir, {recursive: true, force: true});
});

describe("POST /api/search: passages, timings and exclusions", () => {
  it("returns each hit's section with the hit located in it when asked", async () => {
    const result = await (await post("/api/search", {query: "monitors black after dock firmware update", top_k: 3, passages: true})).json();
    const hit = result.hits[0];
    expect(hit.source).toBe("docking-station.md");
    expect(hit.passage).toMatchObject({text: expect.any(String), from_ordinal: expect.any(Number), to_ordinal: expect.any(Number)});
    expect(hit.passage.from_ordinal).toBeLessThanOrEqual(hit.passage.to_ordinal);
    expect(hit.passage.text.length).toBeGreaterThan(hit.text.length);
    const {start, end} = hit.passage.highlight;
    expect(words(hit.passage.text.slice(start, end))).toBe(words(hit.text));
    expect(JSON.stringify(result)).not.toMatch(/fromOrdinal|toOrdinal|embedMs/);
  });

  it("leaves passages out unless asked, and always says where the time went and which re-ranker ran", async () => {
    const result = await (await post("/api/search", {query: "dock firmware", top_k: 3})).json();
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits.every((hit: object) => !("passage" in hit))).toBe(true);
    expect(result.timings).toMatchObject({embed_ms: expect.any(Number), retrieve_ms: expect.any(Number)});
    expect(result).toHaveProperty("reranker");
    expect(result.reranker === null || typeof result.reranker === "string").toBe(true);
    if (result.reranker) expect(result.timings.rerank_ms).toEqual(expect.any(Number));
  });

  it("leaves excluded collections out of the results", async () => {
    const all = await (await post("/api/search", {query: "fax toner cartridge faint pages", mode: "text"})).json();
    expect(all.hits.some((hit: {collection: string}) => hit.collection === "Old notes")).toBe(true);
    const without = await (await post("/api/search", {query: "fax toner cartridge faint pages", mode: "text", exclude_collections: ["Old notes"]})).json();
    expect(without.hits.every((hit: {collection: string}) => hit.collection !== "Old notes")).toBe(true);
  });

  it("rejects malformed exclusions and passages flags with 400", async () => {
    expect((await post("/api/search", {query: "dock", exclude_collections: "Old notes"})).status).toBe(400);
    expect((await post("/api/search", {query: "dock", exclude_collections: Array.from({length: 101}, (_, i) => `c${i}`)})).status).toBe(400);
    expect((await post("/api/search", {query: "dock", passages: "yes"})).status).toBe(400);
  });
});

describe("GET /api/documents/{id}/text", () => {
  it("returns the whole document with the cited excerpt located in it", async () => {
    const hit = (await (await post("/api/search", {query: "roll the dock firmware back", mode: "text", top_k: 1})).json()).hits[0];
    const response = await h.call(`/api/documents/${hit.document_id}/text?chunk_id=${encodeURIComponent(hit.chunk_id)}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.document).toMatchObject({id: hit.document_id, title: "Docking station has no display", source: "docking-station.md", collection: "runbooks"});
    expect(body.document.chunk_count).toBeGreaterThan(2);
    expect(body.truncated).toBe(false);
    // Every part of the runbook, start to end, and the excerpt where the highlight says.
    for (const phrase of ["charges on the dock", "no signal", "thirty seconds", "previous release"]) expect(body.text).toContain(phrase);
    expect(words(body.text.slice(body.highlight.start, body.highlight.end))).toBe(words(hit.text));
    expect(JSON.stringify(body)).not.toContain("/tmp/");
  });

  it("has no highlight without a chunk_id, or for an excerpt of another document", async () => {
    const hit = (await (await post("/api/search", {query: "dock firmware", mode: "text", top_k: 1})).json()).hits[0];
    expect((await (await h.call(`/api/documents/${hit.document_id}/text`)).json()).highlight).toBeNull();
    const fax = (await (await h.call("/api/documents")).json()).documents.find((d: {source: string}) => d.source === "fax-toner.md");
    const other = await (await h.call(`/api/documents/${fax.id}/text?chunk_id=${encodeURIComponent(hit.chunk_id)}`)).json();
    expect(other.highlight).toBeNull();
    expect(other.text).toContain("faint pages");
  });

  it("answers 404 for an unknown document and 400 for unknown query parameters", async () => {
    const missing = await h.call("/api/documents/no-such-document/text");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({error: {code: "NOT_FOUND", message: expect.any(String)}});
    expect((await h.call("/api/documents/x/text?path=/etc/passwd")).status).toBe(400);
  });
});

describe("chat sources", () => {
  it("carry the cited excerpt's section as passage text and highlight", async () => {
    const reply = await (await post("/api/chat", {message: "Both monitors on the docking station stay black after the firmware update"})).json();
    const source = reply.sources.find((s: {source: string}) => s.source === "docking-station.md");
    expect(source).toBeDefined();
    expect(source.passage).toMatchObject({text: expect.any(String), highlight: {start: expect.any(Number), end: expect.any(Number)}});
    expect(source.passage.highlight.end).toBeGreaterThan(source.passage.highlight.start);
    expect(source.passage.highlight.end).toBeLessThanOrEqual(source.passage.text.length);
  });
});

describe("DELETE /api/collections/{name}", () => {
  it("deletes every document of the collection, URL-encoded name, then 404s", async () => {
    const gone = await h.call(`/api/collections/${encodeURIComponent("Old notes")}`, {method: "DELETE"});
    expect(gone.status).toBe(200);
    expect(await gone.json()).toEqual({collection: "Old notes", deleted: 1});
    const documents = (await (await h.call("/api/documents")).json()).documents;
    expect(documents.map((d: {source: string}) => d.source)).toEqual(["docking-station.md"]);
    const hits = (await (await post("/api/search", {query: "fax toner", mode: "text"})).json()).hits;
    expect(hits.every((hit: {source: string}) => hit.source !== "fax-toner.md")).toBe(true);
    expect((await h.call(`/api/collections/${encodeURIComponent("Old notes")}`, {method: "DELETE"})).status).toBe(404);
  });

  it("is in the OpenAPI document with the new search fields", async () => {
    const spec = await (await h.call("/openapi.json", {auth: false})).json();
    expect(spec.paths["/api/collections/{name}"].delete).toBeDefined();
    const text = spec.paths["/api/documents/{id}/text"].get;
    expect(text.parameters.map((p: {name: string}) => p.name).sort()).toEqual(["chunk_id", "id"]);
    expect(text.responses["200"].content["application/json"].schema.properties.highlight).toBeDefined();
    const search = spec.paths["/api/search"].post;
    expect(Object.keys(search.requestBody.content["application/json"].schema.properties)).toEqual(expect.arrayContaining(["exclude_collections", "passages"]));
    const hit = search.responses["200"].content["application/json"].schema.properties.hits.items;
    expect(hit.properties.passage.properties.from_ordinal).toBeDefined();
  });
});

describe("saved emails", () => {
  it("import through POST /api/documents as documents of kind email, titled by their subject, and answer a search", async () => {
    const ticket = multipartMail({
      from: '"Ana Ruiz" <ana.ruiz@example.com>',
      to: "Help Desk <helpdesk@example.com>",
      subject: "Re: VPN error 809 after the update",
      date: "Tue, 05 Mar 2024 14:02:11 +0100",
      body: "Allow UDP 500 and 4500 through the office firewall, then restart the VPN client.\r\n\r\n> After the update the VPN client says error 809. What now?\r\n",
      attachments: [
        {name: "vpn.log", type: "text/plain", content: Buffer.from("09:14:02 IKE negotiation failed, error 809, no reply from the remote server")},
        {name: "firewall-rules.pdf", type: "application/pdf", content: Buffer.from("%PDF-1.4 firewall rules")},
      ],
    });
    const job = (await uploadMarkdown(h, "ticket-4711.eml", ticket, "Tickets")) as unknown as {counts: {done: number}; files: {warnings: string[]}[]};
    expect(job.counts.done).toBe(1);
    // The log is read with the mail; the PDF is named in the import's result, not silently dropped.
    expect(job.files[0].warnings).toEqual([expect.stringMatching(/^1 attachment was not imported with the email \(firewall-rules\.pdf/)]);
    const hit = (await (await post("/api/search", {query: "VPN client error 809 after the update", mode: "text", top_k: 1})).json()).hits[0];
    expect(hit).toMatchObject({title: "Re: VPN error 809 after the update", source: "ticket-4711.eml"});
    const body = await (await h.call(`/api/documents/${hit.document_id}/text`)).json();
    expect(body.document).toMatchObject({kind: "email", collection: "Tickets"});
    expect(body.text).toContain("From: Ana Ruiz <ana.ruiz@example.com>");
    expect(body.text).toContain("restart the VPN client");
    expect(body.text).toContain("Attachment: vpn.log");
    expect(body.text).toContain("IKE negotiation failed, error 809");
    // The note outlives the import job: the documents list keeps it.
    const listed = (await (await h.call("/api/documents")).json()).documents.find((d: {id: string}) => d.id === hit.document_id);
    expect(listed.notes).toEqual(job.files[0].warnings);
  });
});
