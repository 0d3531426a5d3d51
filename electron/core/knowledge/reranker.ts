import {readdirSync, statSync} from "node:fs";
import path from "node:path";
import {DesksideError} from "../../../shared/errors.js";
import {ggufRole} from "../../../shared/models.js";
import {createGgufReranker} from "./gguf-reranker.js";
import {isLocalModelFolder, isSequenceClassifierFolder} from "./transformers-local.js";
import type {CreateRerankerOptions, Reranker, RerankerCandidate} from "./reranker-types.js";

export {DEFAULT_RERANK_CONTEXT, type CreateRerankerOptions, type Reranker, type RerankerCandidate, type RerankerKind} from "./reranker-types.js";

/** bge-reranker-v2-m3-Q8_0.gguf, jina-reranker-v1-tiny-en.gguf, Qwen3-Reranker-0.6B.gguf … */
export function isRerankerGgufName(name: string): boolean {
  return ggufRole(name) === "reranking";
}

function candidateAt(entry: string, byName: boolean): RerankerCandidate | null {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return null;
  }
  const modelId = path.basename(entry);
  // An explicitly chosen .gguf is taken whatever its name; creating it checks that it can rank.
  if (stat.isFile() && /\.gguf$/i.test(entry) && (!byName || isRerankerGgufName(modelId))) return {path: entry, kind: "gguf", modelId};
  if (stat.isDirectory() && isSequenceClassifierFolder(entry)) return {path: entry, kind: "cross-encoder", modelId};
  return null;
}

/**
 * Re-rankers in the models folders, folder order first, then names in order: GGUF files named
 * like re-rankers and transformers.js folders whose config declares a sequence classifier.
 */
export function findRerankers(modelDirs: string[]): RerankerCandidate[] {
  const found: RerankerCandidate[] = [];
  for (const dir of modelDirs) {
    if (!dir) continue;
    const folder = path.resolve(dir);
    let entries: string[];
    try {
      entries = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const candidate = candidateAt(path.join(folder, entry), true);
      if (candidate) found.push(candidate);
    }
  }
  return found;
}

/**
 * The re-ranker to use: an explicit setting (a path, or a file/folder name looked up in every
 * models folder) is the only candidate, so a chosen model is never silently replaced; otherwise
 * the first one found. Null when there is none (search then keeps its own order).
 */
export function resolveReranker(setting: string | null | undefined, modelDirs: string[]): RerankerCandidate | null {
  if (!setting) return findRerankers(modelDirs)[0] ?? null;
  const explicit = path.isAbsolute(setting) || setting.includes("/") || setting.includes("\\");
  const paths = explicit ? [path.resolve(setting)] : modelDirs.filter(Boolean).map((dir) => path.resolve(dir, setting));
  for (const candidate of paths) {
    const found = candidateAt(candidate, false);
    if (found) return found;
  }
  return null;
}

/** A re-ranker from a `.gguf` file (node-llama-cpp) or a transformers.js cross-encoder folder. */
export async function createReranker(pathOrFolder: string, options: CreateRerankerOptions = {}): Promise<Reranker> {
  const target = path.resolve(pathOrFolder);
  if (/\.gguf$/i.test(target)) return createGgufReranker(target, options);
  // transformers.js loads only when a cross-encoder is used (see transformers-local.ts).
  if (isSequenceClassifierFolder(target)) return (await import("./cross-encoder-reranker.js")).createCrossEncoderReranker(target, options);
  const name = path.basename(target);
  if (isLocalModelFolder(target))
    throw new DesksideError("MODEL_INVALID", `"${name}" is not a re-ranking model: its config.json declares no sequence classifier (an embedding model?).`);
  throw new DesksideError("MODEL_NOT_FOUND", `No re-ranking model at "${name}": pick a re-ranker .gguf file or a cross-encoder folder (config.json, tokenizer.json, onnx/model.onnx).`);
}
