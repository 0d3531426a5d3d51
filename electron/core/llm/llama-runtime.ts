import os from "node:os";
import {getLlama, type Llama} from "node-llama-cpp";
import type {GpuChoice} from "../../../shared/settings.js";
import type {GpuInfo} from "../../../shared/models.js";
import {threadsFor} from "./load-options.js";

export interface LlamaRuntime {
  llama: Llama;
  requested: GpuChoice;
  /** Why the requested backend is not the one in use, if so. */
  notice: string | null;
}

function backendOf(llama: Llama): GpuInfo["backend"] {
  return llama.gpu === false ? "cpu" : llama.gpu;
}

/**
 * Picks node-llama-cpp's prebuilt binary for the requested backend. Never builds from source at
 * run time (no toolchain on users' machines); an explicit GPU that cannot be used falls back to
 * auto-detection with a notice rather than leaving the app without a model.
 */
export async function createLlamaRuntime(requested: GpuChoice): Promise<LlamaRuntime> {
  const gpu = requested === "cpu" ? false : requested;
  try {
    const llama = await getLlama({gpu, build: "never", logLevel: "error" as never, vramPadding: 0});
    return {llama, requested, notice: null};
  } catch (error) {
    if (requested === "auto" || requested === "cpu") throw error;
    const llama = await getLlama({gpu: "auto", build: "never", logLevel: "error" as never});
    return {
      llama,
      requested,
      notice: `The ${requested.toUpperCase()} backend is not available on this machine (${(error as Error).message.split("\n")[0]}); using ${backendOf(llama).toUpperCase()} instead.`,
    };
  }
}

export async function describeGpu(runtime: LlamaRuntime): Promise<GpuInfo> {
  const {llama} = runtime;
  const [devices, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
  return {
    backend: backendOf(llama),
    requested: runtime.requested,
    devices,
    vram: {total: vram.total, used: vram.used, free: vram.free},
    ram: {total: os.totalmem(), free: os.freemem()},
    cpuThreads: llama.cpuMathCores,
    defaultThreads: threadsFor(undefined, llama.cpuMathCores),
    notice: runtime.notice,
  };
}
