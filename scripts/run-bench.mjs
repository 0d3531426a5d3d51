// `npm run bench [name…]`: runs the benchmarks in bench/ one after another (never in parallel, so
// they do not disturb each other); each prints a table and writes bench/results/<name>.json.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {ROOT} from "./lib/setup.mjs";

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("-"));
const all = fs.readdirSync(path.join(ROOT, "bench")).filter((f) => f.endsWith("-bench.ts")).sort();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", file), ...passThrough], {cwd: ROOT, stdio: "inherit"});
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
