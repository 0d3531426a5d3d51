import {approximateTokenCount} from "./token-count.js";
import type {TokenizerSpec} from "./tokenizer-spec.js";

/**
 * Token counting inside a parser worker: the embedding model's own tokenizer, loaded once per
 * folder and kept for the worker's life, counting exactly as the embedder does (no special tokens).
 */

type Count = (text: string) => number;

const CACHE_ENTRIES = 4096;
const CACHE_MAX_CHARS = 8192;
const loaded = new Map<string, Promise<Count>>();

export function tokenCounterFor(spec: TokenizerSpec): Promise<Count> {
  if (spec.kind === "approximate") return Promise.resolve(approximateTokenCount);
  let counter = loaded.get(spec.folder);
  if (!counter) {
    counter = loadFolderTokenizer(spec.folder);
    loaded.set(spec.folder, counter);
    counter.catch(() => loaded.delete(spec.folder));
  }
  return counter;
}

async function loadFolderTokenizer(folder: string): Promise<Count> {
  const {AutoTokenizer, env} = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // An absolute path is never taken for a hub id, so the folder is read as it is.
  const tokenizer = await AutoTokenizer.from_pretrained(folder);
  // The chunker measures the same pieces again while packing and overlapping; recent counts are kept.
  const counts = new Map<string, number>();
  return (text) => {
    const known = counts.get(text);
    if (known !== undefined) return known;
    const count = tokenizer.encode(text, {add_special_tokens: false}).length;
    if (text.length <= CACHE_MAX_CHARS) {
      if (counts.size >= CACHE_ENTRIES) counts.delete(counts.keys().next().value!);
      counts.set(text, count);
    }
    return count;
  };
}
