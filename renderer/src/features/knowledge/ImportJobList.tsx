import {useState} from "react";
import type {FileImportState, FileProgress, ImportJob} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Badge} from "../../ui/Badge.js";
import {Button, IconButton} from "../../ui/Button.js";
import {baseName} from "../../ui/format.js";
import {ProgressBar} from "../../ui/ProgressBar.js";
import {useToast} from "../../ui/Toasts.js";
import {describeFileProgress} from "./file-progress.js";

const COLLAPSED_FILES = 8;
const FINAL_STATES: FileImportState[] = ["done", "skipped", "failed", "cancelled"];

export function ImportJobList({jobs, onReplace, onHide}: {jobs: ImportJob[]; onReplace: (job: ImportJob) => void; onHide: (id: string) => void}) {
  if (jobs.length === 0) return null;
  return (
    <div className="import-jobs" aria-label="Imports">
      {jobs.map((job) => (
        <ImportJobCard key={job.id} job={job} onReplace={onReplace} onHide={onHide} />
      ))}
    </div>
  );
}

function ImportJobCard({job, onReplace, onHide}: {job: ImportJob; onReplace: (job: ImportJob) => void; onHide: (id: string) => void}) {
  const client = useClient();
  const {notify} = useToast();
  const [expanded, setExpanded] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const running = job.state === "running";
  const finished = job.counts.done + job.counts.skipped + job.counts.failed + job.counts.cancelled;
  const total = Math.max(job.files.length, finished + job.counts.queued);
  // Files under way count for how far they have got, so one big file does not hold the bar at 0.
  const underway = job.files.filter((file) => !FINAL_STATES.includes(file.state)).reduce((sum, file) => sum + (describeFileProgress(file).value ?? 0), 0);
  // Problems first, so a failed file in a big folder is not buried: failures, then files imported
  // with notes. A finished job with many files only lists those until asked for more; a small one
  // keeps every file's result.
  const concern = (file: FileProgress): number => (file.state === "failed" ? 2 : file.warnings?.length ? 1 : 0);
  const ordered = [...job.files].sort((a, b) => concern(b) - concern(a));
  const collapsed = running || ordered.length <= COLLAPSED_FILES ? ordered.slice(0, COLLAPSED_FILES) : ordered.filter((file) => concern(file) > 0).slice(0, COLLAPSED_FILES);
  const shown = expanded ? ordered : collapsed;

  async function cancel() {
    setCancelling(true);
    try {
      onReplace(await client.invoke("knowledge.cancelJob", {id: job.id}));
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    } finally {
      setCancelling(false);
    }
  }

  return (
    <section className="card import-job" aria-label={`Import of ${total} ${total === 1 ? "file" : "files"}`}>
      <header className="import-job-header">
        <div className="import-job-title">
          <strong>
            {running ? "Importing" : job.state === "done" ? "Imported" : "Import of"} {total} {total === 1 ? "file" : "files"}
          </strong>
          <span className="muted">
            {job.counts.done} done
            {job.counts.skipped ? ` · ${job.counts.skipped} skipped` : ""}
            {job.counts.failed ? ` · ${job.counts.failed} failed` : ""}
            {job.counts.cancelled ? ` · ${job.counts.cancelled} cancelled` : ""}
          </span>
        </div>
        <Badge tone={running ? "accent" : job.state === "done" ? (job.counts.failed ? "warning" : "success") : job.state === "failed" ? "danger" : "neutral"}>
          {running ? "Running" : job.state === "done" ? "Finished" : job.state === "failed" ? "Failed" : "Cancelled"}
        </Badge>
        {running ? (
          <Button size="sm" variant="ghost" icon="close" busy={cancelling} onClick={() => void cancel()}>
            Cancel
          </Button>
        ) : (
          <IconButton icon="close" size="sm" label="Hide this import" onClick={() => onHide(job.id)} />
        )}
      </header>
      {running && <ProgressBar value={total ? Math.min(1, (finished + underway) / total) : null} label="Import progress" />}
      {shown.length > 0 && (
        <ul className="file-progress-list">
          {shown.map((file) => {
            const progress = describeFileProgress(file);
            return (
              <li key={file.path} className={`file-progress file-${file.state}`}>
                <span className="file-progress-name" title={file.path}>
                  {baseName(file.path)}
                </span>
                <span className={`file-progress-state text-${progress.tone}`} data-code={file.error?.code}>
                  {progress.text}
                </span>
                {!FINAL_STATES.includes(file.state) && <ProgressBar value={progress.value} label={`${baseName(file.path)} progress`} size="sm" />}
                {file.state === "done" && file.warnings && file.warnings.length > 0 && (
                  <ul className="file-warnings" aria-label={`Notes on ${baseName(file.path)}`}>
                    {file.warnings.map((warning, index) => (
                      <li key={index}>{warning}</li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {ordered.length > collapsed.length && (
        <button type="button" className="link-button" onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show fewer" : `Show all ${ordered.length} files`}
        </button>
      )}
      {job.warnings.length > 0 && (
        <ul className="import-warnings">
          {job.warnings.map((warning, index) => (
            <li key={index} data-code={warning.code}>
              {warning.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
