import fs from "node:fs";
import path from "node:path";

/**
 * Files and folders given on the command line (or through "Open with…" and a second launch) to be
 * imported. Flags, Electron's own arguments and paths that do not exist are ignored.
 */
export function pathsFromArgv(argv: string[], cwd: string, exists: (p: string) => boolean = fs.existsSync): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (!arg || arg.startsWith("-")) continue;
    const full = path.resolve(cwd, arg);
    // The app's own folder or executable is part of argv when run unpackaged.
    if (/(electron|deskside)(\.exe)?$/i.test(path.basename(full)) || full.endsWith(".js") || full.endsWith(".asar")) continue;
    if (exists(full) && !out.includes(full)) out.push(full);
  }
  return out;
}
