/**
 * Knowledge packs over HTTP, between two real servers: download a collection from one
 * (GET /api/knowledge/pack), upload it to the other (POST /api/knowledge/pack), and the errors a
 * client meets, with their status codes and stable codes.
 */
import fs from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {PACK_MAGIC} from "../../electron/core/knowledge/knowledge-pack.js";
import {createFixtureCore, startApiHarness, uploadMarkdown, type ApiHarness} from "../helpers/api-server.js";
import {makePng} from "../helpers/document-fixtures.js";

let source: ApiHarness;
let target: ApiHarness;
const octets = {"content-type": "application/octet-stream"};

async function upload(h: ApiHarness, name: string, content: string, collection: string): Promise<void> {
  expect((await uploadMarkdown(h, name, content, collection)).counts.done).toBe(1);
}

async function documents(h: ApiHarness): Promise<{title: string; collection: string | null; source: string}[]> {
  const {documents: list} = await (await h.call("/api/documents")).json();
  return list.map((d: {title: string; collection: string | null; source: string}) => ({title: d.title, collection: d.collection, source: d.source})).sort((a: {title: string}, b: {title: string}) => a.title.localeCompare(b.title));
}

/** A body fetch accepts whatever buffer the bytes sit in. */
const bodyOf = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

function importPack(h: ApiHarness, body: Uint8Array, query = ""): Promise<Response> {
  return h.call(`/api/knowledge/pack${query}`, {method: "POST", headers: octets, body: bodyOf(body)});
}

beforeAll(async () => {
  source = await startApiHarness({}, await createFixtureCore({knowledge: {chunkSize: 40, chunkOverlap: 8}}));
  target = await startApiHarness();
  await upload(source, "printer-offline.md", "# Printer offline after toner change\n\nPower-cycle the HP LaserJet and re-add it from the print server.\n", "Printers");
  await upload(source, "badge-printer.md", "# Badge printer ribbon\n\nThe badge printer at the gate needs a new ribbon every 300 badges.\n", "Printers");
  await upload(source, "wifi-guest.md", "# Guest Wi-Fi portal\n\nThe captive portal times out after 8 hours; guests sign in again.\n", "Network");
}, 180_000);
afterAll(async () => {
  for (const h of [source, target]) {
    await h?.close();
    await h?.core.close();
    if (h) fs.rmSync(h.dataDir, {recursive: true, force: true});
  }
});

describe("GET and POST /api/knowledge/pack", () => {
  let pack: Uint8Array;

  it("downloads a collection as an attachment", async () => {
    const response = await source.call("/api/knowledge/pack?collection=Printers");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="deskside-printers-\d{4}-\d{2}-\d{2}\.deskpack"/);
    expect(response.headers.get("x-deskside-pack-documents")).toBe("2");
    pack = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get("content-length"))).toBe(pack.byteLength);
    expect(Buffer.from(pack.subarray(0, PACK_MAGIC.length)).equals(PACK_MAGIC)).toBe(true);
    // The temporary copy is gone once it has been sent.
    await expect.poll(() => fs.readdirSync(`${source.dataDir}/pack-transit`).length).toBe(0);
  });

  it("imports it on another server, with its vectors, and finds it", async () => {
    const response = await importPack(target, pack);
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({vectors: "pack", embedding_model: "static-glove-wordpiece", skipped: [], replaced: []});
    expect(result.imported.map((d: {title: string}) => d.title).sort()).toEqual(["Badge printer ribbon", "Printer offline after toner change"]);
    expect(result.manifest).toMatchObject({format: "deskside-knowledge-pack", format_version: 1, collection: "Printers", counts: {documents: 2}});
    expect(await documents(target)).toEqual([
      {title: "Badge printer ribbon", collection: "Printers", source: "badge-printer.md"},
      {title: "Printer offline after toner change", collection: "Printers", source: "printer-offline.md"},
    ]);
    const search = await (await target.call("/api/search", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({query: "new ribbon for the badge printer", mode: "vector"})})).json();
    expect(search.hits[0].title).toBe("Badge printer ribbon");

    // The same pack again: nothing new; into a named collection: a second copy there.
    const again = await (await importPack(target, pack)).json();
    expect(again.imported).toEqual([]);
    expect(again.skipped.map((s: {reason: string}) => s.reason)).toEqual(["already in Printers", "already in Printers"]);
    const named = await (await importPack(target, pack, "?collection=Front%20desk")).json();
    expect(named.imported.map((d: {collection: string}) => d.collection)).toEqual(["Front desk", "Front desk"]);
  });

  it("downloads the whole knowledge base without a collection", async () => {
    const response = await source.call("/api/knowledge/pack");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/filename="deskside-knowledge-/);
    expect(response.headers.get("x-deskside-pack-documents")).toBe("3");
  });

  it("answers errors with their status and stable code, and changes nothing", async () => {
    const before = await documents(target);
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      const body = await response.json();
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toMatch(/\/tmp|\/home|at .*\.ts/);
      return body.error.message as string;
    };

    await expectError(await source.call("/api/knowledge/pack?collection=No%20such"), 404, "NOT_FOUND");
    await expectError(await source.call("/api/knowledge/pack", {auth: false}), 401, "UNAUTHORIZED");
    await expectError(await target.call("/api/knowledge/pack", {method: "POST", body: bodyOf(pack), headers: {"content-type": "application/json"}}), 415, "UNSUPPORTED_TYPE");

    const tampered = Buffer.from(pack);
    tampered[tampered.length - 40] ^= 0xff;
    expect(await expectError(await importPack(target, tampered), 422, "PACK_INVALID")).toMatch(/checksum/);
    expect(await expectError(await importPack(target, pack.subarray(0, pack.length - 10)), 422, "PACK_INVALID")).toMatch(/cut off/);
    expect(await expectError(await importPack(target, makePng()), 422, "PACK_INVALID")).toMatch(/not a Deskside knowledge pack/);
    await expectError(await importPack(target, new Uint8Array()), 422, "PACK_INVALID");

    const manifestLength = Buffer.from(pack).readUInt32BE(PACK_MAGIC.length);
    const manifest = Buffer.from(pack.subarray(PACK_MAGIC.length + 4, PACK_MAGIC.length + 4 + manifestLength)).toString("utf8");
    const future = Buffer.from(pack);
    Buffer.from(manifest.replace('"formatVersion":1', '"formatVersion":2')).copy(future, PACK_MAGIC.length + 4);
    expect(await expectError(await importPack(target, future), 422, "PACK_VERSION_UNSUPPORTED")).toMatch(/newer Deskside/);

    // The file-path methods are the desktop app's; a browser uses the routes above.
    const rpc = await target.call("/rpc/knowledge.importPack", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({path: "/etc/passwd"})});
    expect(rpc.status).toBe(400);
    expect((await rpc.json()).error.code).toBe("INVALID_INPUT");

    expect(await documents(target)).toEqual(before);
    await expect.poll(() => fs.readdirSync(`${target.dataDir}/pack-transit`).length).toBe(0);
  });

  it("is described in the OpenAPI document", async () => {
    const spec = await (await source.call("/openapi.json", {auth: false})).json();
    const route = spec.paths["/api/knowledge/pack"];
    expect(route.get.summary).toMatch(/knowledge pack/);
    expect(Object.keys(route.post.requestBody.content)).toEqual(["application/octet-stream"]);
    expect(route.post.responses["422"]).toBeDefined();
  });
});
