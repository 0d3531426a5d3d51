import {useEffect} from "react";
import type {KnowledgeStats, RetrievalModelOption} from "../../../../shared/knowledge.js";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useSettings} from "../../state/settings.js";
import {Badge} from "../../ui/Badge.js";
import {formatDate, formatNumber} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {Switch} from "../../ui/Switch.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";
import {ReindexStatus, useReindexProgress} from "../knowledge/ReindexStatus.js";

const RERANKER_KIND: Record<string, string> = {gguf: "GGUF", "cross-encoder": "Cross-encoder"};
const MODEL_KIND: Record<RetrievalModelOption["kind"], string> = {transformers: "transformers.js", gguf: "GGUF", "cross-encoder": "cross-encoder"};

/** How a found model reads in a list: its name and what runs it. */
export function optionLabel(option: RetrievalModelOption): string {
  return `${option.name} (${MODEL_KIND[option.kind]})`;
}

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
export function RetrievalModelsCard({active, modelFiles = ""}: {active: boolean; /** The panel's model list, so an uploaded or rescanned .gguf is picked up. */ modelFiles?: string}) {
  const stats = useRpcQuery("knowledge.stats");
  const found = useRpcQuery("knowledge.retrievalModels");
  const client = useClient();
  const {view, update} = useSettings();
  const {notify} = useToast();
  const [confirm, confirmDialog] = useConfirm();
  const {reload} = stats;
  const reloadFound = found.reload;
  const rerank = view?.settings.retrieval.rerank ?? true;
  const rerankerSetting = view?.settings.knowledge.rerankerModel ?? null;
  const reindexing = useReindexProgress();

  // The re-ranker in use follows the settings; weights are re-measured after imports; a .gguf the
  // panel's list gained may be an embedding model or a re-ranker. (Not models.status: it changes with
  // every request's place in the queue, and each reload lists the models folders.)
  useEffect(() => {
    if (active) {
      void reload();
      void reloadFound();
    }
  }, [active, reload, reloadFound, rerank, rerankerSetting, modelFiles]);
  useEvent("knowledge.changed", () => {
    void reload();
    void reloadFound();
  });

  async function chooseEmbedding(name: string) {
    const ok = await confirm({
      title: `Switch to ${name}?`,
      message: `Every passage is embedded again with ${name}. Search keeps using the current vectors until the new ones are all in place; this can take a while for a large knowledge base.`,
      confirmLabel: "Re-index with it",
    });
    if (!ok) return;
    try {
      await client.invoke("knowledge.reindex", {embeddingModel: name});
      notify(`Re-indexing with ${name}; its progress shows in this card.`, {tone: "info"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  async function chooseReranker(name: string) {
    try {
      await update({knowledge: {rerankerModel: name || null}});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  async function setRerank(next: boolean) {
    try {
      await update({retrieval: {rerank: next}});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  const info = stats.data;
  const embeddingOptions = found.data?.embedding ?? [];
  const rerankerOptions = found.data?.rerankers ?? [];
  const activeEmbedding = embeddingOptions.find((option) => option.active) ?? null;
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
                  {info.embeddingModelOpen === false && <span className="muted"> · closed while idle, opens on the next search</span>}
                </>
              ) : (
                <span className="muted">None: search matches words only. Put an embedding-model folder in the models folder.</span>
              )}
              {embeddingOptions.length > 0 && (
                <label className="retrieval-choice">
                  <span className="muted">Use</span>
                  <select
                    className="input select"
                    aria-label="Embedding model"
                    value={activeEmbedding?.name ?? ""}
                    disabled={reindexing.progress?.state === "running"}
                    onChange={(event) => {
                      const name = event.target.value;
                      // The list shows the model in use until the switch is confirmed and its vectors are in place.
                      event.target.value = activeEmbedding?.name ?? "";
                      if (name) void chooseEmbedding(name);
                    }}
                  >
                    {!activeEmbedding && <option value="">Choose a model…</option>}
                    {embeddingOptions.map((option) => (
                      <option key={option.name} value={option.name}>
                        {optionLabel(option)}
                      </option>
                    ))}
                  </select>
                </label>
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
              {rerank && rerankerOptions.length > 0 && (
                <label className="retrieval-choice">
                  <span className="muted">Use</span>
                  <select className="input select" aria-label="Re-ranking model" value={rerankerSetting ?? ""} disabled={!view} onChange={(event) => void chooseReranker(event.target.value)}>
                    <option value="">The first one found</option>
                    {rerankerOptions.map((option) => (
                      <option key={option.name} value={option.name}>
                        {optionLabel(option)}
                      </option>
                    ))}
                    {rerankerSetting && !rerankerOptions.some((option) => option.name === rerankerSetting) && <option value={rerankerSetting}>{rerankerSetting} (not found)</option>}
                  </select>
                </label>
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
      <p className="muted retrieval-add">
        To add one, upload a .gguf whose name says <code>embed</code> or <code>rerank</code> under Import a model, or copy a transformers.js model folder
        (config.json, tokenizer.json, onnx/model.onnx) into the models folder; it is listed here.
      </p>
      {confirmDialog}
    </section>
  );
}
