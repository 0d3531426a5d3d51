import {randomUUID} from "node:crypto";
import {realpath, stat} from "node:fs/promises";
import path from "node:path";
import type {EventSink} from "../../../../shared/contract.js";
import {DesksideError} from "../../../../shared/errors.js";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import type {FolderRegistry} from "./folder-registry.js";
import {DEFAULT_FOLDER_TIMING, FolderSync, type FolderKnowledge, type FolderTiming} from "./folder-sync.js";
import {isInside} from "./sync-filter.js";

export interface WatchedFoldersDeps {
  knowledge: FolderKnowledge;
  registry: FolderRegistry;
  events: EventSink<"knowledge.folder" | "app.notice">;
  log: {warn(message: string): void};
  /** The app's data folder: watching it (or a folder holding it) would import Deskside's own files. */
  dataDir: string;
  /** The per-file size limit (knowledge.maxFileSizeMb) in bytes. */
  maxFileBytes: () => number;
  /** Files per import job (knowledge.maxBatchFiles). */
  maxBatchFiles: () => number;
  timing?: Partial<FolderTiming>;
  /** How often the clock is checked for a sleep (a jump of more than 30 s over it starts a rescan). */
  sleepCheckMs?: number;
  /**
   * Every folder is compared in full this often (default 10 minutes): network shares (SMB, NFS) do not
   * report changes made from other computers. Cheap: files whose size and time are as last synced are
   * not read again.
   */
  periodicRescanMs?: number;
}

/**
 * The watched folders: added, paused, resumed and removed here, each kept in sync by its own
 * FolderSync. On start every folder that is not paused gets a full rescan, so what changed while
 * Deskside was closed is picked up; so does every folder after the machine wakes from sleep (seen as
 * a jump of the wall clock between two timer ticks), and every 10 minutes.
 */
export class WatchedFolders {
  private readonly syncs = new Map<string, FolderSync>();
  private readonly timing: FolderTiming;
  private sleepTimer: NodeJS.Timeout | null = null;
  private periodicTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly deps: WatchedFoldersDeps) {
    this.timing = {...DEFAULT_FOLDER_TIMING, ...deps.timing};
  }

  /** Starts every folder that is not paused (in the background) and the sleep check. */
  start(): void {
    if (this.deps.registry.warning) {
      this.deps.log.warn(this.deps.registry.warning);
      this.deps.events.emit("app.notice", {level: "warning", code: "SETTINGS_CORRUPT", message: this.deps.registry.warning});
    }
    for (const record of this.deps.registry.list()) {
      const sync = this.syncFor(record.id);
      if (record.paused) void sync.stop("paused");
      else sync.start();
    }
    this.watchForSleep();
    this.periodicTimer = setInterval(() => this.rescanAll(), this.deps.periodicRescanMs ?? 10 * 60_000);
    this.periodicTimer.unref();
  }

  list(): WatchedFolder[] {
    return [...this.syncs.values()].map((sync) => sync.view());
  }

  get(id: string): WatchedFolder {
    return this.syncOf(id).view();
  }

  async add(folder: string, collection: string | null = null): Promise<WatchedFolder> {
    this.assertOpen();
    const resolved = await this.resolveFolder(folder);
    for (const other of this.deps.registry.list()) {
      if (isInside(other.path, resolved) || isInside(resolved, other.path))
        throw new DesksideError(
          "FOLDER_ALREADY_WATCHED",
          other.path === resolved ? "This folder is already watched." : "A folder inside this one, or one holding it, is already watched; remove that one first or pick another folder.",
          {details: {folderId: other.id}},
        );
    }
    const dataDir = path.resolve(this.deps.dataDir);
    if (isInside(resolved, dataDir) || isInside(dataDir, resolved))
      throw new DesksideError("FOLDER_ALREADY_WATCHED", "This folder holds Deskside's own data folder (or is inside it), which cannot be watched as documents.");
    const record = {id: randomUUID(), path: resolved, collection: collection || null, paused: false, addedAt: new Date().toISOString(), lastSyncAt: null, lastScanAt: null};
    this.deps.registry.add(record);
    const sync = this.syncFor(record.id);
    sync.start();
    return sync.view();
  }

  async setPaused(id: string, paused: boolean): Promise<WatchedFolder> {
    const sync = this.syncOf(id);
    this.deps.registry.update(id, {paused});
    if (paused) await sync.stop("paused");
    else sync.start();
    this.announce(id);
    return sync.view();
  }

  rescan(id: string): WatchedFolder {
    const sync = this.syncOf(id);
    sync.rescan();
    return sync.view();
  }

  /** Stops watching; deletes the folder's documents unless `keepDocuments`. Returns how many were deleted. */
  async remove(id: string, keepDocuments: boolean): Promise<number> {
    const sync = this.syncOf(id);
    const last = sync.view();
    await sync.stop("paused");
    // Listed while the record still names the folder's path.
    const documents = sync.documents();
    this.syncs.delete(id);
    this.deps.registry.remove(id);
    const deleted = keepDocuments ? 0 : await this.deps.knowledge.deleteDocuments(documents.map((doc) => doc.id));
    this.deps.events.emit("knowledge.folder", {...last, removed: true});
    return deleted;
  }

  /** Every folder compares all its files again (after a sleep; the desktop app also calls it when the system resumes). */
  rescanAll(): void {
    for (const sync of this.syncs.values()) sync.rescan();
  }

  /** Resolves once the folder has nothing pending (tests; a script that adds a folder and then searches). */
  whenIdle(id: string): Promise<void> {
    return this.syncOf(id).whenIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sleepTimer) clearInterval(this.sleepTimer);
    if (this.periodicTimer) clearInterval(this.periodicTimer);
    await Promise.all([...this.syncs.values()].map((sync) => sync.stop("paused")));
  }

  private syncFor(id: string): FolderSync {
    const sync = new FolderSync({
      knowledge: this.deps.knowledge,
      record: () => this.deps.registry.get(id) ?? {id, path: "", collection: null, paused: true, addedAt: "", lastSyncAt: null, lastScanAt: null},
      remember: (change) => this.deps.registry.update(id, change),
      announce: () => this.announce(id),
      log: (message) => this.deps.log.warn(message),
      maxFileBytes: this.deps.maxFileBytes,
      maxBatchFiles: this.deps.maxBatchFiles,
      timing: this.timing,
    });
    this.syncs.set(id, sync);
    return sync;
  }

  private syncOf(id: string): FolderSync {
    const sync = this.syncs.get(id);
    if (!sync) throw new DesksideError("NOT_FOUND", "That folder is not watched.");
    return sync;
  }

  private announce(id: string): void {
    const sync = this.syncs.get(id);
    if (sync && !this.closed) this.deps.events.emit("knowledge.folder", sync.view());
  }

  private async resolveFolder(folder: string): Promise<string> {
    const notFound = () => new DesksideError("FOLDER_NOT_FOUND", "There is no folder at this path on the computer running Deskside.");
    if (!path.isAbsolute(folder)) throw new DesksideError("INVALID_INPUT", "Give the folder's full path (for example /srv/runbooks or C:\\Runbooks).");
    let resolved: string;
    try {
      resolved = await realpath(folder);
    } catch {
      throw notFound();
    }
    const info = await stat(resolved).catch(() => null);
    if (!info?.isDirectory()) throw notFound();
    return resolved;
  }

  private watchForSleep(): void {
    const every = this.deps.sleepCheckMs ?? 10_000;
    let last = Date.now();
    this.sleepTimer = setInterval(() => {
      const now = Date.now();
      if (now - last > every + 30_000) this.rescanAll();
      last = now;
    }, every);
    this.sleepTimer.unref();
  }

  private assertOpen(): void {
    if (this.closed) throw new DesksideError("INTERNAL", "Deskside is shutting down.");
  }
}
