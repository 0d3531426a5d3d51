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
export function GpuCard({gpu, active}: {gpu: RpcState<GpuInfo>; active: boolean}) {
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
  const usedShare = info && info.vram.total > 0 ? info.vram.used / info.vram.total : 0;

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
          <dl className="facts">
            <div>
              <dt>{info.devices.length > 1 ? "GPUs" : "GPU"}</dt>
              <dd>{info.devices.length > 0 ? info.devices.join(", ") : "None detected"}</dd>
            </div>
            <div>
              <dt>CPU threads</dt>
              <dd>{info.cpuThreads}</dd>
            </div>
          </dl>
          {info.vram.total > 0 && (
            <div className="vram">
              <div className="vram-label">
                <span>{info.backend === "cpu" ? "Memory" : "VRAM"}</span>
                <span className="muted">
                  {formatBytes(info.vram.used)} used of {formatBytes(info.vram.total)} · {formatBytes(info.vram.free)} free
                </span>
              </div>
              <ProgressBar value={usedShare} label={`${info.backend === "cpu" ? "Memory" : "VRAM"} used`} tone={usedShare > 0.9 ? "danger" : usedShare > 0.75 ? "warning" : "accent"} />
            </div>
          )}
          {info.notice && <Banner tone="warning">{info.notice}</Banner>}
        </>
      )}
    </section>
  );
}
