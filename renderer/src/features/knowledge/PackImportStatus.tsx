import type {PackImportResult} from "../../../../shared/knowledge.js";
import {Banner} from "../../ui/Banner.js";
import {formatBytes, formatNumber} from "../../ui/format.js";
import {ProgressBar} from "../../ui/ProgressBar.js";
import type {PackActivity} from "./useKnowledgePacks.js";

const plural = (n: number, one: string, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** What went in, what was skipped, and where the vectors came from, in a sentence or three. */
export function packSummary(result: PackImportResult): string {
  const parts: string[] = [];
  const added = result.imported.length;
  if (added > 0) {
    const collections = [...new Set(result.imported.map((doc) => doc.collection ?? "no collection"))];
    parts.push(`${plural(added, "document")} (${plural(result.chunks, "passage")}) added to ${collections.join(", ")}.`);
  } else parts.push("Everything in this pack is already in the knowledge base; nothing was added.");
  if (result.replaced.length > 0) parts.push(`${plural(result.replaced.length, "earlier version")} replaced.`);
  if (result.skipped.length > 0 && added > 0) parts.push(`${plural(result.skipped.length, "document")} already there ${result.skipped.length === 1 ? "was" : "were"} skipped.`);
  if (added > 0) {
    const made = result.manifest.embedding?.model;
    if (result.vectors === "pack") parts.push(`Their vectors came with the pack (${result.embeddingModel}); nothing was embedded again.`);
    else if (result.vectors === "embedded") parts.push(`Their passages were embedded with ${result.embeddingModel}${made ? `, since the pack was made with ${made}` : ""}.`);
    else parts.push("They are stored without vectors: search matches their words until the knowledge base is re-indexed with an embedding model.");
  }
  return parts.join(" ");
}

function runningText(activity: Extract<PackActivity, {state: "running"}>): {text: string; value: number | null} {
  const fraction = activity.total > 0 ? activity.done / activity.total : null;
  switch (activity.phase) {
    case "sending":
      return {text: activity.total > 0 ? `Sending ${formatBytes(activity.done)} of ${formatBytes(activity.total)}…` : "Sending the pack…", value: fraction};
    case "verifying":
      return {text: "Checking the whole pack before anything is written…", value: null};
    case "embedding":
      return {text: `Embedding ${formatNumber(activity.done)} of ${formatNumber(activity.total)} passages with the current embedding model…`, value: fraction};
    case "writing":
      return {text: `Writing ${formatNumber(activity.done)} of ${formatNumber(activity.total)} passages. The documents appear once all of them are in.`, value: fraction};
  }
}

/** The latest pack import: its progress, then what went in or why nothing did. */
export function PackImportStatus({activity, onDismiss}: {activity: PackActivity; onDismiss: () => void}) {
  if (activity.state === "idle") return null;
  if (activity.state === "running") {
    const {text, value} = runningText(activity);
    return (
      <Banner tone="info" title={`Importing ${activity.fileName}…`}>
        <ProgressBar value={value} label="Pack import progress" size="sm" />
        {text}
      </Banner>
    );
  }
  if (activity.state === "done")
    return (
      <Banner tone="success" title={`Knowledge pack imported: ${activity.fileName}`} onDismiss={onDismiss}>
        {packSummary(activity.result)}
      </Banner>
    );
  return (
    <Banner tone="danger" title={`Knowledge pack not imported: ${activity.fileName}`} onDismiss={onDismiss}>
      <span data-code={activity.error.code}>{`${activity.error.message} (${activity.error.code})`}</span>
    </Banner>
  );
}
