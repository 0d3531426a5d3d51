import type {EngineStatus} from "../../../../shared/models.js";
import {Button} from "../../ui/Button.js";
import {Banner} from "../../ui/Banner.js";
import {ProgressBar} from "../../ui/ProgressBar.js";

/** Explains why answers are excerpts only, and where to fix it. */
export function RetrievalOnlyBanner({status, onOpenModels}: {status: EngineStatus; onOpenModels: () => void}) {
  if (status.state === "loading") {
    return (
      <Banner tone="info" title="Loading the language model…">
        <ProgressBar value={status.progress} label="Model load progress" size="sm" />
        Until it is ready, answers are knowledge-base excerpts only.
      </Banner>
    );
  }
  return (
    <Banner
      tone="warning"
      title="Retrieval-only mode: no language model is loaded"
      actions={
        <Button size="sm" icon="chip" onClick={onOpenModels}>
          Open Models &amp; GPU
        </Button>
      }
    >
      {status.state === "failed" && status.error ? `${status.error.message} ` : ""}
      Answers show the most relevant knowledge-base passages instead of a written reply. Load a model in Models &amp; GPU, or
      import a .gguf file there, to get written answers with citations.
    </Banner>
  );
}
