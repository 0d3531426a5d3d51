import type {EngineStatus} from "../../../../shared/models.js";
import {Badge} from "../../ui/Badge.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {formatMs, formatNumber} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {ProgressBar} from "../../ui/ProgressBar.js";

/** What is loaded right now, with unload and cancel. */
export function EngineCard({status, onUnload, onCancel, busy}: {status: EngineStatus | undefined; onUnload: () => void; onCancel: () => void; busy: boolean}) {
  return (
    <section className="card engine-card" aria-label="Loaded model">
      <header className="card-header">
        <Icon name="power" size={18} />
        <h2>Engine</h2>
        {status && <EngineBadge status={status} />}
      </header>
      {!status ? (
        <p className="muted">Checking the engine…</p>
      ) : status.state === "loading" ? (
        <div className="stack-sm">
          <div className="vram-label">
            <span>Loading {status.model?.name ?? "model"}…</span>
            <span className="muted">{Math.round((status.progress ?? 0) * 100)}%</span>
          </div>
          <ProgressBar value={status.progress} label="Model load progress" />
          <div>
            <Button size="sm" icon="close" onClick={onCancel} busy={busy}>
              Cancel loading
            </Button>
          </div>
        </div>
      ) : status.model && status.state === "loaded" ? (
        <>
          <p className="engine-model-name">{status.model.name}</p>
          <dl className="facts facts-grid">
            <div>
              <dt>Context</dt>
              <dd>{formatNumber(status.model.contextSize)} tokens</dd>
            </div>
            <div>
              <dt>GPU layers</dt>
              <dd>{status.model.gpuLayers}</dd>
            </div>
            <div>
              <dt>Threads</dt>
              <dd>{status.model.threads || "auto"}</dd>
            </div>
            <div>
              <dt>Sequences</dt>
              <dd>{status.model.sequences}</dd>
            </div>
            <div>
              <dt>Loaded in</dt>
              <dd>{formatMs(status.model.loadMs)}</dd>
            </div>
            <div>
              <dt>Queue</dt>
              <dd>
                {status.queue.active} active · {status.queue.waiting} waiting
              </dd>
            </div>
          </dl>
          <div>
            <Button size="sm" icon="power" onClick={onUnload} busy={busy}>
              Unload
            </Button>
          </div>
        </>
      ) : (
        <>
          {status.state === "failed" && status.error && (
            <Banner tone="danger" title="The model could not be loaded">
              {status.error.message}
            </Banner>
          )}
          <p className="muted">No model loaded. Chat answers are knowledge-base excerpts until you load one below.</p>
        </>
      )}
      {status?.engine === "remote" && status.remote && (
        <p className="muted engine-remote">
          Answers go to the remote engine at {status.remote.baseUrl} ({status.remote.model || "default model"})
          {status.remote.reachable === false ? ", which is not reachable right now." : "."}
        </p>
      )}
    </section>
  );
}

function EngineBadge({status}: {status: EngineStatus}) {
  switch (status.state) {
    case "loaded":
      return <Badge tone="success">Loaded</Badge>;
    case "loading":
      return <Badge tone="accent">Loading</Badge>;
    case "unloading":
      return <Badge tone="accent">Unloading</Badge>;
    case "failed":
      return <Badge tone="danger">Failed</Badge>;
    default:
      return <Badge>Idle</Badge>;
  }
}
