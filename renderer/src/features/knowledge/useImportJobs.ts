import {useCallback, useEffect, useRef, useState} from "react";
import type {EventMap} from "../../../../shared/contract.js";
import type {FileProgress, ImportJob} from "../../../../shared/knowledge.js";
import {useClient, useEvent} from "../../client/context.js";
import {useResync} from "../../shell/connection.js";

/** A job known only from a progress event so far; its createdAt comes with the first full copy. */
function emptyJob(id: string, state: ImportJob["state"], counts: ImportJob["counts"]): ImportJob {
  return {id, state, createdAt: "", finishedAt: null, files: [], warnings: [], counts};
}

function withFile(files: FileProgress[], file: FileProgress): FileProgress[] {
  const index = files.findIndex((existing) => existing.path === file.path);
  if (index === -1) return [...files, file];
  const next = files.slice();
  next[index] = file;
  return next;
}

const settled = (job: Pick<ImportJob, "state">) => job.state !== "running";
const progressed = (counts: ImportJob["counts"]) => counts.done + counts.skipped + counts.failed + counts.cancelled;

/**
 * Which of two copies of a job is newer. A job only moves forward: from running to an end state,
 * and from fewer finished files to more. Ties go to `b`, the copy that arrived last.
 */
export function newerJob(a: ImportJob, b: ImportJob): ImportJob {
  if (settled(a) !== settled(b)) return settled(a) ? a : b;
  return progressed(a.counts) > progressed(b.counts) ? a : b;
}

/** How far a file has got; a file only moves forward (queued → parsing → embedding → writing → an end). */
function fileStep(file: FileProgress): number {
  switch (file.state) {
    case "queued":
      return 0;
    case "parsing":
      return 1;
    case "embedding":
      return 2 + (file.total ? (file.done ?? 0) / file.total : 0) / 2;
    case "writing":
      return 3;
    default:
      return 4;
  }
}

/** The further along of two copies of one file; ties go to `b`. */
function furtherFile(a: FileProgress, b: FileProgress): FileProgress {
  return fileStep(a) > fileStep(b) ? a : b;
}

/**
 * Merges two copies of a job: the newer one's state, counts and warnings, and every file either has
 * seen, each as far along as either copy has it. The job an import call returns is a snapshot taken
 * when it started (every file queued) and often arrives after the first progress events; it must not
 * put a file that is already being parsed or embedded back to "Queued".
 */
export function mergeJob(a: ImportJob, b: ImportJob): ImportJob {
  const newer = newerJob(a, b);
  const older = newer === a ? b : a;
  const files = newer.files.map((file) => {
    const other = older.files.find((known) => known.path === file.path);
    return other ? furtherFile(other, file) : file;
  });
  for (const file of older.files) if (!files.some((known) => known.path === file.path)) files.push(file);
  return {...newer, createdAt: newer.createdAt || older.createdAt, files};
}

/** Newest first; a job only seen through events so far is a live one, so it goes on top. */
function byNewest(a: ImportJob, b: ImportJob): number {
  return (b.createdAt || "\uffff").localeCompare(a.createdAt || "\uffff");
}

export function upsertJob(jobs: ImportJob[], job: ImportJob): ImportJob[] {
  const existing = jobs.find((known) => known.id === job.id);
  if (!existing) return [job, ...jobs];
  return jobs.map((known) => (known.id === job.id ? mergeJob(known, job) : known));
}

export function applyProgress(jobs: ImportJob[], event: EventMap["knowledge.progress"]): ImportJob[] {
  const existing = jobs.find((job) => job.id === event.jobId);
  const incoming = {...(existing ?? emptyJob(event.jobId, event.state, event.counts)), state: event.state, counts: event.counts};
  // A late progress event never takes a finished job back to running.
  const winner = existing ? newerJob(existing, incoming) : incoming;
  const updated: ImportJob = {...winner, files: withFile(existing?.files ?? [], event.file)};
  return existing ? jobs.map((job) => (job.id === event.jobId ? updated : job)) : [updated, ...jobs];
}

/**
 * Import jobs newest first, kept live by knowledge.progress (per file) and knowledge.job (the
 * whole job, on every state change). Jobs that had already ended before this view loaded are old
 * news: the documents table shows their result, so they are left out unless something went wrong.
 */
export function useImportJobs() {
  const client = useClient();
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [error, setError] = useState<unknown>(null);
  /** Jobs that had ended before the first answer came: the "earlier" ones. */
  const [earlier, setEarlier] = useState<ReadonlySet<string> | null>(null);
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const fetched = await client.invoke("knowledge.jobs");
      if (mine !== generation.current) return;
      setEarlier((previous) => previous ?? new Set(fetched.filter(settled).map((job) => job.id)));
      // Events may have overtaken the fetch; each job keeps its newest copy.
      setJobs((previous) => fetched.reduce((list, job) => upsertJob(list, job), previous).sort(byNewest));
      setError(null);
    } catch (caught) {
      if (mine === generation.current) setError(caught);
    }
  }, [client]);

  useEffect(() => {
    void reload();
  }, [reload]);
  useResync(() => void reload());

  useEvent("knowledge.progress", (event) => setJobs((previous) => applyProgress(previous, event)));
  useEvent("knowledge.job", (job) => setJobs((previous) => upsertJob(previous, job)));

  /** A job returned by import/upload; events that already arrived for it are kept. */
  const addJob = useCallback((job: ImportJob) => setJobs((previous) => upsertJob(previous, job)), []);
  /** A job returned by cancel: it supersedes what we had. */
  const replaceJob = useCallback((job: ImportJob) => setJobs((previous) => previous.map((existing) => (existing.id === job.id ? mergeJob(existing, job) : existing))), []);

  const [hidden, setHidden] = useState<Set<string>>(() => new Set());
  const hide = useCallback((id: string) => setHidden((previous) => new Set(previous).add(id)), []);

  const troubled = (job: ImportJob) => job.counts.failed > 0 || job.warnings.length > 0 || job.state === "failed";
  // A watched folder's syncs show while they run; once over, the folder's card has their outcome, so a busy folder does not stack up cards.
  const folderSyncDone = (job: ImportJob) => job.origin === "folder" && settled(job);
  const shown = jobs.filter((job) => !hidden.has(job.id) && !folderSyncDone(job) && (!earlier?.has(job.id) || troubled(job)));
  return {jobs: shown, error, addJob, replaceJob, hide};
}
