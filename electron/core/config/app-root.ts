import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

/**
 * The folder with Deskside's package.json, found upwards from a module: the same answer whether
 * the module runs from its sources (electron/core/…) or bundled (dist-electron/serve.js).
 */
export function appRootFrom(moduleUrl: string): string {
  const start = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, "..", "..");
  }
}
