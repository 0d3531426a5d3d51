import {existsSync, statSync} from "node:fs";
import path from "node:path";

/**
 * Which tokenizer measures chunk sizes, in a form that crosses a thread boundary: chunking runs in
 * the parser workers, which load the embedding model's tokenizer (tokenizer.json only, no weights)
 * from its folder themselves. Without a model folder the estimate is used, as on the main thread.
 */
export type TokenizerSpec = {kind: "approximate"} | {kind: "folder"; folder: string};

const APPROXIMATE_TOKENIZER: TokenizerSpec = {kind: "approximate"};

/** A transformers.js model folder's tokenizer; anything else (a GGUF file, none) is estimated. */
export function tokenizerSpecFor(modelPath: string | null | undefined): TokenizerSpec {
  if (!modelPath) return APPROXIMATE_TOKENIZER;
  try {
    if (statSync(modelPath).isDirectory() && existsSync(path.join(modelPath, "tokenizer.json"))) return {kind: "folder", folder: path.resolve(modelPath)};
  } catch {
    // a vanished folder: estimate
  }
  return APPROXIMATE_TOKENIZER;
}
