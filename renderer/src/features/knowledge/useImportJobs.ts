import {useCallback, useState} from "react";
import type {EventMap} from "../../../../shared/contract.js";
import type {FileProgress, ImportJob} from "../../../../shared/knowledge.js";
import {useEvent, useRpcQuery} from "../../client/context.js";

function emptyJob(id: string, state: ImportJob["state"], counts: ImportJob["counts"]): ImportJob {
  return {id, state, createdAt: new Date().toISOString(), finishedAt: null, files: [], warnings: [], counts};
}

function withFile(files: FileProgress[], file: FileProgress): FileProgress[] {
  const index = files.findIndex((existing) => existing.path === file.path);
  if (index === -1) return [...files, file];
  const next = files.slice();
  next[index] = file;
  return next;
}

export function applyProgress(jobs: ImportJob[], event: EventMap["knowledge.progress"]): ImportJob[] {
  const existing = jobs.find((job) => job.id === event.jobId);
  const base = existing ?? emptyJob(event.jobId, event.state, event.counts);
  const updated: ImportJob = {...base, state: event.state, counts: event.counts, files: withFile(base.files, event.file)};
  return existing ? jobs.map((job) => (job.id === event.jobId ? updated : job)) : [updated, ...jobs];
}

/** Import jobs newest first, kept live by knowledge.progress events. */
export function useImportJobs() {
  const {data, error, setData} = useRpcQuery("knowledge.jobs");
  const jobs = data ?? [];

  useEvent("knowledge.progress", (event) => setData((previous) => applyProgress(previous ?? [], event)));

  /** A job returned by import/upload; events that already arrived for it are kept. */
  const addJob = useCallback(
    (job: ImportJob) =>
      setData((previous) => {
        const list = previous ?? [];
        const known = list.find((existing) => existing.id === job.id);
        if (!known) return [job, ...list];
        const files = job.files.reduce((merged, file) => (merged.some((f) => f.path === file.path) ? merged : [...merged, file]), known.files);
        return list.map((existing) => (existing.id === job.id ? {...job, state: known.state, counts: known.counts, files} : existing));
      }),
    [setData],
  );

  const replaceJob = useCallback((job: ImportJob) => setData((previous) => (previous ?? []).map((existing) => (existing.id === job.id ? job : existing))), [setData]);

  const [hidden, setHidden] = useState<Set<string>>(() => new Set());
  const hide = useCallback((id: string) => setHidden((previous) => new Set(previous).add(id)), []);

  return {jobs: jobs.filter((job) => !hidden.has(job.id)), error, addJob, replaceJob, hide};
}
