import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {contract, METHOD_NAMES} from "../../shared/contract.js";
import {createHandlers, type HandlerDeps} from "../../electron/core/rpc/handlers.js";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {createTestCore, removeDataDir} from "../helpers/core.js";

let core: DesksideCore;
beforeAll(async () => {
  core = await createTestCore({withModel: false, overrides: {apiToken: "fixed-for-this-run", port: 4999}});
});
afterAll(async () => {
  await core.close();
  removeDataDir(core);
});

describe("the IPC/HTTP contract", () => {
  it("has a handler for every method and no handler outside the contract", () => {
    // Building the handler table calls no service, so no services are needed to list it.
    const handlers = Object.keys(createHandlers({} as HandlerDeps)).sort();
    expect(handlers).toEqual([...METHOD_NAMES].sort());
  });

  it("describes every method", () => {
    for (const name of METHOD_NAMES) expect(contract[name].description.length).toBeGreaterThan(10);
  });

  it("validates input before any handler runs", async () => {
    await expect(core.rpc.call("knowledge.search", {query: ""})).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("chat.rename", {id: "x", title: "y", extra: 1} as never)).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("no.such" as never, {})).rejects.toMatchObject({code: "UNKNOWN_METHOD"});
    const response = await core.rpc.respond("settings.update", {retrieval: {topK: 99}}, {transport: "http"});
    expect(response).toMatchObject({ok: false, error: {code: "SETTINGS_INVALID"}});
  });

  it("validates the document-reading and collection methods strictly", async () => {
    await expect(core.rpc.call("knowledge.document", {id: ""})).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("knowledge.document", {id: "d1", path: "/etc/passwd"} as never)).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("knowledge.deleteCollection", {collection: ""})).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("knowledge.search", {query: "vpn", excludeCollections: "Starter articles"} as never)).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("knowledge.document", {id: "no-such-document"})).rejects.toMatchObject({code: "NOT_FOUND"});
  });

  it("refuses file-path methods from the browser transport", async () => {
    await expect(core.rpc.call("knowledge.import", {paths: ["/etc"]}, {transport: "http"})).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("models.import", {path: "/etc/passwd"}, {transport: "http"})).rejects.toMatchObject({code: "INVALID_INPUT"});
  });
});

describe("settings as clients see them", () => {
  it("shows the values in effect and which ones the environment fixes", async () => {
    const view = await core.rpc.call("settings.get", undefined);
    expect(view.settings.api).not.toHaveProperty("token");
    expect(view.secrets["api.token"]).toEqual({set: true});
    expect(await core.rpc.call("settings.apiToken", undefined, {transport: "ipc"})).toEqual({token: "fixed-for-this-run"});
    expect(view.settings.api.port).toBe(4999);
    expect(view.overridden.sort()).toEqual(["api.port", "api.token", "knowledge.embeddingModel", "llm.gpu", "llm.threads"]);
    await expect(core.rpc.call("settings.regenerateToken", undefined)).rejects.toMatchObject({code: "INVALID_INPUT"});
  });
});

describe("collections", () => {
  it("deletes a whole collection and announces the change", async () => {
    const upload = (name: string) => core.rpc.call("knowledge.upload", {files: [{name, dataBase64: Buffer.from(`# ${name}\n\nSome text.`).toString("base64")}], collection: "Old notes"});
    const finished = (id: string) => expect.poll(() => core.knowledge.getJob(id)?.state, {timeout: 30_000}).not.toBe("running");
    for (const name of ["a.md", "b.md"]) await finished((await upload(name)).id);
    const changes: string[] = [];
    const off = core.events.on("knowledge.changed", ({reason}) => changes.push(reason));
    expect(await core.rpc.call("knowledge.deleteCollection", {collection: "Old notes"})).toEqual({deleted: 2});
    expect(await core.rpc.call("knowledge.deleteCollection", {collection: "Old notes"})).toEqual({deleted: 0});
    off();
    expect(changes).toEqual(["collection deleted"]);
    expect((await core.rpc.call("knowledge.list", undefined)).filter((d) => d.collection === "Old notes")).toEqual([]);
  });
});

describe("import job events", () => {
  it("announces a job's end with the whole job", async () => {
    const ended = new Promise((resolve) => {
      const off = core.events.on("knowledge.job", (job) => {
        if (job.state !== "running") {
          off();
          resolve(job);
        }
      });
    });
    await core.rpc.call("knowledge.upload", {files: [{name: "note.md", dataBase64: Buffer.from("# Badge printer\n\nReload the ribbon.").toString("base64")}]});
    expect(await ended).toMatchObject({state: "done", counts: {done: 1}});
  });
});


describe("re-indexing over the contract", () => {
  it("answers once a re-index has started, refuses what cannot start, and announces the end", async () => {
    await expect(core.rpc.call("knowledge.reindex", {embeddingModel: 5} as never)).rejects.toMatchObject({code: "INVALID_INPUT"});
    await expect(core.rpc.call("knowledge.reindex", {embeddingModel: "no-such-model"})).rejects.toMatchObject({code: "EMBEDDING_MODEL_MISSING"});
    const ended = new Promise((resolve) => {
      const off = core.events.on("knowledge.reindex", (progress) => {
        if (progress.state === "running") return;
        off();
        resolve(progress);
      });
    });
    expect(await core.rpc.call("knowledge.reindex", undefined)).toEqual({ok: true, model: "static-glove-wordpiece"});
    expect(await ended).toMatchObject({state: "done", model: "static-glove-wordpiece", error: null});
    const models = await core.rpc.call("knowledge.retrievalModels", undefined);
    expect(Array.isArray(models.embedding) && Array.isArray(models.rerankers)).toBe(true);
  });
});
