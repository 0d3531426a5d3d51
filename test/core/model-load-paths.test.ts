/**
 * models.load takes a model name or a path inside the model folders. A path anywhere else gets the
 * same answer whether or not something exists there, so the API tells nobody about the rest of the disk.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {createTestCore, removeDataDir} from "../helpers/core.js";

let core: DesksideCore;
let outside: string;

beforeAll(async () => {
  core = await createTestCore({withModel: false});
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-outside-"));
  fs.writeFileSync(path.join(outside, "secret.gguf"), "not a model");
  fs.mkdirSync(path.join(outside, "folder.gguf"));
}, 120_000);
afterAll(async () => {
  await core?.close();
  if (core) removeDataDir(core);
  fs.rmSync(outside, {recursive: true, force: true});
});

async function load(model: string) {
  const response = await core.rpc.respond("models.load", {model}, {transport: "http"});
  expect(response.ok).toBe(false);
  return (response as {error: {code: string; message: string}}).error;
}

describe("models.load with a path", () => {
  it("answers the same for a file that exists outside the model folders and one that does not", async () => {
    const existing = await load(path.join(outside, "secret.gguf"));
    const missing = await load(path.join(outside, "no-such-folder", "secret.gguf"));
    expect(existing.code).toBe("MODEL_NOT_FOUND");
    expect(existing).toEqual(missing);
    // A folder, a file that is no model, and a way out of the models folder all read the same.
    const folder = await load(path.join(outside, "folder.gguf"));
    const missingFolder = await load(path.join(outside, "elsewhere", "folder.gguf"));
    expect(folder).toEqual(missingFolder);
    const climbing = await load(path.join(core.dataDir, "models", "..", "..", path.basename(outside), "secret.gguf"));
    expect(climbing).toEqual(existing);
    expect(JSON.stringify([existing, folder, climbing])).not.toContain(outside);
  });

  it("still reads files inside the model folders (and says what is wrong with them)", async () => {
    const models = path.join(core.dataDir, "models");
    fs.mkdirSync(models, {recursive: true});
    fs.writeFileSync(path.join(models, "broken.gguf"), "not a model");
    const inside = await load(path.join(models, "broken.gguf"));
    expect(inside.code).toBe("MODEL_INVALID");
  });
});
