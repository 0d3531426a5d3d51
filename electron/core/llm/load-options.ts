import type {Settings} from "../../../shared/settings.js";
import type {LoadOptions} from "./local-engine.js";

/** The settings a model load is made from. */
export type LlmLoadSettings = Pick<Settings["llm"], "gpuLayers" | "contextSize" | "batchSize" | "flashAttention" | "threads" | "parallelSequences" | "queueLimit" | "speculative" | "draftModel">;

/** What a user may choose when loading a model (Models & GPU); anything left out comes from the settings. */
export interface LoadChoices {
  gpuLayers?: LoadOptions["gpuLayers"];
  contextSize?: LoadOptions["contextSize"];
  threads?: number;
  parallelSequences?: number;
  flashAttention?: boolean;
  /** null is a choice too: node-llama-cpp's default batch size. */
  batchSize?: number | null;
}

/** The engine's load options for a model: the user's choices over the `llm` settings. */
export function loadOptionsFrom(llm: LlmLoadSettings, model: string, choices: LoadChoices = {}): LoadOptions {
  return {
    model,
    gpuLayers: choices.gpuLayers ?? llm.gpuLayers,
    contextSize: choices.contextSize ?? llm.contextSize,
    batchSize: choices.batchSize === undefined ? llm.batchSize : choices.batchSize,
    flashAttention: choices.flashAttention ?? llm.flashAttention,
    threads: choices.threads ?? llm.threads,
    sequences: choices.parallelSequences ?? llm.parallelSequences,
    queueLimit: llm.queueLimit,
    speculative: llm.speculative === "draft-model" ? (llm.draftModel ? {draftModel: llm.draftModel} : "off") : llm.speculative,
  };
}

/**
 * The CPU threads a context is created with: the chosen number, else one per CPU core.
 * node-llama-cpp's own default on its CPU backend is at least 4, more than a 2-core machine has;
 * naming the count here keeps what runs and what the Models panel shows the same.
 */
export function threadsFor(chosen: number | undefined, cpuCores: number): number {
  return chosen && chosen > 0 ? chosen : Math.max(1, cpuCores);
}

/** The settings that make the next start load the same model with the same explicit choices. */
export function rememberedLoad(modelPath: string, choices: LoadChoices): Partial<Settings["llm"]> {
  return {
    model: modelPath,
    ...(choices.gpuLayers !== undefined && {gpuLayers: choices.gpuLayers}),
    ...(choices.contextSize !== undefined && {contextSize: choices.contextSize}),
    ...(choices.threads !== undefined && {threads: choices.threads}),
    ...(choices.parallelSequences !== undefined && {parallelSequences: choices.parallelSequences}),
    ...(choices.flashAttention !== undefined && {flashAttention: choices.flashAttention}),
  };
}
