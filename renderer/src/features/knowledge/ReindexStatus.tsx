import {useState} from "react";
import type {ReindexProgress} from "../../../../shared/knowledge.js";
import {useEvent} from "../../client/context.js";
import {Banner} from "../../ui/Banner.js";
import {formatNumber} from "../../ui/format.js";
import {ProgressBar} from "../../ui/ProgressBar.js";

/** The latest re-index as the core announces it (knowledge.reindex), until its end is dismissed. */
export function useReindexProgress(): {progress: ReindexProgress | null; dismiss: () => void} {
  const [progress, setProgress] = useState<ReindexProgress | null>(null);
  useEvent("knowledge.reindex", setProgress);
  return {progress, dismiss: () => setProgress(null)};
}

/** How far a re-index has come, and then how it ended. */
export function ReindexStatus({progress, onDismiss}: {progress: ReindexProgress | null; onDismiss: () => void}) {
  if (!progress) return null;
  const model = progress.model ?? "the embedding model";
  if (progress.state === "running")
    return (
      <Banner tone="info" title={`Re-indexing with ${model}…`}>
        <ProgressBar value={progress.total ? progress.done / progress.total : null} label="Re-index progress" size="sm" />
        {`${formatNumber(progress.done)} of ${formatNumber(progress.total)} passages. Search keeps working with the previous vectors until it is done.`}
      </Banner>
    );
  if (progress.state === "done")
    return (
      <Banner tone="success" title="Re-index finished" onDismiss={onDismiss}>
        {`${formatNumber(progress.total)} passages now use ${model} for meaning-based search.`}
      </Banner>
    );
  return (
    <Banner tone="danger" title="Re-index failed" onDismiss={onDismiss}>
      {`${progress.error?.message ?? "The re-index stopped."} The previous vectors are still in use; Re-index all tries again.`}
    </Banner>
  );
}
