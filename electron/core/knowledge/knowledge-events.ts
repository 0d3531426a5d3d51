import type {EventSink} from "../../../shared/contract.js";
import type {ImportJob} from "../../../shared/knowledge.js";
import type {ImportEvent} from "./import-jobs.js";

/** The contract events the knowledge base owns: import progress, jobs, pack imports, and any change to its documents. */
export type KnowledgeEvents = EventSink<"knowledge.progress" | "knowledge.job" | "knowledge.changed" | "knowledge.reindex" | "knowledge.packImport">;

export const NO_KNOWLEDGE_EVENTS: KnowledgeEvents = {emit: () => undefined};

/**
 * Turns the import jobs' own progress into contract events: each file's progress with the job's
 * counts, the whole job when it starts, warns or ends, and a change of the documents when it ends.
 */
export function announceImportProgress(events: KnowledgeEvents, jobs: {get(id: string): ImportJob | null}): (event: ImportEvent | {type: "reindex"}) => void {
  return (event) => {
    if (event.type === "reindex") return;
    const job = jobs.get(event.jobId);
    if (event.type === "file") {
      if (job) events.emit("knowledge.progress", {jobId: event.jobId, file: event.file, counts: job.counts, state: job.state});
      return;
    }
    if (job) events.emit("knowledge.job", job);
    if (event.type === "job" && event.state !== "running") events.emit("knowledge.changed", {reason: "import finished"});
  };
}
