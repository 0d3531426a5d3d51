import fs from "node:fs";

/**
 * Makes `dir` a folder. Something else in its place (a file left by a sync tool or a mistaken copy)
 * is moved aside, never deleted, to `<dir>.not-a-folder-<time>`; returns that path so the caller
 * can report it, or null when nothing was in the way.
 */
export function ensureFolder(dir: string): string | null {
  let aside: string | null = null;
  const info = fs.lstatSync(dir, {throwIfNoEntry: false});
  if (info && !info.isDirectory()) {
    aside = `${dir}.not-a-folder-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    fs.renameSync(dir, aside);
  }
  fs.mkdirSync(dir, {recursive: true});
  return aside;
}
