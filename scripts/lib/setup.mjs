// Setup steps shared by `npm start` and `npm test`, written without dependencies so they run
// before `npm ci` has.
import {spawn, spawnSync} from "node:child_process";
import dns from "node:dns/promises";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function newest(dir) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * Hands this process over to a long-running child (the desktop app, the headless server): signals
 * pass through, and the child's exit code becomes this process's.
 */
export function handOver(command, args, options = {}) {
  const child = spawn(command, args, {cwd: ROOT, stdio: "inherit", ...options});
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {cwd: ROOT, stdio: "inherit", ...options});
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
}

/** Electron's binary comes from GitHub; where that cannot be reached the install skips it and browser mode is used. */
async function electronDownloadReachable() {
  if (process.env.ELECTRON_MIRROR || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return true;
  try {
    await Promise.race([dns.lookup("github.com"), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3000))]);
    return true;
  } catch {
    return false;
  }
}

export async function ensureDependencies() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  const env = {...process.env};
  if (!(await electronDownloadReachable())) {
    console.log("Electron's download server is not reachable: installing without the desktop binary (the app will open in the browser).");
    env.ELECTRON_SKIP_BINARY_DOWNLOAD = "1";
  }
  run(npm, ["ci", "--no-audit", "--no-fund"], {env});
}

export function ensureRendererBuilt() {
  const index = path.join(ROOT, "dist", "index.html");
  const sources = Math.max(newest(path.join(ROOT, "renderer")), newest(path.join(ROOT, "shared")));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  run(npm, ["run", "build:renderer", "--silent"]);
}

/**
 * Bundles the main process and the headless server to plain JavaScript (dist-electron/); esbuild
 * takes about a second, so it simply runs every time.
 */
export function buildCore() {
  run(process.execPath, [path.join(ROOT, "scripts", "build-electron.mjs")]);
}

/** The Electron binary is usable when the package found it and there is a screen to show it on. */
export function electronBinary() {
  const pathFile = path.join(ROOT, "node_modules", "electron", "path.txt");
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(ROOT, "node_modules", "electron", "dist", fs.readFileSync(pathFile, "utf8").trim());
  if (!fs.existsSync(binary)) return null;
  const hasDisplay = process.platform !== "linux" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return hasDisplay ? binary : null;
}
