import type {GpuInfo, ModelFit} from "../../../../shared/models.js";
import type {Tone} from "../../ui/Badge.js";
import {formatBytes} from "../../ui/format.js";

export type FitVerdict = "fits" | "partial" | "no" | "unknown";

/** On the CPU backend there is nothing to offload: a model either fits in RAM or it does not. */
export function fitVerdict(fit: ModelFit | null, backend: GpuInfo["backend"] | null = null): FitVerdict {
  if (!fit) return "unknown";
  if (!fit.fits) return "no";
  if (backend === "cpu") return "fits";
  return fit.gpuLayers >= fit.totalLayers ? "fits" : "partial";
}

export const FIT_LABEL: Record<FitVerdict, {label: string; tone: Tone}> = {
  fits: {label: "Fits", tone: "success"},
  partial: {label: "Partial offload", tone: "warning"},
  no: {label: "Doesn't fit", tone: "danger"},
  unknown: {label: "Fit unknown", tone: "neutral"},
};

export function fitExplanation(fit: ModelFit | null, backend: GpuInfo["backend"] | null = null): string {
  if (!fit) return "No estimate for this model.";
  if (backend === "cpu") return `Runs on the CPU at a ${fit.contextSize.toLocaleString()}-token context; needs about ${formatBytes(fit.ramBytes)} of RAM.`;
  return `${fit.gpuLayers} of ${fit.totalLayers} layers on the GPU at a ${fit.contextSize.toLocaleString()}-token context; needs about ${formatBytes(fit.vramBytes)} of VRAM and ${formatBytes(fit.ramBytes)} of RAM.`;
}
