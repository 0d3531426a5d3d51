import {spawn} from "node:child_process";
import path from "node:path";
import {REPO_ROOT} from "./fixtures.js";

/** `npm run tokens -- …` on a data folder, run as its own process the way an administrator runs it. */
export function runTokensCli(dataDir: string, ...args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(REPO_ROOT, "scripts", "tokens.ts"), ...args, "--data-dir", dataDir], {
      cwd: REPO_ROOT,
      env: {...process.env, DESKSIDE_DATA_DIR: ""},
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({code, stdout, stderr}));
  });
}

/** The token value `npm run tokens -- create` printed. */
export function printedToken(stdout: string): string {
  const found = /dsk_[A-Za-z0-9_-]{43}/.exec(stdout);
  if (!found) throw new Error(`no token in: ${stdout}`);
  return found[0];
}
