import fs from "node:fs/promises";
import path from "node:path";
import type {ModelSource} from "../../../shared/models.js";

export interface ModelFolder {
  dir: string;
  source: ModelSource;
}

export interface FoundModelFile {
  path: string;
  source: ModelSource;
}

/** Files that are not chat models even though they are GGUF (multimodal projectors, split shards after the first). */
function isChatModelFile(name: string): boolean {
  if (!name.toLowerCase().endsWith(".gguf")) return false;
  if (/mmproj/i.test(name)) return false;
  const shard = /-(\d{5})-of-(\d{5})\.gguf$/i.exec(name);
  return !shard || shard[1] === "00001";
}

/** Lists .gguf files in the folders in priority order, two levels deep; the first copy of a file name wins. */
export async function findModelFiles(folders: ModelFolder[]): Promise<FoundModelFile[]> {
  const seen = new Set<string>();
  const found: FoundModelFile[] = [];
  for (const folder of folders) {
    for (const file of await listGguf(folder.dir, 2)) {
      const name = path.basename(file);
      if (seen.has(name)) continue;
      seen.add(name);
      found.push({path: file, source: folder.source});
    }
  }
  return found;
}

async function listGguf(dir: string, depth: number): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, {withFileTypes: true});
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && isChatModelFile(entry.name)) out.push(full);
    else if (entry.isDirectory() && depth > 1 && !entry.name.startsWith(".")) out.push(...(await listGguf(full, depth - 1)));
  }
  return out;
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/**
 * Resolves what the user asked for: a .gguf path inside one of the model folders, or a file name
 * looked up in them. Returns null when nothing matches — also for a path outside the model folders,
 * whether or not it exists, so a caller learns nothing about the rest of the disk.
 */
export async function resolveModelRequest(request: string, folders: ModelFolder[]): Promise<FoundModelFile | null> {
  const looksLikePath = path.isAbsolute(request) || request.includes("/") || request.includes("\\");
  if (looksLikePath) {
    const file = path.resolve(request);
    const folder = folders.find((candidate) => isInside(file, candidate.dir));
    if (!folder) return null;
    try {
      await fs.access(file);
      return {path: file, source: folder.source};
    } catch {
      return null;
    }
  }
  const files = await findModelFiles(folders);
  const wanted = request.toLowerCase();
  return (
    files.find((file) => path.basename(file.path).toLowerCase() === wanted) ??
    files.find((file) => path.basename(file.path, ".gguf").toLowerCase() === wanted.replace(/\.gguf$/, "")) ??
    null
  );
}
