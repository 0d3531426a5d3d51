import {createWriteStream} from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type {Readable} from "node:stream";
import {pipeline} from "node:stream/promises";
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

/** A file name an upload may give a model: no folders, control characters or leading dots, and `.gguf`. */
export function uploadedModelName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base].filter((char) => char.charCodeAt(0) >= 32 && char !== "\u007f").join("").replace(/^\.+/, "").trim();
  if (!cleaned.toLowerCase().endsWith(".gguf") || cleaned.length <= 5) throw new DesksideError("MODEL_INVALID", `"${cleaned.slice(0, 100) || name.slice(0, 100)}" is not a .gguf model file name.`);
  if (cleaned.length > 200) throw new DesksideError("INVALID_INPUT", "The model's file name is longer than 200 characters; rename it first.");
  return cleaned;
}

/**
 * Streams an uploaded .gguf into the models folder: written beside its final name, checked as a
 * complete GGUF, then renamed, so a broken, cut-off or abandoned upload never looks like a model
 * and leaves nothing behind. A model of the same name is replaced only by a valid upload.
 */
export async function importModelStream(name: string, source: Readable, modelsDir: string, options: {maxBytes: number; signal?: AbortSignal}): Promise<ModelInfo> {
  const fileName = uploadedModelName(name);
  await fs.mkdir(modelsDir, {recursive: true});
  const target = path.join(modelsDir, fileName);
  const partial = `${target}.upload-${process.pid}-${Date.now()}.partial`;
  let received = 0;
  try {
    source.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.maxBytes) source.destroy(new DesksideError("PAYLOAD_TOO_LARGE", `The model is larger than ${Math.round(options.maxBytes / 1e9)} GB, the most an upload may be.`));
    });
    await pipeline(source, createWriteStream(partial, {flags: "wx"}), {signal: options.signal});
    if (received === 0) throw new DesksideError("MODEL_INVALID", `${fileName} arrived empty.`);
    await inspectModel(partial, "data");
    await fs.rename(partial, target);
  } catch (error) {
    await fs.rm(partial, {force: true});
    if (error instanceof DesksideError) throw error;
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === "ENOSPC") throw new DesksideError("DISK_FULL", `The disk holding the models folder is full; ${fileName} was not kept.`, {cause: error});
    if (options.signal?.aborted || code === "ABORT_ERR" || code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE") throw new DesksideError("CANCELLED", `The upload of ${fileName} stopped before it ended; nothing was kept.`, {cause: error});
    throw error;
  }
  return (await inspectModel(target, "data")).info;
}
