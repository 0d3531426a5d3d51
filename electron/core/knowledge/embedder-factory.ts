import {readdirSync, statSync} from "node:fs";
import path from "node:path";
import {createEmbedder, isEmbeddingModelFolder, resolveEmbeddingModel, type CreateEmbedderOptions, type Embedder} from "./embedder.js";
import {createEmbedderProcess} from "./embedder-process.js";
import {createGgufEmbedder, isEmbeddingGgufName, type CreateGgufEmbedderOptions} from "./gguf-embedder.js";

/** Options per kind, since the two runtimes batch differently. */
export interface AnyEmbedderOptions {
  folder?: CreateEmbedderOptions;
  gguf?: CreateGgufEmbedderOptions;
  /** A transformers.js folder opens in a child process of its own (embedder-process.ts); GGUF models always open here. */
  folderInChildProcess?: boolean;
}

const isFile = (file: string) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * Like resolveEmbeddingModel, and also GGUF embedding models. Folders win over GGUF files
 * everywhere, so adding a GGUF never silently replaces a working embedder (which would force a
 * re-index). A candidate that is itself a .gguf file was chosen explicitly and is taken as is;
 * inside models folders only files named like embedders count (the same folders hold chat models).
 */
export function resolveAnyEmbeddingModel(candidates: string[]): string | null {
  const folder = resolveEmbeddingModel(candidates);
  if (folder) return folder;
  for (const candidate of candidates) {
    if (!candidate) continue;
    const target = path.resolve(candidate);
    if (/\.gguf$/i.test(target) && isFile(target)) return target;
    let entries: string[];
    try {
      entries = readdirSync(target).sort();
    } catch {
      continue;
    }
    const gguf = entries.find((entry) => isEmbeddingGgufName(entry) && isFile(path.join(target, entry)));
    if (gguf) return path.join(target, gguf);
  }
  return null;
}

/**
 * Every embedding model in the models folders, in the order resolveAnyEmbeddingModel prefers them
 * (folders first, then GGUF files named like embedders): what a person can choose from.
 */
export function findEmbeddingModels(modelDirs: string[]): {path: string; kind: "transformers" | "gguf"}[] {
  const folders: {path: string; kind: "transformers"}[] = [];
  const files: {path: string; kind: "gguf"}[] = [];
  const seen = new Set<string>();
  for (const dir of modelDirs) {
    if (!dir) continue;
    const root = path.resolve(dir);
    let entries: string[];
    try {
      entries = readdirSync(root).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(root, entry);
      if (seen.has(full)) continue;
      seen.add(full);
      if (isEmbeddingGgufName(entry) && isFile(full)) files.push({path: full, kind: "gguf"});
      else if (isEmbeddingModelFolder(full)) folders.push({path: full, kind: "transformers"});
    }
  }
  return [...folders, ...files];
}

/** A `.gguf` file through node-llama-cpp, anything else as a transformers.js folder. */
export function createAnyEmbedder(pathOrFolder: string, options: AnyEmbedderOptions = {}): Promise<Embedder> {
  if (/\.gguf$/i.test(pathOrFolder)) return createGgufEmbedder(pathOrFolder, options.gguf);
  return options.folderInChildProcess ? createEmbedderProcess(pathOrFolder, options.folder) : createEmbedder(pathOrFolder, options.folder);
}
