import {toErrorInfo} from "../../../shared/errors.js";
import type {EventSink} from "../../../shared/contract.js";
import type {GpuInfo, LoadedModel, ModelInfo} from "../../../shared/models.js";
import type {Settings} from "../../../shared/settings.js";
import {loadOptionsFrom, rememberedLoad, type LoadChoices} from "./load-options.js";
import type {LocalEngine} from "./local-engine.js";
import type {Readable} from "node:stream";
import {importModelFile, importModelStream} from "./model-import.js";

export interface ModelServiceDeps {
  engine: Pick<LocalEngine, "listModels" | "gpuInfo" | "load" | "unload" | "cancelLoad" | "trackLoad">;
  /** The `llm` settings in effect, and where a user's load choice is remembered for the next start. */
  settings: {llm(): Settings["llm"]; remember(patch: Partial<Settings["llm"]>): void};
  /** `<data>/models`: where imported models are copied. */
  modelsDir: string;
  events: EventSink<"app.notice">;
  log: {info(message: string): void; warn(message: string): void};
}

/** The chat models on this machine: list, load with the settings' options, import, and the model loaded at start. */
export class ModelService {
  constructor(private readonly deps: ModelServiceDeps) {}

  list(): Promise<ModelInfo[]> {
    const llm = this.deps.settings.llm();
    return this.deps.engine.listModels({gpuLayers: llm.gpuLayers, contextSize: llm.contextSize, flashAttention: llm.flashAttention});
  }

  gpu(): Promise<GpuInfo> {
    return this.deps.engine.gpuInfo();
  }

  /** Loads a model (replacing the current one) and remembers the choice so the next start loads it the same way. */
  async load(model: string, choices: LoadChoices = {}): Promise<LoadedModel> {
    const loaded = await this.deps.engine.load(loadOptionsFrom(this.deps.settings.llm(), model, choices));
    this.deps.settings.remember(rememberedLoad(loaded.path, choices));
    return loaded;
  }

  unload(): Promise<void> {
    return this.deps.engine.unload();
  }

  cancelLoad(): void {
    this.deps.engine.cancelLoad();
  }

  /** Copies a .gguf into the models folder (desktop app: a path the user picked). */
  importFile(source: string): Promise<ModelInfo> {
    return importModelFile(source, this.deps.modelsDir);
  }

  /** Streams an uploaded .gguf into the models folder (browser: the file sent over HTTP). */
  importUpload(name: string, body: Readable, options: {maxBytes: number; signal?: AbortSignal}): Promise<ModelInfo> {
    return importModelStream(name, body, this.deps.modelsDir, options);
  }

  /**
   * The configured model, else the first one found that fits (bundled default included); none is
   * fine (retrieval-only). From the call on, the engine counts as loading, finding the model included.
   */
  loadDefault(): Promise<void> {
    return this.deps.engine.trackLoad(this.findAndLoadDefault());
  }

  private async findAndLoadDefault(): Promise<void> {
    const llm = this.deps.settings.llm();
    let request = llm.model;
    if (!request) {
      const models = await this.deps.engine.listModels().catch(() => []);
      // An embedding or re-ranking GGUF in the same folder serves search; it never answers chat.
      request = models.find((m) => m.role === "chat" && m.fit?.fits)?.path ?? null;
    }
    if (!request) {
      this.deps.log.info("No chat model found; running in retrieval-only mode.");
      return;
    }
    try {
      await this.deps.engine.load(loadOptionsFrom(llm, request));
    } catch (error) {
      const info = toErrorInfo(error);
      this.deps.log.warn(`The model could not be loaded (${info.code}): ${info.message}`);
      this.deps.events.emit("app.notice", {level: "warning", code: info.code, message: info.message});
    }
  }
}
