import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {FIXTURE_GGUF} from "../helpers/fixtures.js";
import {startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;
let modelsDir: string;
const gguf = fs.readFileSync(FIXTURE_GGUF);

beforeAll(async () => {
  h = await startApiHarness();
  modelsDir = path.join(h.dataDir, "models");
});
afterAll(async () => {
  await h.close();
});

const put = (name: string, body: Uint8Array | string, type = "application/octet-stream") =>
  h.call(`/api/models/${encodeURIComponent(name)}`, {method: "PUT", headers: {"content-type": type}, body: body as BodyInit});
/** What is in the models folder besides finished models: nothing, after any upload. */
const leftovers = () => fs.readdirSync(modelsDir).filter((f) => !f.endsWith(".gguf"));

describe("PUT /api/models/{name}: a model from the browser", () => {
  it("streams a .gguf into the models folder, checks it, and lists it with the others", async () => {
    const response = await put("Help desk 1B.gguf", gguf);
    expect(response.status).toBe(201);
    const {model} = await response.json();
    expect(model).toMatchObject({id: "Help desk 1B.gguf", architecture: "llama", size_bytes: gguf.length});
    expect(fs.readFileSync(path.join(modelsDir, "Help desk 1B.gguf")).equals(gguf)).toBe(true);
    const listed = await (await h.call("/rpc/models.list", {method: "POST", headers: {"content-type": "application/json"}, body: "{}"})).json();
    expect(listed.result.map((m: {id: string}) => m.id)).toContain("Help desk 1B.gguf");
    expect(leftovers()).toEqual([]);
  });

  it("refuses what is not a whole GGUF with MODEL_INVALID and keeps nothing, nor replaces a good model of that name", async () => {
    await put("keep.gguf", gguf);
    for (const [name, body] of [
      ["random.gguf", new Uint8Array(4096).map((_, i) => (i * 7919) % 251)],
      ["keep.gguf", gguf.subarray(0, Math.floor(gguf.length / 2))],
      ["empty.gguf", new Uint8Array(0)],
      ["notes.txt", gguf],
    ] as const) {
      const response = await put(name, body);
      expect(response.status, name).toBe(422);
      expect((await response.json()).error.code, name).toBe("MODEL_INVALID");
    }
    expect(fs.readFileSync(path.join(modelsDir, "keep.gguf")).length).toBe(gguf.length);
    expect(fs.existsSync(path.join(modelsDir, "random.gguf"))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("keeps a name inside the models folder and takes only the file itself as the body", async () => {
    const response = await put("../../outside.gguf", gguf);
    expect(response.status).toBe(201);
    expect(fs.existsSync(path.join(modelsDir, "outside.gguf"))).toBe(true);
    expect(fs.existsSync(path.join(h.dataDir, "outside.gguf"))).toBe(false);
    const json = await put("x.gguf", JSON.stringify({a: 1}), "application/json");
    expect(json.status).toBe(415);
    expect((await json.json()).error.code).toBe("UNSUPPORTED_TYPE");
  });

  it("leaves nothing behind when the client goes away in the middle", async () => {
    const url = new URL(`${h.url}/api/models/cut-off.gguf`);
    await new Promise<void>((resolve) => {
      const request = http.request({host: url.hostname, port: url.port, path: url.pathname, method: "PUT", headers: {authorization: `Bearer ${h.token}`, "content-type": "application/octet-stream", "content-length": gguf.length}});
      request.on("error", () => resolve());
      request.write(gguf.subarray(0, 64 * 1024), () => setTimeout(() => (request.destroy(), resolve()), 100));
    });
    await expect.poll(() => leftovers(), {timeout: 5000}).toEqual([]);
    expect(fs.existsSync(path.join(modelsDir, "cut-off.gguf"))).toBe(false);
  });
});
