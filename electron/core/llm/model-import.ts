import fs from "node:fs/promises";
import path from "node:path";
import {DesksideError} from "../../../shared/errors.js";
import type {ModelInfo} from "../../../shared/models.js";
import {inspectModel} from "./gguf-inspector.js";

/** Copies a .gguf into the models folder after checking it is a complete GGUF; an existing copy is reused. */
export async function importModelFile(source: string, modelsDir: string): Promise<ModelInfo> {
  if (!source.toLowerCase().endsWith(".gguf")) throw new DesksideError("MODEL_INVALID", `${path.basename(source)} is not a .gguf model file.`);
  await inspectModel(source, "path");
  await fs.mkdir(modelsDir, {recursive: true});
  const target = path.join(modelsDir, path.basename(source));
  const partial = `${target}.partial`;
  const [from, existing] = await Promise.all([fs.stat(source), fs.stat(target).catch(() => null)]);
  if (!existing || existing.size !== from.size) {
    // Copy then rename, so an interrupted copy never looks like a model.
    await fs.copyFile(source, partial);
    await fs.rename(partial, target);
  }
  return (await inspectModel(target, "data")).info;
}
