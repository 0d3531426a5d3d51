import fs from "node:fs/promises";
import path from "node:path";
import {GgufFileType, GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama} from "node-llama-cpp";
import {DesksideError} from "../../../shared/errors.js";
import {ggufRole, type ModelFit, type ModelInfo, type ModelSource} from "../../../shared/models.js";

export interface InspectedModel {
  info: ModelInfo;
  gguf: GgufFileInfo;
}

function formatParameters(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(count >= 1e10 ? 0 : 1)}B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(count >= 1e7 ? 0 : 1)}M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(0)}K`;
  return String(count);
}

/** GGUF's file type as people name quantizations: MOSTLY_Q4_K_M → Q4_K_M, ALL_F32 → F32. */
export function quantizationName(fileType: number | undefined): string {
  if (fileType === undefined) return "unknown";
  const name = (GgufFileType as unknown as Record<number, string | undefined>)[fileType];
  return name ? name.replace(/^(MOSTLY|ALL)_/, "") : `type ${fileType}`;
}

/**
 * Reads a GGUF file's metadata without loading its weights. Anything that is not a complete GGUF
 * becomes MODEL_NOT_FOUND or MODEL_INVALID so callers never see a parser's own error.
 */
export async function inspectModel(modelPath: string, source: ModelSource, llama?: Llama): Promise<InspectedModel> {
  let stat;
  try {
    stat = await fs.stat(modelPath);
  } catch {
    throw new DesksideError("MODEL_NOT_FOUND", `No model file at ${path.basename(modelPath)}; import a .gguf model in Models.`);
  }
  if (!stat.isFile()) throw new DesksideError("MODEL_NOT_FOUND", `${path.basename(modelPath)} is not a file; pick a .gguf model file.`);
  await checkHeader(modelPath, stat.size);
  let gguf: GgufFileInfo;
  try {
    gguf = await readGgufFileInfo(modelPath, {readTensorInfo: true});
  } catch (error) {
    const reason = /magic/i.test(String((error as Error).message)) ? "it is not a GGUF model file" : "the file is truncated or damaged";
    throw new DesksideError("MODEL_INVALID", `${path.basename(modelPath)} cannot be used: ${reason}.`, {cause: error});
  }
  const truncated = await isTruncated(gguf, stat.size);
  if (truncated) throw new DesksideError("MODEL_INVALID", `${path.basename(modelPath)} cannot be used: the file is truncated (incomplete download?).`);

  const general = (gguf.metadata?.general ?? {}) as Record<string, unknown>;
  const arch = (gguf.architectureMetadata ?? {}) as Record<string, unknown>;
  const insights = llama ? await GgufInsights.from(gguf, llama) : null;
  const parameterCount = insights?.totalParameters ?? 0;
  const sizeLabel = typeof general.size_label === "string" ? general.size_label : null;
  const tokenizer = (gguf.metadata as unknown as {tokenizer?: {chat_template?: string}}).tokenizer;
  return {
    gguf,
    info: {
      id: path.basename(modelPath),
      path: modelPath,
      source,
      name: typeof general.name === "string" && general.name ? general.name : path.basename(modelPath, ".gguf"),
      architecture: String(general.architecture ?? "unknown"),
      parameters: sizeLabel ?? (parameterCount ? formatParameters(parameterCount) : "unknown"),
      parameterCount,
      quantization: quantizationName(general.file_type as number | undefined),
      sizeBytes: stat.size,
      trainedContext: typeof arch.context_length === "number" ? arch.context_length : null,
      hasChatTemplate: typeof tokenizer?.chat_template === "string",
      role: ggufRole(modelPath),
      fit: null,
    },
  };
}

/** Smallest possible entries: a tensor's name (8-byte length, 1 byte), dimension count, one dimension, type, offset; a key-value pair's key, type and a 1-byte value. */
const MIN_TENSOR_INFO_BYTES = 33;
const MIN_METADATA_ENTRY_BYTES = 14;

/**
 * GGUF's fixed header (magic, version, tensor and key-value counts), checked before the parser sees
 * the file: a damaged one claiming billions of tensors had the parser run on for minutes with the
 * model list waiting. Counts that could not fit in the file, or an unknown version, are damage.
 */
async function checkHeader(modelPath: string, size: number): Promise<void> {
  const name = path.basename(modelPath);
  const header = Buffer.alloc(24);
  const file = await fs.open(modelPath, "r");
  let read: number;
  try {
    ({bytesRead: read} = await file.read(header, 0, 24, 0));
  } finally {
    await file.close();
  }
  if (read < 4 || header.toString("latin1", 0, 4) !== "GGUF") throw new DesksideError("MODEL_INVALID", `${name} cannot be used: it is not a GGUF model file.`);
  const damaged = () => new DesksideError("MODEL_INVALID", `${name} cannot be used: the file is truncated or damaged.`);
  if (read < 24) throw damaged();
  const version = header.readUInt32LE(4);
  if (version < 2 || version > 3) throw damaged();
  const tensors = header.readBigUInt64LE(8);
  const entries = header.readBigUInt64LE(16);
  if (tensors * BigInt(MIN_TENSOR_INFO_BYTES) > BigInt(size) || entries * BigInt(MIN_METADATA_ENTRY_BYTES) > BigInt(size)) throw damaged();
}

/** The tensor data must reach the end of the last tensor; a short file is a partial download. */
async function isTruncated(gguf: GgufFileInfo, fileSize: number): Promise<boolean> {
  const tensors = gguf.fullTensorInfo ?? gguf.tensorInfo;
  if (!tensors || tensors.length === 0) return false;
  const last = tensors.reduce((a, b) => (Number(b.offset) > Number(a.offset) ? b : a));
  const dataStart = gguf.tensorInfoSize !== undefined ? Number(gguf.metadataSize) + Number(gguf.tensorInfoSize) : 0;
  return dataStart > 0 && dataStart + Number(last.offset) > fileSize;
}

/** Scores how well a model fits this machine with the requested GPU layers and context size. */
export async function estimateFit(
  gguf: GgufFileInfo,
  llama: Llama,
  target: {gpuLayers: "auto" | "max" | number; contextSize: "auto" | number; flashAttention?: boolean},
  /** Replaces the machine's memory readings (to simulate a smaller machine). */
  probe?: {getRamState?(): Promise<{total: number; free: number}>; getVramState?(): Promise<{total: number; free: number; unifiedSize: number}>},
): Promise<ModelFit> {
  const insights = await GgufInsights.from(gguf, llama);
  const scored = await insights.configurationResolver.resolveAndScoreConfig({
    targetGpuLayers: target.gpuLayers === "auto" ? undefined : target.gpuLayers,
    targetContextSize: target.contextSize === "auto" ? undefined : target.contextSize,
    flashAttention: target.flashAttention,
  }, probe ? {getRamState: probe.getRamState, getVramState: probe.getVramState} : undefined);
  return {
    score: scored.compatibilityScore,
    fits: scored.compatibilityScore > 0,
    gpuLayers: scored.resolvedValues.gpuLayers,
    totalLayers: insights.totalLayers,
    contextSize: scored.resolvedValues.contextSize,
    vramBytes: scored.resolvedValues.totalVramUsage,
    ramBytes: scored.resolvedValues.totalRamUsage,
  };
}
