import path from "node:path";
import {GgufInsights, getLlama, type Llama, type LlamaModel} from "node-llama-cpp";
import {DesksideError, type ErrorCode} from "../../../shared/errors.js";
import {inspectModel} from "../llm/gguf-inspector.js";

export interface GgufModelOptions {
  /** The app's runtime, shared so one process does not load the backend twice. Without it a CPU-only runtime is created and owned. */
  llama?: Llama;
  /** Rejects a model unfit for the job before its weights are read (throw a DesksideError). */
  check?: (insights: GgufInsights, name: string) => void;
  /** Code for a model that passes the checks but fails to load. */
  failureCode: ErrorCode;
  /** Code for a path with no file (default MODEL_NOT_FOUND). */
  missingCode?: ErrorCode;
}

export interface LoadedGgufModel {
  llama: Llama;
  model: LlamaModel;
  /** Disposes the model, and the runtime when it was created here. */
  release(): Promise<void>;
}

/**
 * Loads a GGUF for an auxiliary job (embedding, re-ranking). A missing or damaged file is
 * MODEL_NOT_FOUND / MODEL_INVALID from the metadata alone, so a wrong choice costs no weight load.
 */
export async function loadGgufModel(modelPath: string, options: GgufModelOptions): Promise<LoadedGgufModel> {
  const name = path.basename(modelPath);
  const {gguf} = await inspectModel(modelPath, "path").catch((error: unknown) => {
    if (options.missingCode && error instanceof DesksideError && error.code === "MODEL_NOT_FOUND") throw new DesksideError(options.missingCode, `No model file at ${name}.`);
    throw error;
  });
  // A runtime of our own stays on the CPU: the GPU's memory belongs to the chat model.
  const ownsLlama = !options.llama;
  const llama = options.llama ?? (await getLlama({gpu: false, build: "never", logLevel: "error" as never}));
  const releaseLlama = async () => {
    if (ownsLlama) await llama.dispose();
  };
  let model: LlamaModel;
  try {
    options.check?.(await GgufInsights.from(gguf, llama), name);
    model = await llama.loadModel({modelPath});
  } catch (error) {
    await releaseLlama();
    if (error instanceof DesksideError) throw error;
    throw new DesksideError(options.failureCode, `${name} could not be loaded: ${(error as Error)?.message ?? error}`, {cause: error});
  }
  return {
    llama,
    model,
    async release() {
      await model.dispose();
      await releaseLlama();
    },
  };
}

/**
 * CPU threads for an embedding or ranking context: the chosen number, else one per core the runtime
 * counts. node-llama-cpp's own default oversubscribes small machines: on 2 cores a tiny embedder took
 * 222 ms per text with it, against 12 ms with one thread and 19 ms with two.
 */
export function ggufThreads(chosen: number | undefined, llama: Llama): number {
  return chosen && chosen > 0 ? chosen : Math.max(1, llama.cpuMathCores);
}
