import {useState, type ReactNode} from "react";
import type {AppInfo, EventMap} from "../../../../shared/contract.js";
import type {EngineStatus, GpuInfo, ModelInfo} from "../../../../shared/models.js";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useAppInfo} from "../../state/app-info.js";
import {useEngine} from "../../state/engine.js";
import {useApiToken} from "../../state/server-access.js";
import {isOverridden, useSettings} from "../../state/settings.js";
import {Button, IconButton} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {formatBytes} from "../../ui/format.js";
import {Icon, LogoMark, type IconName} from "../../ui/Icon.js";
import {OverrideNote} from "../../ui/OverrideNote.js";
import {Spinner} from "../../ui/Spinner.js";
import "./first-run.css";

const BACKEND_LABEL = {cuda: "CUDA", vulkan: "Vulkan", metal: "Metal", cpu: "CPU"} as const;

/** The welcome screen: what this machine can do, what is already set up, and how to connect tools. */
export function FirstRunScreen({onDone}: {onDone: (info: AppInfo) => void}) {
  const client = useClient();
  const {info} = useAppInfo();
  const {status} = useEngine();
  const gpu = useRpcQuery("models.gpu");
  const models = useRpcQuery("models.list");
  const {view} = useSettings();
  const token = useApiToken();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // app.info itself is refreshed by the session on knowledge and settings events; these keep the
  // steps that read other sources live while the screen is open.
  const [importing, setImporting] = useState<EventMap["knowledge.progress"]["counts"] | null>(null);
  useEvent("knowledge.progress", (event) => setImporting(event.state === "running" ? event.counts : null));
  useEvent("knowledge.job", (job) => job.state !== "running" && setImporting(null));
  const reloadModels = models.reload;
  useEvent("models.status", (next) => {
    if (next.state === "loaded" || next.state === "none" || next.state === "failed") void reloadModels();
  });

  async function finish() {
    setBusy(true);
    try {
      onDone(await client.invoke("app.completeFirstRun"));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <div className="first-run">
      <div className="first-run-inner">
        <header className="first-run-hero">
          <LogoMark size={44} />
          <h1>Welcome to Deskside</h1>
          <p className="muted">Your team's runbooks, answered by a model on this computer. Here is what's ready.</p>
        </header>
        <ol className="first-run-steps">
          <Step icon="chip" title="Hardware" state={gpu.data ? "ok" : gpu.error ? "warn" : "pending"}>
            <GpuSummary gpu={gpu.data} error={gpu.error} />
          </Step>
          <Step icon="sparkles" title="Language model" state={status?.state === "loaded" ? "ok" : status?.state === "loading" ? "pending" : models.data && models.data.length > 0 ? "ok" : models.data ? "warn" : "pending"}>
            <ModelSummary status={status} models={models.data} preferred={view?.settings.llm.model ?? null} />
            {isOverridden(view, "llm.model") && <OverrideNote />}
          </Step>
          <Step icon="book" title="Knowledge base" state={info.defaultKnowledge.imported ? "ok" : importing ? "pending" : "warn"}>
            {info.defaultKnowledge.imported ? (
              <p>
                The starter knowledge base is imported: <strong>{info.defaultKnowledge.documents} documents</strong>. Add your own under Knowledge.
              </p>
            ) : importing ? (
              <p>Importing the starter knowledge base… {importedSoFar(importing)}</p>
            ) : (
              <p>The starter knowledge base is not imported yet. Drop your runbooks under Knowledge to start.</p>
            )}
          </Step>
          <Step icon="globe" title="Local API" state={info.api.enabled && info.api.url ? "ok" : info.api.error ? "warn" : "off"}>
            <ApiSummary
              info={info}
              token={token}
              addressFixed={isOverridden(view, "api.port") || isOverridden(view, "api.host")}
              tokenFixed={isOverridden(view, "api.token")}
            />
          </Step>
        </ol>
        {error && <p className="field-error">{error}</p>}
        <div className="first-run-actions">
          <Button variant="primary" onClick={() => void finish()} busy={busy} className="btn-lg">
            Get started
          </Button>
        </div>
      </div>
    </div>
  );
}

function importedSoFar(counts: EventMap["knowledge.progress"]["counts"]): string {
  const finished = counts.done + counts.skipped + counts.failed + counts.cancelled;
  return `${finished} of ${finished + counts.queued} files`;
}

function Step({icon, title, state, children}: {icon: IconName; title: string; state: "ok" | "warn" | "off" | "pending"; children: ReactNode}) {
  return (
    <li className={`card first-run-step step-${state}`}>
      <div className="step-icon">
        <Icon name={icon} size={20} />
      </div>
      <div className="step-body">
        <h2>
          {title}
          <span className="step-state" aria-label={state === "ok" ? "Ready" : state === "warn" ? "Needs attention" : state === "off" ? "Off" : "Checking"}>
            {state === "pending" ? <Spinner size={12} /> : state === "ok" ? <Icon name="check" size={14} /> : state === "warn" ? <Icon name="info" size={14} /> : null}
          </span>
        </h2>
        {children}
      </div>
    </li>
  );
}

function GpuSummary({gpu, error}: {gpu: GpuInfo | undefined; error: unknown}) {
  if (error && !gpu) return <p>{errorMessage(error)}</p>;
  if (!gpu) return <p className="muted">Detecting…</p>;
  if (gpu.backend === "cpu")
    return (
      <p>
        No supported GPU found; models run on the CPU ({gpu.cpuThreads} threads). Small models (1–4B parameters) work best.
        {gpu.notice && <span className="muted"> {gpu.notice}</span>}
      </p>
    );
  return (
    <p>
      <strong>{gpu.devices.join(", ") || "GPU"}</strong> via {BACKEND_LABEL[gpu.backend]}
      {gpu.vram.total > 0 && <> · {formatBytes(gpu.vram.total)} VRAM</>}
      {gpu.notice && <span className="muted"> {gpu.notice}</span>}
    </p>
  );
}

function ModelSummary({status, models, preferred}: {status: EngineStatus | undefined; models: ModelInfo[] | undefined; preferred: string | null}) {
  if (status?.state === "loaded" && status.model) return <p>{<strong>{status.model.name}</strong>} is loaded and ready to answer.</p>;
  if (status?.state === "loading") return <p>Loading {status.model?.name ?? "the model"}… {Math.round((status.progress ?? 0) * 100)}%</p>;
  if (!models) return <p className="muted">Looking for models…</p>;
  if (models.length === 0)
    return (
      <p>
        No model yet. Until you add one, answers are knowledge-base excerpts. In <strong>Models &amp; GPU</strong>, import a .gguf file or download one
        from Hugging Face.
      </p>
    );
  const chosen = models.find((model) => model.id === preferred || model.path === preferred) ?? models[0];
  return (
    <p>
      Deskside will use <strong>{chosen.name}</strong> ({chosen.parameters}, {chosen.quantization}).
      {models.length > 1 && ` ${models.length - 1} more available in Models & GPU.`}
    </p>
  );
}

function ApiSummary({info, token, addressFixed, tokenFixed}: {info: AppInfo; token: string | null; addressFixed: boolean; tokenFixed: boolean}) {
  const [visible, setVisible] = useState(false);
  if (info.api.error) return <p>{info.api.error.message}</p>;
  if (!info.api.enabled || !info.api.url) return <p>The API is off. Turn it on in Settings → HTTP API to connect other tools.</p>;
  return (
    <div className="stack-sm">
      <p>Ticketing tools, scripts and anything that speaks the OpenAI API can use Deskside at:</p>
      <div className="api-values">
        <div className="path-box">
          <span className="path-box-label">Address</span>
          <code>{info.api.url}</code>
          {addressFixed && <OverrideNote />}
          <CopyButton text={info.api.url} label="Copy API address" iconOnly />
        </div>
        {token && (
          <div className="path-box">
            <span className="path-box-label">Token</span>
            <code aria-label="API token">{visible ? token : "•".repeat(Math.min(token.length, 32))}</code>
            {tokenFixed && <OverrideNote />}
            <IconButton icon={visible ? "eyeOff" : "eye"} size="sm" label={visible ? "Hide token" : "Show token"} onClick={() => setVisible(!visible)} />
            <CopyButton text={token} label="Copy API token" iconOnly />
          </div>
        )}
      </div>
    </div>
  );
}
