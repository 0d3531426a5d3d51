import {useEffect} from "react";
import type {GpuInfo} from "../../../../shared/models.js";
import type {RpcState} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Badge} from "../../ui/Badge.js";
import {Banner} from "../../ui/Banner.js";
import {formatBytes} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {ProgressBar} from "../../ui/ProgressBar.js";

const BACKEND_LABEL = {cuda: "CUDA", vulkan: "Vulkan", metal: "Metal", cpu: "CPU"} as const;
const POLL_MS = 3000;

/** Backend, devices and live VRAM use; polled only while the panel is on screen. */
export function GpuCard({gpu, active, choiceFixed = false}: {gpu: RpcState<GpuInfo>; active: boolean; choiceFixed?: boolean}) {
  const {reload} = gpu;

  useEffect(() => {
    if (!active) return;
    void reload();
    const timer = setInterval(() => {
      if (document.visibilityState !== "hidden") void reload();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, reload]);

  const info = gpu.data;
  // Without GPU memory the model runs in system memory: show that, named as such, not an empty VRAM.
  const memory = info ? memoryInUse(info) : null;
  const usedShare = memory && memory.total > 0 ? memory.used / memory.total : 0;

  return (
    <section className="card gpu-card" aria-label="GPU">
      <header className="card-header">
        <Icon name="chip" size={18} />
        <h2>Hardware</h2>
        {info && (
          <Badge tone={info.backend === "cpu" ? "neutral" : "accent"} icon="zap">
            {BACKEND_LABEL[info.backend]}
          </Badge>
        )}
      </header>
      {gpu.error && !info ? (
        <p className="muted">{errorMessage(gpu.error)}</p>
      ) : !info ? (
        <p className="muted">Detecting hardware…</p>
      ) : (
        <>
          {/* The same fact grid as the Engine card beside it, so the two read as a pair. */}
          <dl className="facts facts-grid">
            <div>
              <dt>{info.devices.length > 1 ? "GPUs" : "GPU"}</dt>
              <dd>{info.devices.length > 0 ? info.devices.join(", ") : "None detected"}</dd>
            </div>
            <div>
              <dt>{memory?.label}</dt>
              <dd title={memory?.title}>{memory && memory.total > 0 ? formatBytes(memory.total) : "—"}</dd>
            </div>
            <div>
              <dt>Free {memory?.label === "VRAM" ? "VRAM" : "system memory"}</dt>
              <dd>{memory && memory.total > 0 ? formatBytes(memory.free) : "—"}</dd>
            </div>
            <div>
              <dt>CPU threads</dt>
              <dd title={`${info.cpuThreads} CPU cores; a model uses ${info.defaultThreads} threads unless its load options say otherwise`}>
                {info.defaultThreads === info.cpuThreads ? info.defaultThreads : `${info.defaultThreads} of ${info.cpuThreads} cores`}
              </dd>
            </div>
            <div>
              <dt>Backend choice</dt>
              <dd className="backend-choice">
                {info.requested === "auto" ? "Automatic" : `${BACKEND_LABEL[info.requested]} only`}
                {choiceFixed && (
                  <span className="override-mark" title="Set by the server's environment for this run" aria-label="Set by the server's environment for this run" role="img">
                    <Icon name="lock" size={12} />
                  </span>
                )}
              </dd>
            </div>
          </dl>
          {memory && memory.total > 0 && (
            <div className="vram">
              <div className="vram-label">
                <span>{memory.label} in use</span>
                <span className="muted">
                  {formatBytes(memory.used)} used of {formatBytes(memory.total)}
                </span>
              </div>
              <ProgressBar value={usedShare} label={`${memory.label} used`} tone={usedShare > 0.9 ? "danger" : usedShare > 0.75 ? "warning" : "accent"} />
            </div>
          )}
          {info.vram.total === 0 && info.backend === "cpu" && <p className="muted hardware-note">Models run on the CPU; small ones (1–4B parameters) answer fastest.</p>}
          {info.notice && <Banner tone="warning">{info.notice}</Banner>}
        </>
      )}
    </section>
  );
}

/** The memory models run in: the GPU's VRAM, or system memory on the CPU backend (or a GPU reporting none). */
function memoryInUse(info: GpuInfo): {label: "VRAM" | "System memory"; total: number; used: number; free: number; title?: string} {
  if (info.backend !== "cpu" && info.vram.total > 0) return {label: "VRAM", ...info.vram};
  // Older cores did not report system memory.
  const ram = info.ram ?? {total: 0, free: 0};
  return {label: "System memory", total: ram.total, free: ram.free, used: Math.max(0, ram.total - ram.free), title: ram.total > 0 ? "Models run in system memory (RAM) on the CPU" : "Not reported by the engine"};
}
