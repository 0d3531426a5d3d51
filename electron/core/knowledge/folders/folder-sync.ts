import path from "node:path";
import {toErrorInfo} from "../../../../shared/errors.js";
import type {FileProgress, WatchedFolder} from "../../../../shared/knowledge.js";
import type {KnowledgeDocumentInfo, KnowledgeService} from "../knowledge-service.js";
import type {FolderRecord} from "./folder-registry.js";
import {checkReadable, checkRoot, fileStamp, hashFile, scanFolder, type FileStamp, type ScanProblem} from "./folder-scan.js";
import {watchFolder, type FolderWatch} from "./folder-watcher.js";
import {inIgnoredFolder, isInside, isSyncedFile} from "./sync-filter.js";
import {titleFromFileName} from "../parsing/file-name.js";

/** The origin of documents that came from a watched folder; their folder is the one whose path holds them. */
export const FOLDER_ORIGIN = "folder";

export type FolderKnowledge = Pick<KnowledgeService, "importPaths" | "waitForJob" | "cancelJob" | "listDocuments" | "deleteDocuments" | "moveDocuments">;

export interface FolderTiming {
  /** Quiet time after the last change before it is synced (a file still being written keeps moving it). */
  settleMs: number;
  /** A folder that never goes quiet is still synced this often. */
  maxWaitMs: number;
  /** How often a missing or unreadable folder is looked for. */
  reappearPollMs: number;
  /** Full rescans while change notifications are not working. */
  fallbackRescanMs: number;
  /** A pass that failed for another reason (the store not answering) is tried again this much later. */
  retryMs: number;
}

/** How many failed and left-out files a folder's view lists (the counts cover all of them). */
const LISTED_FILES = 100;

/** A file with no text of its own (empty, a picture without words, a page that only points elsewhere): left out, not failed. */
function hasNothingToImport(doc: KnowledgeDocumentInfo): boolean {
  return doc.status === "failed" && doc.error?.code === "FILE_EMPTY";
}

export const DEFAULT_FOLDER_TIMING: FolderTiming = {settleMs: 1_000, maxWaitMs: 10_000, reappearPollMs: 3_000, fallbackRescanMs: 60_000, retryMs: 30_000};

export interface FolderSyncDeps {
  knowledge: FolderKnowledge;
  record: () => FolderRecord;
  /** Saves when the folder last matched the knowledge base. */
  remember: (change: Pick<FolderRecord, "lastSyncAt"> & Partial<Pick<FolderRecord, "lastScanAt">>) => void;
  /** Called whenever the state or counts change (the service emits the event). */
  announce: () => void;
  log: (message: string) => void;
  /** Files larger than this fail with FILE_TOO_LARGE without being read; they are not retried until they change. */
  maxFileBytes: () => number;
  /** Files per import job. */
  maxBatchFiles: () => number;
  timing: FolderTiming;
}

type State = WatchedFolder["state"];

/**
 * Keeps one folder and the knowledge base alike. Changes reported by the watcher collect as dirty
 * paths and are synced once the folder has been quiet for `settleMs`; a full scan (start, resume,
 * sleep, Rescan) compares every file. Either way the same reconcile runs: a file whose content (by
 * SHA-256) is the document's is left alone, a new or changed one is imported (replacing its
 * document), a document whose file is gone is deleted. One pass runs at a time; changes arriving
 * meanwhile are taken by the next.
 */
export class FolderSync {
  private state: State = "scanning";
  private error: {code: string; message: string} | null = null;
  private unreadable: ScanProblem[] = [];
  /** Synced files present in the folder, with the stamp they had when last compared. */
  private readonly known = new Map<string, FileStamp>();
  /** Stamps at which a file was found to match its document, so an unchanged file is not hashed again. */
  private readonly matched = new Map<string, FileStamp>();
  private readonly dirty = new Set<string>();
  private fullScanDue = false;
  private firstDirtyAt = 0;
  private settleTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private fallbackTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private watcher: FolderWatch | null = null;
  private running: Promise<void> | null = null;
  private currentJob: string | null = null;
  private active = false;

  constructor(private readonly deps: FolderSyncDeps) {}

  get root(): string {
    return this.deps.record().path;
  }

  /** Starts watching and runs a full scan. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.error = null;
    this.setState("scanning");
    this.watchThenScan();
  }

  /** Stops watching; an import in progress is cancelled (its file keeps its previous document). */
  async stop(state: State = "paused"): Promise<void> {
    this.active = false;
    this.clearTimers();
    const watcher = this.watcher;
    this.watcher = null;
    if (this.currentJob) this.deps.knowledge.cancelJob(this.currentJob);
    await watcher?.close().catch(() => undefined);
    await this.running?.catch(() => undefined);
    this.dirty.clear();
    this.fullScanDue = false;
    this.setState(state);
  }

  /** Compares every file now (Rescan, after sleep); ignored while paused. */
  rescan(): void {
    if (!this.active) return;
    if (this.state === "missing" || (this.state === "error" && this.error?.code === "FOLDER_UNREADABLE")) {
      void this.lookForRoot();
      return;
    }
    this.fullScanDue = true;
    this.kick();
  }

  /** Resolves once nothing is pending or running (tests, and removal). */
  async whenIdle(): Promise<void> {
    while (this.running || this.settleTimer || (this.active && (this.dirty.size > 0 || this.fullScanDue))) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, 50)));
    }
  }

  /** The documents this folder owns: imported by a folder sync, from a path inside it. */
  documents(): KnowledgeDocumentInfo[] {
    const root = this.root;
    return this.deps.knowledge.listDocuments().filter((doc) => doc.origin === FOLDER_ORIGIN && isInside(root, doc.sourcePath));
  }

  view(): WatchedFolder {
    const record = this.deps.record();
    const docs = this.documents();
    const notImported = docs.filter((doc) => doc.status === "failed");
    const leftOut = notImported.filter(hasNothingToImport);
    const failed = notImported.filter((doc) => !hasNothingToImport(doc));
    const problem = (doc: KnowledgeDocumentInfo) => ({path: doc.sourcePath, code: doc.error?.code ?? "INTERNAL", message: doc.error?.message ?? "This file could not be imported."});
    const errors = [...this.unreadable, ...failed.map(problem)].slice(0, LISTED_FILES);
    return {
      id: record.id,
      path: record.path,
      collection: record.collection,
      state: this.state,
      paused: record.paused,
      files: this.known.size,
      documents: docs.length - notImported.length,
      failed: failed.length,
      leftOutCount: leftOut.length,
      pending: this.dirty.size + (this.fullScanDue ? 1 : 0),
      addedAt: record.addedAt,
      lastSyncAt: record.lastSyncAt,
      lastScanAt: record.lastScanAt,
      error: this.error,
      errors,
      leftOut: leftOut.slice(0, LISTED_FILES).map(problem),
    };
  }

  // ---- watching ------------------------------------------------------------------------------

  private watchThenScan(): void {
    const root = this.root;
    const watcher = watchFolder(root, {
      onChange: (changed, kind) => this.noteChange(changed, kind),
      onRootGone: () => {
        this.fullScanDue = true;
        this.kick();
      },
      onError: (error) => this.watchFailed(error),
    });
    this.watcher = watcher;
    // Changes during the first scan are noted by the watcher and synced after it.
    void watcher.ready.then(() => {
      if (this.watcher !== watcher || !this.active) return;
      this.fullScanDue = true;
      this.kick(true);
    });
  }

  private noteChange(changed: string, kind: "file" | "folder"): void {
    if (!this.active) return;
    const root = this.root;
    if (kind === "file" && (!isSyncedFile(path.basename(changed)) || inIgnoredFolder(root, changed))) return;
    if (this.dirty.size === 0) this.firstDirtyAt = Date.now();
    this.dirty.add(changed);
    this.schedule();
    // Announced when changes start to wait, not per event: a burst of 500 files is one update.
    if (this.dirty.size === 1) this.deps.announce();
  }

  private watchFailed(error: Error): void {
    this.deps.log(`watching ${this.root} failed: ${error.message}`);
    this.error = {
      code: "WATCH_FAILED",
      message: `Changes in this folder are not reported by the system (${(error as NodeJS.ErrnoException).code ?? error.message}); it is rescanned every minute instead.`,
    };
    if (!this.fallbackTimer && this.active) {
      this.fallbackTimer = setInterval(() => this.rescan(), this.deps.timing.fallbackRescanMs);
      this.fallbackTimer.unref();
    }
    this.deps.announce();
  }

  /** Waits for the folder to go quiet, but never longer than maxWaitMs after the first change. */
  private schedule(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    const {settleMs, maxWaitMs} = this.deps.timing;
    const delay = Math.max(0, Math.min(settleMs, this.firstDirtyAt + maxWaitMs - Date.now()));
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.kick();
    }, delay);
  }

  /** Runs passes until nothing is due; one at a time. */
  private kick(now = false): void {
    if (!this.active || this.running) return;
    if (this.settleTimer && !now) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      // A change that arrived during the last pass and already settled.
      if (this.active && !this.settleTimer && (this.dirty.size > 0 || this.fullScanDue)) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.active && (this.fullScanDue || this.dirty.size > 0)) {
      try {
        if (this.fullScanDue) {
          this.fullScanDue = false;
          this.dirty.clear();
          await this.fullScan();
        } else {
          const paths = [...this.dirty];
          this.dirty.clear();
          await this.syncPaths(paths);
        }
      } catch (error) {
        if (!this.active) return;
        const info = toErrorInfo(error);
        if (info.code === "FOLDER_MISSING" || info.code === "FOLDER_UNREADABLE") {
          await this.rootLost(info);
          return;
        }
        this.deps.log(`syncing ${this.root} failed: ${info.message}`);
        this.error = {code: info.code, message: info.message};
        this.setState("error");
        // E.g. the knowledge base's storage not answering: the changes taken for this pass are
        // found again by a full scan a little later.
        if (!this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.rescan();
          }, this.deps.timing.retryMs);
          this.retryTimer.unref();
        }
        return;
      }
    }
  }

  // ---- a missing or unreadable folder ----------------------------------------------------------

  /** Documents are kept (a drive that is not connected is not an instruction to delete); polling takes over. */
  private async rootLost(info: {code: string; message: string}): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close().catch(() => undefined);
    this.error = {code: info.code, message: info.message};
    this.dirty.clear();
    this.setState(info.code === "FOLDER_MISSING" ? "missing" : "error");
    if (!this.pollTimer && this.active) {
      this.pollTimer = setInterval(() => void this.lookForRoot(), this.deps.timing.reappearPollMs);
      this.pollTimer.unref();
    }
  }

  private async lookForRoot(): Promise<void> {
    if (!this.active || this.running) return;
    try {
      await checkReadable(this.root);
    } catch {
      return;
    }
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.error = null;
    this.setState("scanning");
    this.watchThenScan();
  }

  // ---- passes --------------------------------------------------------------------------------

  private async fullScan(): Promise<void> {
    this.setState("scanning");
    const root = this.root;
    await checkRoot(root);
    const scan = await scanFolder(root);
    this.unreadable = scan.unreadable;
    this.known.clear();
    for (const [file, stamp] of scan.files) this.known.set(file, stamp);
    for (const file of this.matched.keys()) if (!scan.files.has(file)) this.matched.delete(file);
    const candidates = new Set<string>([...scan.files.keys(), ...this.documents().map((doc) => doc.sourcePath)]);
    await this.reconcile(candidates, scan.files);
    if (!this.active) return;
    const now = new Date().toISOString();
    this.deps.remember({lastSyncAt: now, lastScanAt: now});
    this.settled();
  }

  private async syncPaths(changed: string[]): Promise<void> {
    this.setState("syncing");
    const root = this.root;
    await checkRoot(root);
    const candidates = new Set<string>();
    const current = new Map<string, FileStamp>();
    const owned = this.documents().map((doc) => doc.sourcePath);
    for (const entry of changed) {
      const stamp = await fileStamp(entry);
      if (stamp) {
        if (isSyncedFile(path.basename(entry)) && !inIgnoredFolder(root, entry)) {
          candidates.add(entry);
          current.set(entry, stamp);
        }
        continue;
      }
      // A folder that appeared: everything in it. One that went (or a file that went): everything known under it.
      const subtree = await scanFolder(root, entry).catch(() => null);
      if (subtree) {
        for (const [file, fileStampNow] of subtree.files) {
          candidates.add(file);
          current.set(file, fileStampNow);
        }
        this.unreadable = [...this.unreadable.filter((problem) => !isInside(entry, problem.path)), ...subtree.unreadable];
      }
      candidates.add(entry);
      for (const file of [...this.known.keys(), ...owned]) if (isInside(entry, file)) candidates.add(file);
    }
    for (const file of candidates) {
      const stamp = current.get(file);
      if (stamp) this.known.set(file, stamp);
      else {
        this.known.delete(file);
        this.matched.delete(file);
      }
    }
    await this.reconcile(candidates, current);
    if (!this.active) return;
    this.deps.remember({lastSyncAt: new Date().toISOString()});
    this.settled();
  }

  private settled(): void {
    if (this.error?.code !== "WATCH_FAILED") this.error = null;
    this.setState(this.dirty.size > 0 || this.fullScanDue ? "syncing" : "watching");
  }

  /**
   * Makes the documents of `candidates` match `present` (the files there now, with their stamps):
   * deletes documents of files that are gone, imports files that are new or whose content differs.
   * Documents under a sub-folder that could not be read are left as they are.
   */
  private async reconcile(candidates: Set<string>, present: Map<string, FileStamp>): Promise<void> {
    const byPath = new Map<string, KnowledgeDocumentInfo[]>();
    for (const doc of this.documents()) byPath.set(doc.sourcePath, [...(byPath.get(doc.sourcePath) ?? []), doc]);
    const toImport: string[] = [];
    const toDelete: KnowledgeDocumentInfo[] = [];
    for (const file of candidates) {
      if (!this.active) return;
      const docs = byPath.get(file) ?? [];
      const stamp = present.get(file);
      if (!stamp) {
        if (!this.unreadable.some((problem) => isInside(problem.path, file))) toDelete.push(...docs);
        continue;
      }
      if (docs.length === 1 && (await this.unchanged(file, stamp, docs[0]))) continue;
      toImport.push(file);
    }
    if (!this.active) return;
    await this.followMoves(toDelete, toImport, byPath, present);
    if (!this.active) return;
    if (toDelete.length > 0) {
      await this.deps.knowledge.deleteDocuments(toDelete.map((doc) => doc.id));
      for (const doc of toDelete) this.matched.delete(doc.sourcePath);
      this.deps.announce();
    }
    const batch = Math.max(1, this.deps.maxBatchFiles());
    for (let start = 0; start < toImport.length && this.active; start += batch) await this.importBatch(toImport.slice(start, start + batch), present);
  }

  /**
   * A new file with the content of a document whose file is gone was renamed or moved within the
   * folder: the document follows it (new path, and new title when the title was the file name)
   * instead of being deleted and its file parsed and embedded again. Only new files of a gone
   * document's size are hashed. Both lists are updated in place; if the move fails, they are left
   * as they were and the files are imported afresh.
   */
  private async followMoves(toDelete: KnowledgeDocumentInfo[], toImport: string[], byPath: Map<string, KnowledgeDocumentInfo[]>, present: Map<string, FileStamp>): Promise<void> {
    // Gone documents by file size: a new file of another size cannot hold the same content.
    const gone = new Map<number, KnowledgeDocumentInfo[]>();
    for (const doc of toDelete) if (doc.status === "ready" && doc.sha256 !== "") gone.set(doc.sizeBytes, [...(gone.get(doc.sizeBytes) ?? []), doc]);
    if (gone.size === 0) return;
    const moves: {doc: KnowledgeDocumentInfo; file: string}[] = [];
    for (const file of toImport) {
      if (!this.active) return;
      const stamp = present.get(file);
      const sameSize = stamp ? gone.get(stamp.size) : undefined;
      if (!sameSize?.length || (byPath.get(file) ?? []).length > 0) continue;
      const sha256 = await hashFile(file);
      const index = sameSize.findIndex((doc) => doc.sha256 === sha256);
      if (index < 0) continue;
      moves.push({doc: sameSize[index], file});
      sameSize.splice(index, 1);
    }
    if (moves.length === 0 || !this.active) return;
    try {
      await this.deps.knowledge.moveDocuments(moves.map(({doc, file}) => ({id: doc.id, sourcePath: file, title: titleAfterMove(doc, file)})));
    } catch {
      return;
    }
    const movedDocs = new Set(moves.map((move) => move.doc));
    const movedFiles = new Set(moves.map((move) => move.file));
    toDelete.splice(0, toDelete.length, ...toDelete.filter((doc) => !movedDocs.has(doc)));
    toImport.splice(0, toImport.length, ...toImport.filter((file) => !movedFiles.has(file)));
    for (const {doc, file} of moves) {
      this.matched.delete(doc.sourcePath);
      this.matched.set(file, present.get(file)!);
    }
    this.deps.announce();
  }

  private async unchanged(file: string, stamp: FileStamp, doc: KnowledgeDocumentInfo): Promise<boolean> {
    const same = (a: FileStamp | undefined) => a !== undefined && a.size === stamp.size && a.mtimeMs === stamp.mtimeMs && a.ctimeMs === stamp.ctimeMs;
    if (same(this.matched.get(file))) return true;
    // A file that could not be read, or was too large to read, failed without a digest: tried again once it changes.
    if (doc.status === "failed" && doc.sha256 === "") return same(this.failedStamps.get(file));
    const sha256 = stamp.size > this.deps.maxFileBytes() ? null : await hashFile(file);
    if (sha256 === null || doc.sha256 !== sha256) return false;
    this.matched.set(file, stamp);
    return true;
  }

  /** Stamps of files whose import failed without a digest, so they are not imported again on every pass. */
  private readonly failedStamps = new Map<string, FileStamp>();

  private async importBatch(files: string[], present: Map<string, FileStamp>): Promise<void> {
    const record = this.deps.record();
    const job = await this.deps.knowledge.importPaths(files, {collection: record.collection, origin: FOLDER_ORIGIN, dedupe: "path", confineTo: record.path});
    this.currentJob = job.id;
    let finished;
    try {
      finished = await this.deps.knowledge.waitForJob(job.id);
    } finally {
      this.currentJob = null;
    }
    // One document per file: the one this import made or kept; a failure replaces the file's older version too.
    const docs = this.documents();
    for (const progress of finished.files) await this.keepOnly(progress, docs, present);
    this.deps.announce();
  }

  private async keepOnly(progress: FileProgress, docs: KnowledgeDocumentInfo[], present: Map<string, FileStamp>): Promise<void> {
    const atPath = docs.filter((doc) => doc.sourcePath === progress.path);
    let keep: KnowledgeDocumentInfo | undefined;
    if ((progress.state === "done" || progress.state === "skipped") && progress.documentId) keep = atPath.find((doc) => doc.id === progress.documentId);
    else if (progress.state === "failed") keep = atPath.filter((doc) => doc.status === "failed").sort((a, b) => b.importedAt.localeCompare(a.importedAt))[0];
    if (!keep) return;
    const older = atPath.filter((doc) => doc.id !== keep.id).map((doc) => doc.id);
    if (older.length > 0) await this.deps.knowledge.deleteDocuments(older);
    const stamp = present.get(progress.path);
    if (!stamp) return;
    if (keep.status === "failed" && keep.sha256 === "") this.failedStamps.set(progress.path, stamp);
    else this.matched.set(progress.path, stamp);
  }

  // ---- state ---------------------------------------------------------------------------------

  private setState(state: State): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.announce();
  }

  private clearTimers(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.fallbackTimer) clearInterval(this.fallbackTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.settleTimer = this.pollTimer = this.fallbackTimer = this.retryTimer = null;
  }
}

/** The title a moved document should have: the new file name when its title was the old one's. */
export function titleAfterMove(doc: Pick<KnowledgeDocumentInfo, "title" | "sourcePath">, newPath: string): string | undefined {
  const oldName = path.basename(doc.sourcePath);
  if (doc.title === oldName) return path.basename(newPath);
  if (doc.title === titleFromFileName(oldName)) return titleFromFileName(path.basename(newPath));
  return undefined;
}
