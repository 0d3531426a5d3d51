import {randomUUID} from "node:crypto";
import {EventEmitter} from "node:events";
import type {FileProgress, ImportJob, JobState} from "../../../shared/knowledge.js";

export type ImportJobWarning = ImportJob["warnings"][number];

/** What listeners of onProgress receive: one file's new state, a job-level warning, or a job's end. */
export type ImportEvent =
  | {type: "file"; jobId: string; index: number; file: FileProgress}
  | {type: "warning"; jobId: string; warning: ImportJobWarning}
  | {type: "job"; jobId: string; state: JobState; counts: ImportJob["counts"]};

export type ImportEventListener = (event: ImportEvent) => void;

interface JobEntry {
  job: ImportJob;
  controller: AbortController;
  finished: Promise<ImportJob>;
  resolve: (job: ImportJob) => void;
}

const FINISHED_JOBS_KEPT = 50;
const FINAL_STATES = new Set<FileProgress["state"]>(["done", "skipped", "failed", "cancelled"]);

function cloneJob(job: ImportJob): ImportJob {
  return structuredClone(job);
}

/**
 * In-memory registry of import jobs: their files' states, counts, cancellation and progress events.
 * `counts.queued` counts every file not finished yet (queued or in progress).
 */
export class ImportJobs {
  private readonly entries = new Map<string, JobEntry>();
  private readonly events = new EventEmitter();

  create(paths: string[], warnings: ImportJobWarning[] = [], origin = "import"): {job: ImportJob; signal: AbortSignal} {
    const job: ImportJob = {
      id: randomUUID(),
      state: "running",
      origin,
      createdAt: new Date().toISOString(),
      finishedAt: null,
      files: paths.map((path) => ({path, state: "queued"})),
      warnings: [...warnings],
      counts: {queued: paths.length, done: 0, skipped: 0, failed: 0, cancelled: 0},
    };
    let resolve!: (job: ImportJob) => void;
    const finished = new Promise<ImportJob>((r) => (resolve = r));
    const controller = new AbortController();
    this.entries.set(job.id, {job, controller, finished, resolve});
    this.prune();
    job.files.forEach((file, index) => this.emit({type: "file", jobId: job.id, index, file: {...file}}));
    for (const warning of warnings) this.emit({type: "warning", jobId: job.id, warning});
    return {job: cloneJob(job), signal: controller.signal};
  }

  /** Replaces one file's progress (fields not given are dropped, so stale numbers never linger). */
  update(jobId: string, index: number, progress: Omit<FileProgress, "path">): void {
    const entry = this.entries.get(jobId);
    if (!entry) return;
    const file: FileProgress = {path: entry.job.files[index].path, ...progress};
    entry.job.files[index] = file;
    this.recount(entry.job);
    this.emit({type: "file", jobId, index, file: {...file}});
  }

  warn(jobId: string, warning: ImportJobWarning): void {
    const entry = this.entries.get(jobId);
    if (!entry) return;
    entry.job.warnings.push(warning);
    this.emit({type: "warning", jobId, warning});
  }

  /** Marks files that never finished as cancelled (when cancelled) and ends the job. */
  finish(jobId: string, state: JobState): void {
    const entry = this.entries.get(jobId);
    if (!entry || entry.job.state !== "running") return;
    entry.job.files.forEach((file, index) => {
      if (!FINAL_STATES.has(file.state)) this.update(jobId, index, {state: "cancelled"});
    });
    entry.job.state = state;
    entry.job.finishedAt = new Date().toISOString();
    this.emit({type: "job", jobId, state, counts: {...entry.job.counts}});
    entry.resolve(cloneJob(entry.job));
  }

  get(jobId: string): ImportJob | null {
    const entry = this.entries.get(jobId);
    return entry ? cloneJob(entry.job) : null;
  }

  list(): ImportJob[] {
    return [...this.entries.values()].map((entry) => cloneJob(entry.job)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Resolves with the job once it has finished. */
  wait(jobId: string): Promise<ImportJob> | null {
    return this.entries.get(jobId)?.finished ?? null;
  }

  cancel(jobId: string): boolean {
    const entry = this.entries.get(jobId);
    if (!entry || entry.job.state !== "running") return false;
    entry.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const entry of this.entries.values()) if (entry.job.state === "running") entry.controller.abort();
  }

  running(): Promise<ImportJob>[] {
    return [...this.entries.values()].filter((entry) => entry.job.state === "running").map((entry) => entry.finished);
  }

  onEvent(listener: ImportEventListener): () => void {
    this.events.on("event", listener);
    return () => this.events.off("event", listener);
  }

  private emit(event: ImportEvent): void {
    // A throwing listener must not break the import that reported progress.
    for (const listener of this.events.listeners("event") as ImportEventListener[]) {
      try {
        listener(event);
      } catch {
        // ignored on purpose
      }
    }
  }

  private recount(job: ImportJob): void {
    const counts = {queued: 0, done: 0, skipped: 0, failed: 0, cancelled: 0};
    for (const file of job.files) {
      if (file.state === "done" || file.state === "skipped" || file.state === "failed" || file.state === "cancelled") counts[file.state]++;
      else counts.queued++;
    }
    job.counts = counts;
  }

  private prune(): void {
    const finished = [...this.entries.values()].filter((entry) => entry.job.state !== "running");
    finished.sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt));
    for (const entry of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) this.entries.delete(entry.job.id);
  }
}
