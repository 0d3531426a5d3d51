// Completes package-lock.json with the other platforms' native binary packages (node-llama-cpp,
// LanceDB, …) when the registry used to make the lock did not serve them. Without these entries
// `npm ci` refuses the lock on every machine; with them each platform installs its own binary and
// skips the others. Run after changing dependencies: `node scripts/lock-platform-binaries.mjs`.
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {ROOT} from "./lib/setup.mjs";

const lockPath = path.join(ROOT, "package-lock.json");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${key ? `${key}/` : ""}node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
    const version = range.replace(/^[\^~=]/, "");
    // The platform fields are stable across versions; read them from any published version.
    const meta = JSON.parse(execFileSync(npm, ["view", name, "os", "cpu", "libc", "license", "--json"], {encoding: "utf8"}) || "{}");
    lock.packages[`node_modules/${name}`] = {version, ...(meta.cpu && {cpu: meta.cpu}), ...(meta.license && {license: meta.license}), ...(meta.libc && {libc: meta.libc}), optional: true, ...(meta.os && {os: meta.os})};
    added++;
    console.log(`added ${name}@${version} (${[meta.os, meta.cpu].flat().filter(Boolean).join(" ")})`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added ? `package-lock.json: ${added} platform packages added` : "package-lock.json already lists every platform package");
