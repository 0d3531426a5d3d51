/**
 * The model start-up loads when none is configured: the first chat model that fits. Embedding and
 * re-ranking GGUFs share the models folder (search finds them there by name) but never answer chat,
 * even when their names sort first.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import type {DesksideCore} from "../../electron/core/app-core.js";
import {createTestCore, removeDataDir} from "../helpers/core.js";
import {FIXTURE_GGUF} from "../helpers/fixtures.js";
import {writeTinyBertGguf} from "../helpers/tiny-bert-gguf.js";

let core: DesksideCore | null = null;
afterEach(async () => {
  await core?.close();
  if (core) removeDataDir(core);
  core = null;
});

/** A data folder whose models folder holds the given files. */
function dataDirWith(files: Record<string, "chat" | "embedder" | "reranker">): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-default-model-"));
  const models = path.join(dataDir, "models");
  fs.mkdirSync(models);
  for (const [name, kind] of Object.entries(files)) {
    if (kind === "chat") fs.copyFileSync(FIXTURE_GGUF, path.join(models, name));
    else writeTinyBertGguf(path.join(models, name), kind);
  }
  return dataDir;
}

describe("the default chat model", () => {
  it("skips embedding and re-ranking models, which are listed with their role", async () => {
    core = await createTestCore({withModel: false, autoLoadModel: true, dataDir: dataDirWith({"a-bge-reranker.gguf": "reranker", "b-nomic-embed.gguf": "embedder", "c-helpdesk-chat.gguf": "chat"})});
    const status = await core.rpc.call("models.status", undefined);
    expect(status.model?.id).toBe("c-helpdesk-chat.gguf");
    const roles = Object.fromEntries((await core.rpc.call("models.list", undefined)).map((m) => [m.id, m.role]));
    expect(roles).toEqual({"a-bge-reranker.gguf": "reranking", "b-nomic-embed.gguf": "embedding", "c-helpdesk-chat.gguf": "chat"});
  }, 120_000);

  it("with only retrieval models, starts in retrieval-only mode", async () => {
    core = await createTestCore({withModel: false, autoLoadModel: true, dataDir: dataDirWith({"nomic-embed.gguf": "embedder"})});
    const status = await core.rpc.call("models.status", undefined);
    expect(status.model).toBeNull();
    expect(status.state).not.toBe("loading");
  }, 120_000);
});
