import {useEffect} from "react";
import type {KnowledgeStats} from "../../../../shared/knowledge.js";
import {useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useSettings} from "../../state/settings.js";
import {Badge} from "../../ui/Badge.js";
import {formatDate, formatNumber} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {Switch} from "../../ui/Switch.js";
import {useToast} from "../../ui/Toasts.js";
import {ReindexStatus, useReindexProgress} from "../knowledge/ReindexStatus.js";

const RERANKER_KIND: Record<string, string> = {gguf: "GGUF", "cross-encoder": "Cross-encoder"};

/** A fusion weight as people write it: "1.0", "0.35". */
export function formatWeight(weight: number): string {
  const rounded = String(Math.round(weight * 100) / 100);
  return rounded.includes(".") ? rounded : `${rounded}.0`;
}

/** The hybrid-search weights in plain words, or why there are none yet. */
export function describeFusion(fusion: KnowledgeStats["fusion"]): string {
  if (!fusion) return "Not measured yet: measured on this knowledge base after imports, when an embedding model is present.";
  return `Word matching ${formatWeight(fusion.text)} · Meaning ${formatWeight(fusion.vector)}, measured on this knowledge base`;
}

/**
 * The models behind retrieval (embedding, re-ranking) and how hybrid search weighs words against
 * meaning, beside the chat models they work with. Re-ranking can be switched off here.
 */
export function RetrievalModelsCard({active}: {active: boolean}) {
  const stats = useRpcQuery("knowledge.stats");
  const {view, update} = useSettings();
  const {notify} = useToast();
  const {reload} = stats;
  const rerank = view?.settings.retrieval.rerank ?? true;
  const reindexing = useReindexProgress();

  // The re-ranker in use follows the setting; weights are re-measured after imports.
  useEffect(() => {
    if (active) void reload();
  }, [active, reload, rerank]);
  useEvent("knowledge.changed", () => void reload());

  async function setRerank(next: boolean) {
    try {
      await update({retrieval: {rerank: next}});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  const info = stats.data;
  return (
    <section className="card retrieval-card" aria-label="Retrieval models">
      <header className="card-header">
        <Icon name="search" size={18} />
        <h2>Retrieval models</h2>
      </header>
      <ReindexStatus progress={reindexing.progress} onDismiss={reindexing.dismiss} />
      {stats.error && !info ? (
        <p className="muted">{errorMessage(stats.error)}</p>
      ) : !info ? (
        <p className="muted">Reading the knowledge base…</p>
      ) : (
        <dl className="retrieval-facts">
          <div>
            <dt>Embedding model</dt>
            <dd>
              {info.embeddingModel ? (
                <>
                  <span className="model-id">{info.embeddingModel}</span>
                  {info.embeddingDimension !== null && <span className="muted"> · {formatNumber(info.embeddingDimension)} dimensions</span>}
                </>
              ) : (
                <span className="muted">None: search matches words only. Put an embedding-model folder in the models folder.</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Re-ranker</dt>
            <dd>
              {info.reranker ? (
                <>
                  <span className="model-id">{info.reranker.id}</span> <Badge>{RERANKER_KIND[info.reranker.kind] ?? info.reranker.kind}</Badge>
                </>
              ) : rerank ? (
                <span className="muted">None found — put a re-ranker .gguf (e.g. bge-reranker) or cross-encoder folder in the models folder.</span>
              ) : (
                <span className="muted">Off</span>
              )}
            </dd>
          </div>
          <div className="retrieval-switch-row">
            <dt>Re-rank the best matches</dt>
            <dd className="retrieval-switch">
              <Switch checked={rerank} onChange={(next) => void setRerank(next)} label="Re-rank the best matches" disabled={!view} />
              <span className="muted">{rerank ? "On: a re-ranker, when present, re-orders the leading hits (slower, more precise)" : "Off: hits keep the hybrid-search order"}</span>
            </dd>
          </div>
          <div>
            <dt>Fusion weights</dt>
            <dd title={info.fusion ? `Measured ${formatDate(info.fusion.measuredAt)}` : undefined}>{describeFusion(info.fusion)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
