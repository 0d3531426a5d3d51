import type {EngineStatus, GpuInfo, ModelInfo} from "../../../../shared/models.js";
import {Badge} from "../../ui/Badge.js";
import {Button} from "../../ui/Button.js";
import {EmptyState} from "../../ui/EmptyState.js";
import {formatBytes, formatNumber} from "../../ui/format.js";
import {FIT_LABEL, fitExplanation, fitVerdict} from "./fit.js";

const SOURCE_LABEL: Record<ModelInfo["source"], string> = {settings: "Settings", data: "Models folder", env: "Environment", bundled: "Bundled", path: "Path"};

const ROLE_LABEL = {embedding: "embedding", reranking: "re-ranking"} as const;
const ROLE_BADGE = {embedding: "Embedding", reranking: "Re-ranker"} as const;

export function ModelList({
  models,
  status,
  backend,
  onLoad,
}: {
  models: ModelInfo[];
  status: EngineStatus | undefined;
  backend: GpuInfo["backend"] | null;
  onLoad: (model: ModelInfo) => void;
}) {
  if (models.length === 0) {
    return (
      <EmptyState icon="chip" title="No models yet">
        Import a .gguf file or download one from Hugging Face below. Until then, chat shows knowledge-base excerpts.
      </EmptyState>
    );
  }
  const loadedId = status?.state === "loaded" ? status.model?.id : null;
  const loading = status?.state === "loading" || status?.state === "unloading";
  return (
    <div className="table-wrap">
      <table className="table models-table" aria-label="Models">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="num">
              Params
            </th>
            <th scope="col">Quant</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num" title="Trained context length">
              Context
            </th>
            <th scope="col">Fit</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => {
            const verdict = fitVerdict(model.fit, backend);
            const isLoaded = loadedId === model.id;
            return (
              <tr key={model.id} className={isLoaded ? "row-active" : undefined}>
                <td>
                  <div className="doc-title">
                    <span className="doc-title-text">{model.name}</span>
                    <span className="doc-source muted" title={model.path}>
                      {model.architecture} · {SOURCE_LABEL[model.source]} · {model.id}
                      {model.role === "chat" && !model.hasChatTemplate && " · no chat template"}
                      {model.role !== "chat" && ` · ${ROLE_LABEL[model.role]} model for search (see Retrieval models)`}
                    </span>
                  </div>
                </td>
                <td className="num">{model.parameters}</td>
                <td>
                  <span className="kind-pill">{model.quantization}</span>
                </td>
                <td className="num">{formatBytes(model.sizeBytes)}</td>
                <td className="num">{model.trainedContext ? formatNumber(model.trainedContext) : "—"}</td>
                <td>
                  <Badge tone={FIT_LABEL[verdict].tone} title={fitExplanation(model.fit, backend)}>
                    {FIT_LABEL[verdict].label}
                  </Badge>
                </td>
                <td className="row-actions">
                  {isLoaded ? (
                    <Badge tone="success" icon="check">
                      Loaded
                    </Badge>
                  ) : model.role !== "chat" ? (
                    // Search loads it itself; as a chat model it would only produce noise.
                    <Badge title="Used by search, not for answering">{ROLE_BADGE[model.role]}</Badge>
                  ) : (
                    <Button size="sm" variant={verdict === "no" ? "secondary" : "primary"} disabled={loading} onClick={() => onLoad(model)} aria-label={`Load ${model.name}`}>
                      Load
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
