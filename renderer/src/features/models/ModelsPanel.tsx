import {useEffect, useState} from "react";
import type {ModelInfo} from "../../../../shared/models.js";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useEngine} from "../../state/engine.js";
import {isOverridden, useSettings} from "../../state/settings.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {useToast} from "../../ui/Toasts.js";
import {DownloadsCard} from "./DownloadsCard.js";
import {EngineCard} from "./EngineCard.js";
import {GpuCard} from "./GpuCard.js";
import {ImportModelCard} from "./ImportModelCard.js";
import {LoadOptionsForm, type LoadOptions} from "./LoadOptionsForm.js";
import {ModelList} from "./ModelList.js";
import {RetrievalModelsCard} from "./RetrievalModelsCard.js";
import "./models.css";

export function ModelsPanel({active}: {active: boolean}) {
  const client = useClient();
  const {notify} = useToast();
  const {status} = useEngine();
  const {view} = useSettings();
  const models = useRpcQuery("models.list");
  const gpu = useRpcQuery("models.gpu");
  const [options, setOptions] = useState<LoadOptions | null>(null);
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  // Start from the saved defaults once settings arrive; the user's edits win afterwards.
  const llm = view?.settings.llm;
  useEffect(() => {
    if (llm && !options) setOptions({gpuLayers: llm.gpuLayers, contextSize: llm.contextSize, threads: llm.threads, parallelSequences: llm.parallelSequences});
  }, [llm, options]);

  // A finished load changes each model's fit estimate (less VRAM free).
  useEvent("models.status", (next) => {
    if (next.state === "loaded" || next.state === "none") void models.reload();
  });

  async function load(model: ModelInfo) {
    setBusy(true);
    setLoadError(null);
    try {
      const loaded = await client.invoke("models.load", {model: model.path, ...(options ?? {})});
      notify(`${loaded.name} is ready.`, {tone: "success"});
    } catch (error) {
      // A cancelled load is the user's own doing, not an error to shout about.
      if ((error as {code?: string}).code !== "CANCELLED") setLoadError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  async function call(method: "models.unload" | "models.cancelLoad") {
    try {
      await client.invoke(method);
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  return (
    <div className="page">
      <header className="panel-header">
        <div>
          <h1 className="panel-title">Models &amp; GPU</h1>
          <p className="panel-subtitle muted">Language models run on this machine. Nothing is sent anywhere.</p>
        </div>
        <div className="header-actions">
          <Button icon="regenerate" onClick={() => void models.reload()}>
            Rescan
          </Button>
        </div>
      </header>
      <div className="page-body">
        <div className="card-grid">
          <GpuCard gpu={gpu} active={active} choiceFixed={isOverridden(view, "llm.gpu")} />
          <EngineCard status={status} busy={false} onUnload={() => void call("models.unload")} onCancel={() => void call("models.cancelLoad")} />
        </div>
        {loadError && (
          <Banner tone="danger" title="Loading failed" onDismiss={() => setLoadError(null)}>
            {loadError}
          </Banner>
        )}
        <section className="card" aria-label="Available models">
          <header className="card-header">
            <h2>Available models</h2>
            <span className="muted">{models.data ? `${models.data.length} found` : ""}</span>
          </header>
          {models.error ? (
            <Banner tone="danger">{errorMessage(models.error)}</Banner>
          ) : models.data ? (
            <ModelList models={models.data} status={status} backend={gpu.data?.backend ?? null} onLoad={(model) => void load(model)} />
          ) : (
            <p className="muted">Scanning model folders…</p>
          )}
          <details className="load-options-details">
            <summary>Load options</summary>
            {options && <LoadOptionsForm value={options} onChange={setOptions} autoThreads={gpu.data?.defaultThreads ?? null} />}
          </details>
          {busy && status?.state !== "loading" && <p className="muted">Preparing to load…</p>}
        </section>
        <RetrievalModelsCard active={active} modelFiles={models.data?.map((m) => m.id).join("\n") ?? ""} />
        <div className="card-grid">
          <ImportModelCard onImported={() => void models.reload()} />
          <DownloadsCard onFinished={() => void models.reload()} />
        </div>
      </div>
    </div>
  );
}
