import {spawn, type ChildProcess, spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {pathToFileURL} from "node:url";
import {afterAll, afterEach, describe, expect, it} from "vitest";
import {acquireDataDirLock, LOCK_FILE} from "../../electron/core/data-dir-lock.js";
import {REPO_ROOT} from "../helpers/fixtures.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";

/**
 * One Deskside process per data folder, checked with real processes: a second server refuses with
 * DATA_DIR_IN_USE while the first runs, and takes over once the first is killed.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-lock-"));
const children: ChildProcess[] = [];
const servers: ServeProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

afterAll(async () => {
  for (const server of servers) await server.stop("SIGKILL");
  fs.rmSync(work, {recursive: true, force: true});
});

/** A separate process that takes the folder's lock, says so, and holds it until killed. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const script = `
    import {acquireDataDirLock} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "electron/core/data-dir-lock.ts")).href)};
    acquireDataDirLock(process.argv[1], {owner: "the headless server", heartbeatMs: 200});
    process.stdout.write("held\\n");
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, dataDir], {cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"]});
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (data) => (err += data));
    child.stdout!.on("data", (data) => String(data).includes("held") && resolve());
    child.once("exit", (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

describe("data folder lock", () => {
  it("refuses while another live process holds the folder, and takes over once it is killed", async () => {
    const dataDir = path.join(work, "live");
    const child = await holder(dataDir);
    const refused = (() => {
      try {
        acquireDataDirLock(dataDir, {owner: "test"});
      } catch (error) {
        return error as {code: string; message: string};
      }
      throw new Error("the lock was taken twice");
    })();
    expect(refused.code).toBe("DATA_DIR_IN_USE");
    expect(refused.message).toContain(`process ${child.pid}`);
    expect(refused.message).toMatch(/headless server.*Close that one first, or start this one with its own folder/);

    child.kill("SIGKILL");
    await exited(child);
    // The holder's process is gone: its lock is stale at once, whatever its heartbeat says.
    const lock = acquireDataDirLock(dataDir, {owner: "test"});
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it("judges a lock from another machine by its heartbeat, and debris by its age", () => {
    const dataDir = path.join(work, "remote");
    fs.mkdirSync(dataDir, {recursive: true});
    const file = path.join(dataDir, LOCK_FILE);
    const remote = {pid: 4242, hostname: "another-machine", owner: "the desktop app", startedAt: new Date().toISOString(), token: "t"};

    fs.writeFileSync(file, JSON.stringify(remote));
    expect(() => acquireDataDirLock(dataDir, {owner: "test", staleMs: 30_000})).toThrow(/in use by the desktop app \(process 4242 on another-machine/);

    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    acquireDataDirLock(dataDir, {owner: "test", staleMs: 30_000}).release();

    fs.writeFileSync(file, "{half-writ");
    expect(() => acquireDataDirLock(dataDir, {owner: "test"})).toThrow(/in use by another Deskside process/);
    fs.utimesSync(file, old, old);
    acquireDataDirLock(dataDir, {owner: "test"}).release();
  });

  it("npm run doctor refuses to work on a folder in use", async () => {
    const dataDir = path.join(work, "doctor");
    await holder(dataDir);
    const doctor = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts", "doctor.ts"), "--data-dir", dataDir], {cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"]});
    let output = "";
    doctor.stdout!.on("data", (data) => (output += data));
    doctor.stderr!.on("data", (data) => (output += data));
    const code = await new Promise<number | null>((resolve) => doctor.once("exit", resolve));
    expect(code).toBe(2);
    expect(output).toMatch(/DATA_DIR_IN_USE/);
  });

  it("npm run doctor stops at a mistyped flag instead of repairing the default folder", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts", "doctor.ts"), "--datadir", path.join(work, "typo")], {cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option --datadir (did you mean --data-dir?)");
    expect(run.stdout).not.toMatch(/Checking/);
  });

  it("two real servers on one data folder: the second refuses with DATA_DIR_IN_USE, the first keeps serving", async () => {
    const dataDir = path.join(work, "serve");
    fs.mkdirSync(dataDir, {recursive: true});
    fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({llm: {autoLoad: false}}));
    const first = await startServe({dataDir});
    servers.push(first);
    await expect(startServe({dataDir})).rejects.toThrow(/DATA_DIR_IN_USE\): The data folder .* is in use by the headless server \(process \d+/);
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    expect(fs.readFileSync(path.join(dataDir, "logs", "deskside.log"), "utf8")).toMatch(/DATA_DIR_IN_USE/);

    // Killed outright, it leaves its lock behind; the next start sees the process is gone.
    await first.stop("SIGKILL");
    const second = await startServe({dataDir});
    servers.push(second);
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
    expect((await second.stop("SIGTERM")).code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });
});
