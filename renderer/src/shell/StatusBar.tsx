import type {EngineStatus} from "../../../shared/models.js";
import {useAppInfo} from "../state/app-info.js";
import {useEngine} from "../state/engine.js";
import {Icon} from "../ui/Icon.js";
import {useEventsConnected} from "./connection.js";
import type {PanelId} from "./panels.js";

/**
 * The engine as the Models panel's Engine card shows it, in one line: the same status, not a guess
 * about what may happen next (a load that has not begun is not shown as one).
 */
function engineSummary(status: EngineStatus | undefined, connected: boolean): {tone: string; text: string} {
  // Without live events the last known state may be long gone (the server may have stopped).
  if (!connected) return {tone: "unknown", text: "Engine status unknown"};
  if (!status) return {tone: "idle", text: "Checking the engine…"};
  if (status.engine === "remote" && status.remote) {
    const reachable = status.remote.reachable;
    return {tone: reachable === false ? "danger" : "ok", text: `Remote · ${status.remote.model || status.remote.baseUrl}${reachable === false ? " (unreachable)" : ""}`};
  }
  switch (status.state) {
    case "loaded":
      return {tone: "ok", text: `Ready · ${status.model?.name ?? "model loaded"}`};
    case "loading":
      return {tone: "busy", text: `Loading ${status.model?.name ?? "model"}… ${Math.round((status.progress ?? 0) * 100)}%`};
    case "unloading":
      return {tone: "busy", text: "Unloading model…"};
    case "failed":
      return {tone: "danger", text: `Model failed to load${status.error ? `: ${status.error.message}` : ""}`};
    default:
      return {tone: "idle", text: "No model loaded · retrieval only"};
  }
}

export function StatusBar({onNavigate}: {onNavigate: (panel: PanelId) => void}) {
  const {status} = useEngine();
  const {info} = useAppInfo();
  const connected = useEventsConnected();
  const engine = engineSummary(status, connected);
  const queue = connected ? status?.queue : undefined;

  return (
    <footer className="status-bar" aria-label="Status">
      <button type="button" className="status-item status-engine" onClick={() => onNavigate("models")} aria-label={`Engine: ${engine.text}. Open Models & GPU`}>
        <span className={`status-dot status-dot-${engine.tone}`} aria-hidden="true" />
        <span className="status-text">{engine.text}</span>
      </button>
      {queue && queue.active + queue.waiting > 0 && (
        <span className="status-item status-queue">
          {queue.active} generating{queue.waiting ? ` · ${queue.waiting} waiting` : ""}
        </span>
      )}
      <span className="status-spacer" />
      {!connected && (
        <span className="status-item status-warning" role="status">
          <Icon name="warning" size={12} /> Live updates paused, reconnecting…
        </span>
      )}
      <button type="button" className="status-item status-api" onClick={() => onNavigate("settings")} aria-label="HTTP API settings">
        <Icon name="globe" size={12} />
        <span className="status-text">
          {info.api.error ? `API: ${info.api.error.message}` : info.api.enabled && info.api.url ? `API ${info.api.url}` : "API off"}
        </span>
      </button>
      <span className="status-item status-version">v{info.version}</span>
    </footer>
  );
}
