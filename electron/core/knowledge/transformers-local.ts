import {existsSync, readFileSync, readdirSync, statSync} from "node:fs";
import path from "node:path";

const REQUIRED_FILES = ["config.json", "tokenizer.json"];

/** A folder transformers.js can load offline: config, tokenizer and at least one ONNX graph. */
export function isLocalModelFolder(folder: string): boolean {
  try {
    if (!statSync(folder).isDirectory()) return false;
    if (!REQUIRED_FILES.every((file) => existsSync(path.join(folder, file)))) return false;
    const onnxDir = path.join(folder, "onnx");
    return readdirSync(onnxDir).some((name) => /^model.*\.onnx$/.test(name));
  } catch {
    return false;
  }
}

/** The `architectures` listed in a model folder's config.json; empty when unreadable. */
export function modelArchitectures(folder: string): string[] {
  try {
    const config = JSON.parse(readFileSync(path.join(folder, "config.json"), "utf8")) as {architectures?: unknown};
    return Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === "string") : [];
  } catch {
    return [];
  }
}

/** Cross-encoders (re-rankers) are sequence classifiers: they score a pair, they do not embed. */
export function isSequenceClassifierFolder(folder: string): boolean {
  return isLocalModelFolder(folder) && modelArchitectures(folder).some((a) => a.endsWith("ForSequenceClassification"));
}

// transformers.js reads its settings from a process-wide `env`; loads are serialized so one load
// never sees settings changed for another.
let loadChain: Promise<unknown> = Promise.resolve();

/**
 * Runs `load` offline with the model id transformers.js should use for `folder`: its absolute
 * path. A path is never a valid hub id, so transformers.js reads the folder as is; a folder name
 * as id (under env.localModelPath) fails for names the hub would reject ("my model", "a--b").
 */
export function loadLocalModel<T>(folder: string, load: (modelId: string) => Promise<T>): Promise<T> {
  const run = async () => {
    // Loaded on first use: transformers.js and its runtimes add about 170 MB to the process.
    const {env} = await import("@huggingface/transformers");
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    return load(path.resolve(folder));
  };
  const result = loadChain.then(run, run);
  loadChain = result.catch(() => undefined);
  return result;
}
