import {randomUUID} from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {DesksideError} from "../../shared/errors.js";

/**
 * One Deskside process per data folder. The desktop app and `npm run serve` share the folder by
 * design, but two processes writing one knowledge base undo each other's work (the second one's
 * crash recovery deletes the chunks the first is writing). The holder keeps `deskside.lock` in the
 * folder and touches it every few seconds; a lock whose holder is gone (its process no longer
 * exists on this machine) or whose heartbeat stopped long ago is stale and is taken over.
 */

export const LOCK_FILE = "deskside.lock";

export interface LockHolder {
  pid: number;
  hostname: string;
  /** "desktop app", "headless server", "doctor". */
  owner: string;
  startedAt: string;
  /** Tells this holder's lock from a later one written at the same path. */
  token: string;
}

export interface DataDirLockOptions {
  /** Who holds it, for the message the next process shows. */
  owner: string;
  /** How often the holder touches the lock. Default 5 s. */
  heartbeatMs?: number;
  /** A lock untouched this long counts as abandoned even when its process cannot be checked. Default 30 s. */
  staleMs?: number;
  /** Called if another process took the lock over (this one stalled past `staleMs`). */
  onLost?: (holder: LockHolder | null) => void;
}

export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): void;
}

const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_STALE_MS = 30_000;
/** A lock is written right after it is created; one still unreadable after this is not being written. */
const WRITE_GRACE_MS = 2_000;

/** Takes the data folder's lock or throws DATA_DIR_IN_USE naming the process that holds it. */
export function acquireDataDirLock(dataDir: string, options: DataDirLockOptions): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const holder: LockHolder = {pid: process.pid, hostname: os.hostname(), owner: options.owner, startedAt: new Date().toISOString(), token: randomUUID()};
  fs.mkdirSync(dataDir, {recursive: true});

  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, holder)) break;
    const current = readLock(file);
    if (current && !isStale(current, staleMs)) throw inUse(dataDir, current.holder);
    if (attempt >= 3 || !takeOverStale(file, current?.holder ?? null)) {
      const now = readLock(file);
      throw inUse(dataDir, now?.holder ?? null);
    }
  }
  return holdLock(file, holder, options);
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new DesksideError("STORE_ERROR", `The data folder ${path.dirname(file)} cannot be written to (${(error as NodeJS.ErrnoException).code ?? "error"}); check its permissions.`, {
      cause: error,
    });
  }
  try {
    fs.writeSync(fd, JSON.stringify(holder));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The lock's holder (null while it is being written or when damaged) and when it was last touched. */
function readLock(file: string): {holder: LockHolder | null; touchedMs: number} | null {
  let touchedMs: number;
  try {
    touchedMs = fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LockHolder>;
    const valid = typeof parsed.pid === "number" && typeof parsed.hostname === "string" && typeof parsed.token === "string";
    return {holder: valid ? (parsed as LockHolder) : null, touchedMs};
  } catch {
    return {holder: null, touchedMs};
  }
}

function isStale(lock: {holder: LockHolder | null; touchedMs: number}, staleMs: number): boolean {
  const age = Date.now() - lock.touchedMs;
  if (age > staleMs) return true;
  const holder = lock.holder;
  // An empty or damaged lock may be one being written this instant; after a moment it is debris.
  if (!holder) return age > WRITE_GRACE_MS;
  if (holder.hostname !== os.hostname()) return false;
  return !processExists(holder.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves a stale lock out of the way. Renaming is atomic, so of two processes taking over at once
 * one wins; if what was moved turns out to be a fresh lock (another process took over first), it
 * is put back.
 */
function takeOverStale(file: string, stale: LockHolder | null): boolean {
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return true; // gone already: try to create it again
  }
  const moved = readLock(aside)?.holder ?? null;
  if (stale && moved && moved.token !== stale.token) {
    try {
      fs.renameSync(aside, file);
    } catch {
      // the other process's lock is lost either way; it notices at its next heartbeat
    }
    return false;
  }
  fs.rmSync(aside, {force: true});
  return true;
}

function holdLock(file: string, holder: LockHolder, options: DataDirLockOptions): DataDirLock {
  let released = false;
  const heartbeat = setInterval(() => {
    const current = readLock(file);
    if (current?.holder && current.holder.token !== holder.token) {
      clearInterval(heartbeat);
      options.onLost?.(current.holder);
      return;
    }
    try {
      if (!current) tryCreate(file, holder);
      else {
        const now = new Date();
        fs.utimesSync(file, now, now);
      }
    } catch {
      // a full or read-only disk: the next beat tries again
    }
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  const release = (): void => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.removeListener("exit", release);
    if (readLock(file)?.holder?.token === holder.token) fs.rmSync(file, {force: true});
  };
  // A normal exit without close() still frees the folder; a kill leaves a lock whose process is gone.
  process.once("exit", release);
  return {file, holder, release};
}

function inUse(dataDir: string, holder: LockHolder | null): DesksideError {
  const who = holder
    ? `${holder.owner || "another Deskside"} (process ${holder.pid}${holder.hostname !== os.hostname() ? ` on ${holder.hostname}` : ""}, started ${holder.startedAt})`
    : "another Deskside process";
  return new DesksideError(
    "DATA_DIR_IN_USE",
    `The data folder ${dataDir} is in use by ${who}. Close that one first, or start this one with its own folder (DESKSIDE_DATA_DIR or --data-dir).`,
    {details: holder ? {pid: holder.pid, owner: holder.owner, startedAt: holder.startedAt} : undefined},
  );
}
