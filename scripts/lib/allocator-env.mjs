// The allocator settings of the systemd unit (docs/operations/deskside.service), for every way the
// repository starts Deskside. glibc otherwise gives each of the native libraries' threads (LanceDB's
// above all) an arena of its own and keeps what they once used: after importing Python's HTML manual
// (530 pages) the server held 788 MB with glibc's defaults against 392 MB with these.
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const UNIT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "operations", "deskside.service");
let unitSettings = null;

/** The unit's MALLOC_* settings, read from the unit itself (once) so the two cannot drift apart. */
export function unitAllocatorEnv() {
  unitSettings ??= Object.fromEntries([...fs.readFileSync(UNIT, "utf8").matchAll(/^Environment=(MALLOC_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return {...unitSettings};
}

/** The settings `env` still lacks: none off Linux (glibc reads them) or with DESKSIDE_PLAIN_MALLOC=1. */
function missingAllocatorEnv(env) {
  if (process.platform !== "linux" || env.DESKSIDE_PLAIN_MALLOC === "1") return {};
  return Object.fromEntries(Object.entries(unitAllocatorEnv()).filter(([name]) => env[name] === undefined));
}

/** `env` with the unit's allocator settings added, none of them overriding a value already set. */
export function withAllocatorEnv(env = process.env) {
  return {...missingAllocatorEnv(env), ...env};
}

/** Whether this process already runs with them (glibc reads them only at start). */
export function allocatorEnvInEffect(env = process.env) {
  return Object.keys(missingAllocatorEnv(env)).length === 0;
}
