import type {EngineStatus} from "../../../../shared/models.js";
import {Button} from "../../ui/Button.js";
import {Banner} from "../../ui/Banner.js";
import {ProgressBar} from "../../ui/ProgressBar.js";

/** Explains why answers are excerpts only, and where to fix it. */
export function RetrievalOnlyBanner({status, startingUp = false, onOpenModels, onDismiss}: {status: EngineStatus; startingUp?: boolean; onOpenModels: () => void; onDismiss?: () => void}) {
  if (startingUp) {
    return (
      <Banner tone="neutral" title="Starting the language model…" onDismiss={onDismiss}>
        <ProgressBar value={null} label="Model load progress" size="sm" />
        Written answers start once it has loaded.
      </Banner>
    );
  }
  // Loading (at start-up, too) is on its way to written answers: nothing to warn about.
  if (status.state === "loading") {
    return (
      <Banner tone="neutral" title={`Loading model… (${Math.round((status.progress ?? 0) * 100)}%)`} onDismiss={onDismiss}>
        <ProgressBar value={status.progress} label="Model load progress" size="sm" />
        {status.model?.name ? `${status.model.name} will answer once it is ready.` : "Written answers start once it is ready."}
      </Banner>
    );
  }
  return (
    <Banner
      tone="warning"
      title="Retrieval-only mode: no language model is loaded"
      onDismiss={onDismiss}
      actions={
        <Button size="sm" icon="chip" onClick={onOpenModels}>
          Open Models &amp; GPU
        </Button>
      }
    >
      {status.state === "failed" && status.error ? `${status.error.message} ` : ""}
      <span className="banner-detail">
        Answers show the most relevant knowledge-base passages instead of a written reply. Load a model in Models &amp; GPU, or import a .gguf file there, to get written
        answers with citations.
      </span>
    </Banner>
  );
}
