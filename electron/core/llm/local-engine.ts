import {statSync} from "node:fs";
import path from "node:path";
import {
  DraftSequenceTokenPredictor,
  InputLookupTokenPredictor,
  LlamaChat,
  LlamaCompletion,
  resolveChatWrapper,
  type ChatWrapper,
  type GgufFileInfo,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from "node-llama-cpp";
import {DesksideError, isDesksideError} from "../../../shared/errors.js";
import type {EventSink} from "../../../shared/contract.js";
import {ggufRole, type ChatMessage, type EngineStatus, type GenerationResult, type GpuInfo, type LoadedModel, type ModelInfo, type ModelState} from "../../../shared/models.js";
import type {GpuChoice} from "../../../shared/settings.js";
import type {ChatEngine, GenerateOptions} from "./engine.js";
import {toLlamaHistory} from "./chat-history.js";
import {estimateFit, inspectModel} from "./gguf-inspector.js";
import {assertSchemaBounds} from "./json-schema-bounds.js";
import {createLlamaRuntime, describeGpu, type LlamaRuntime} from "./llama-runtime.js";
import {threadsFor} from "./load-options.js";
import {findModelFiles, resolveModelRequest, type ModelFolder} from "./model-discovery.js";
import {plainPrompt} from "./plain-prompt.js";
import {SequencePool} from "./sequence-pool.js";
import {StopScanner} from "./stop-scanner.js";

export interface LoadOptions {
  /** A .gguf path or a file name inside the model folders. */
  model: string;
  gpuLayers?: "auto" | "max" | number;
  contextSize?: "auto" | number;
  batchSize?: number | null;
  flashAttention?: boolean;
  /** 0 or undefined: one per CPU core (threadsFor in load-options.ts). */
  threads?: number;
  sequences?: number;
  queueLimit?: number;
  /**
   * Speculative decoding: off, guesses from the prompt, a draft model (path or name in the model
   * folders), or "auto": prompt lookup when the model has layers on a GPU. Default "off".
   */
  speculative?: "auto" | "off" | "prompt-lookup" | {draftModel: string};
  signal?: AbortSignal;
}

/** Machine memory as seen by the fit estimate; replaceable so a small machine can be simulated. */
export interface ResourceProbe {
  getRamState?(): Promise<{total: number; free: number}>;
  getVramState?(): Promise<{total: number; free: number; unifiedSize: number}>;
}

/** The events the engine announces: its state (loaded, loading, queue) and model-load progress. */
export type EngineEvents = EventSink<"models.status" | "models.loadProgress">;

export interface LocalEngineOptions {
  gpu: GpuChoice;
  modelFolders: () => ModelFolder[];
  resourceProbe?: ResourceProbe;
  /** Where state changes go (the app's event bus); left out by tools that only generate. */
  events?: EngineEvents;
  /**
   * Waits this long at the start of every load. Only for tests: the fixture model loads in a moment,
   * and this keeps a load in progress long enough to send requests during it.
   */
  loadDelayMs?: number;
}

const NO_EVENTS: EngineEvents = {emit: () => undefined};

/** Compiled grammars kept for reuse, one per distinct JSON schema (plus plain JSON). */
const MAX_CACHED_GRAMMARS = 32;
/** How long an unload waits for aborted generations to stop before freeing the model anyway. */
const UNLOAD_GRACE_MS = 2000;

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  /** The draft model and its context, when speculative decoding uses one. */
  draft: {model: LlamaModel; context: LlamaContext} | null;
  pool: SequencePool<LlamaContextSequence>;
  /** The model's chat template, resolved once: resolving a Jinja template is not free. */
  chatWrapper: ChatWrapper;
  info: LoadedModel;
  options: LoadOptions;
}

/** Runs GGUF models in-process through node-llama-cpp: one context, N parallel sequences. */
export class LocalEngine implements ChatEngine {
  readonly kind = "local" as const;
  private readonly events: EngineEvents;
  private runtimePromise: Promise<LlamaRuntime> | null = null;
  private loaded: Loaded | null = null;
  private state: ModelState = "none";
  private progress: number | null = null;
  private lastError: {code: string; message: string} | null = null;
  private loadController: AbortController | null = null;
  private loadChain: Promise<unknown> = Promise.resolve();
  /** Loads underway or announced (start-up choosing its model); requests may wait for them. */
  private pendingLoads = 0;
  private loadsSettled: {promise: Promise<DesksideError | null>; resolve: (failure: DesksideError | null) => void} | null = null;
  /** Why the latest load failed (a cancelled one does not count); null once a load succeeds or another starts. */
  private loadFailure: DesksideError | null = null;
  /** Generations running now, each with the promise that settles when it has let go of its sequence. */
  private readonly inFlight = new Map<AbortController, Promise<void>>();
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  /** Whose tokens each context sequence holds (see GenerateOptions.cacheScope). */
  private readonly cacheScopes = new WeakMap<LlamaContextSequence, string>();
  private readonly inspected = new Map<string, {mtimeKey: string; gguf: GgufFileInfo; info: ModelInfo}>();

  constructor(private readonly options: LocalEngineOptions) {
    this.events = options.events ?? NO_EVENTS;
  }

  private runtime(): Promise<LlamaRuntime> {
    this.runtimePromise ??= createLlamaRuntime(this.options.gpu).catch((error) => {
      this.runtimePromise = null;
      throw new DesksideError("GPU_UNAVAILABLE", `No llama.cpp backend could start on this machine: ${(error as Error).message}`, {cause: error});
    });
    return this.runtimePromise;
  }

  async llama(): Promise<Llama> {
    return (await this.runtime()).llama;
  }

  async gpuInfo(): Promise<GpuInfo> {
    return describeGpu(await this.runtime());
  }

  isReady(): boolean {
    return this.loaded !== null && this.state === "loaded";
  }

  modelName(): string | null {
    return this.loaded?.info.name ?? null;
  }

  loadedModel(): LoadedModel | null {
    return this.loaded ? {...this.loaded.info} : null;
  }

  contextSize(): number {
    return this.loaded?.context.contextSize ?? 0;
  }

  status(): EngineStatus {
    return {
      engine: "local",
      state: this.state,
      model: this.loadedModel(),
      progress: this.progress,
      error: this.lastError,
      pending: this.pendingLoads > 0,
      queue: this.loaded?.pool.stats() ?? {active: 0, waiting: 0, capacity: 0, limit: 0},
      remote: null,
    };
  }

  private setState(state: ModelState, progress: number | null = null): void {
    this.state = state;
    this.progress = progress;
    this.events.emit("models.status", this.status());
  }

  /** Every model the folders hold, with metadata and a fit estimate for this machine. */
  async listModels(target: Pick<LoadOptions, "gpuLayers" | "contextSize" | "flashAttention"> = {}): Promise<ModelInfo[]> {
    const llama = await this.llama();
    const files = await findModelFiles(this.options.modelFolders());
    const out: ModelInfo[] = [];
    for (const file of files) {
      try {
        const {gguf, info} = await this.inspect(file.path, file.source, llama);
        out.push({...info, fit: await estimateFit(gguf, llama, {gpuLayers: target.gpuLayers ?? "auto", contextSize: target.contextSize ?? "auto", flashAttention: target.flashAttention})});
      } catch (error) {
        if (!isDesksideError(error)) throw error;
        // Broken files stay listed so the user sees why they cannot be used.
        out.push({id: path.basename(file.path), path: file.path, source: file.source, name: `${path.basename(file.path)} (${error.message})`, architecture: "unknown", parameters: "unknown", parameterCount: 0, quantization: "unknown", sizeBytes: 0, trainedContext: null, hasChatTemplate: false, role: ggufRole(file.path), fit: null});
      }
    }
    return out;
  }

  private async inspect(modelPath: string, source: ModelInfo["source"], llama: Llama) {
    let mtimeKey = "";
    try {
      const stat = statSync(modelPath);
      mtimeKey = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      /* inspectModel reports the missing file */
    }
    const cached = this.inspected.get(modelPath);
    if (cached && cached.mtimeKey === mtimeKey) return {gguf: cached.gguf, info: {...cached.info, source}};
    const {gguf, info} = await inspectModel(modelPath, source, llama);
    this.inspected.set(modelPath, {mtimeKey, gguf, info});
    return {gguf, info};
  }

  /**
   * Loads a model, replacing the current one. Everything that can be checked without loading is
   * checked first, so a bad request leaves the previous model in place.
   */
  load(options: LoadOptions): Promise<LoadedModel> {
    this.loadController?.abort();
    const controller = new AbortController();
    this.loadController = controller;
    options.signal?.addEventListener("abort", () => controller.abort(), {once: true});
    this.loadFailure = null;
    const run = this.loadChain.then(() => this.loadNow(options, controller.signal));
    this.loadChain = run.catch(() => undefined);
    void this.trackLoad(
      run.then(
        () => {
          this.loadFailure = null;
        },
        (error: unknown) => {
          this.loadFailure = isDesksideError(error) && error.code !== "CANCELLED" ? error : null;
        },
      ),
    );
    return run;
  }

  /**
   * Counts `work` as a load in progress until it settles. Start-up wraps its choice of the default
   * model in it, so the time spent finding that model already counts as loading.
   */
  trackLoad<T>(work: Promise<T>): Promise<T> {
    this.pendingLoads++;
    if (this.pendingLoads === 1) this.events.emit("models.status", this.status());
    const settle = () => {
      this.pendingLoads--;
      if (this.pendingLoads === 0) this.events.emit("models.status", this.status());
      if (this.pendingLoads > 0 || !this.loadsSettled) return;
      const {resolve} = this.loadsSettled;
      this.loadsSettled = null;
      resolve(this.isReady() ? null : this.loadFailure);
    };
    work.then(settle, settle);
    return work;
  }

  /** Whether a model load is in progress or announced. */
  isLoadPending(): boolean {
    return this.pendingLoads > 0;
  }

  /**
   * Resolves once no load is in progress: with the latest load's error when it failed and no model
   * is loaded, else null (a model is loaded, or none was to be loaded, or the load was cancelled).
   */
  whenLoadSettled(): Promise<DesksideError | null> {
    if (this.pendingLoads === 0) return Promise.resolve(this.isReady() ? null : this.loadFailure);
    if (!this.loadsSettled) {
      let resolve!: (failure: DesksideError | null) => void;
      const promise = new Promise<DesksideError | null>((done) => (resolve = done));
      this.loadsSettled = {promise, resolve};
    }
    return this.loadsSettled.promise;
  }

  cancelLoad(): void {
    this.loadController?.abort();
  }

  private async loadNow(options: LoadOptions, signal: AbortSignal): Promise<LoadedModel> {
    const started = performance.now();
    if (this.options.loadDelayMs) await delay(this.options.loadDelayMs, signal);
    const llama = await this.llama();
    const found = await resolveModelRequest(options.model, this.options.modelFolders());
    if (!found) throw this.fail(new DesksideError("MODEL_NOT_FOUND", `No .gguf model named "${path.basename(options.model)}" was found; import one in Models.`), false);
    const {gguf, info} = await this.inspect(found.path, found.source, llama).catch((error) => {
      throw this.fail(error, false);
    });
    const fit = await this.checkFit(gguf, info, llama, options).catch((error) => {
      throw this.fail(error, false);
    });
    const speculative = options.speculative;
    const draftFound = speculative && typeof speculative === "object" ? await resolveModelRequest(speculative.draftModel, this.options.modelFolders()) : null;
    if (speculative && typeof speculative === "object" && !draftFound)
      throw this.fail(new DesksideError("MODEL_NOT_FOUND", `No draft model named "${path.basename(speculative.draftModel)}" was found; pick one in Models or turn speculative decoding off.`), false);
    if (signal.aborted) throw new DesksideError("CANCELLED", "Model loading was cancelled.");

    const previous = this.loaded;
    if (previous) await this.unloadNow();
    this.setState("loading", 0);
    let model: LlamaModel | null = null;
    let draft: Loaded["draft"] = null;
    try {
      model = await llama.loadModel({
        modelPath: found.path,
        gpuLayers: options.gpuLayers === "auto" || options.gpuLayers === undefined ? fit.gpuLayers : options.gpuLayers,
        loadSignal: signal,
        onLoadProgress: (progress) => {
          this.progress = progress;
          this.events.emit("models.loadProgress", {model: info.id, progress});
        },
      });
      const sequences = options.sequences ?? 4;
      const context = await model.createContext({
        contextSize: options.contextSize === "auto" || options.contextSize === undefined ? {max: fit.contextSize} : options.contextSize,
        sequences,
        threads: threadsFor(options.threads, llama.cpuMathCores),
        batchSize: options.batchSize ?? undefined,
        flashAttention: options.flashAttention ?? false,
        createSignal: signal,
      });
      draft = draftFound ? await loadDraft(draftFound.path, llama, context, signal) : null;
      const speculative = options.speculative === "auto" ? (model.gpuLayers > 0 ? "prompt-lookup" : "off") : options.speculative;
      const slots = Array.from({length: sequences}, () => context.getSequence({tokenPredictor: tokenPredictorFor(speculative, draft?.context)}));
      this.loaded = {
        model,
        context,
        draft,
        pool: new SequencePool(slots, options.queueLimit ?? 16),
        chatWrapper: resolveChatWrapper(model),
        options,
        info: {
          id: info.id,
          path: found.path,
          name: info.name,
          contextSize: context.contextSize,
          gpuLayers: model.gpuLayers,
          sequences,
          threads: context.currentThreads,
          loadMs: Math.round(performance.now() - started),
          speculative: draft ? `draft: ${draft.model.filename ?? "model"}` : speculative === "prompt-lookup" ? "prompt-lookup" : "off",
        },
      };
      this.lastError = null;
      this.setState("loaded", 1);
      return {...this.loaded.info};
    } catch (error) {
      await draft?.model.dispose().catch(() => undefined);
      await model?.dispose().catch(() => undefined);
      if (signal.aborted) {
        this.setState("none");
        throw new DesksideError("CANCELLED", "Model loading was cancelled.");
      }
      const mapped = /memory|alloc/i.test(String((error as Error)?.message))
        ? new DesksideError("MODEL_TOO_LARGE", `${info.name} does not fit in this machine's memory with these settings; lower the context size or GPU layers, or pick a smaller model.`, {cause: error})
        : new DesksideError("MODEL_INVALID", `${info.name} could not be loaded: ${(error as Error)?.message ?? error}`, {cause: error});
      this.fail(mapped, true);
      // Put the previous model back so a failed switch does not leave the technician without one.
      if (previous) await this.loadNow(previous.options, new AbortController().signal).catch(() => undefined);
      throw mapped;
    }
  }

  private async checkFit(gguf: GgufFileInfo, info: ModelInfo, llama: Llama, options: LoadOptions) {
    const requestedContext = options.contextSize ?? "auto";
    if (requestedContext !== "auto" && info.trainedContext && requestedContext > info.trainedContext)
      throw new DesksideError("CONTEXT_TOO_LARGE", `${info.name} was trained for ${info.trainedContext} tokens of context; ${requestedContext} is more than it can use. Choose ${info.trainedContext} or less.`);
    const probe = this.options.resourceProbe;
    const gpuLayers = options.gpuLayers ?? "auto";
    const fit = await estimateFit(gguf, llama, {gpuLayers, contextSize: requestedContext, flashAttention: options.flashAttention}, probe);
    if (!fit.fits) {
      const modelOnly = await estimateFit(gguf, llama, {gpuLayers, contextSize: 512}, probe);
      if (!modelOnly.fits || requestedContext === "auto")
        throw new DesksideError("MODEL_TOO_LARGE", `${info.name} (${formatBytes(info.sizeBytes)}) does not fit in this machine's memory; pick a smaller model or quantization.`);
      throw new DesksideError("CONTEXT_TOO_LARGE", `A ${requestedContext}-token context for ${info.name} does not fit in memory; try ${modelOnly.contextSize} or less.`);
    }
    return fit;
  }

  private fail(error: unknown, setFailedState: boolean): unknown {
    if (isDesksideError(error)) {
      this.lastError = error.toInfo();
      if (setFailedState) this.setState(this.loaded ? "loaded" : "failed");
      else this.events.emit("models.status", this.status());
    }
    return error;
  }

  async unload(): Promise<void> {
    this.loadController?.abort();
    const run = this.loadChain.then(() => this.unloadNow());
    this.loadChain = run.catch(() => undefined);
    await run;
  }

  private async unloadNow(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    this.setState("unloading");
    for (const controller of this.inFlight.keys()) controller.abort();
    loaded.pool.rejectWaiting(new DesksideError("MODEL_NOT_LOADED", "The model was unloaded before this request started."));
    // An aborted generation stops at its next token; the context is freed after that, since a
    // sampling step still queued on a freed context throws where no caller can catch it.
    await Promise.race([Promise.all(this.inFlight.values()), new Promise((resolve) => setTimeout(resolve, UNLOAD_GRACE_MS).unref())]);
    this.loaded = null;
    this.grammars.clear();
    await loaded.context.dispose().catch(() => undefined);
    await loaded.model.dispose().catch(() => undefined);
    await loaded.draft?.context.dispose().catch(() => undefined);
    await loaded.draft?.model.dispose().catch(() => undefined);
    this.setState("none");
  }

  async countTokens(text: string): Promise<number> {
    if (!this.loaded) throw new DesksideError("MODEL_NOT_LOADED", "No model is loaded; load one in Models.");
    return this.loaded.model.tokenize(text).length;
  }

  private grammarFor(options: GenerateOptions, llama: Llama): Promise<LlamaGrammar> | undefined {
    if (options.jsonSchema) {
      // Measured first: the grammar builder recurses and its time grows faster than the schema.
      assertSchemaBounds(options.jsonSchema);
      const key = JSON.stringify(options.jsonSchema);
      let grammar = this.grammars.get(key);
      if (!grammar) {
        // Distinct schemas each keep a native grammar; the oldest goes once there are enough.
        if (this.grammars.size >= MAX_CACHED_GRAMMARS) this.grammars.delete(this.grammars.keys().next().value as string);
        grammar = llama.createGrammarForJsonSchema(options.jsonSchema as never).catch((error) => {
          this.grammars.delete(key);
          throw new DesksideError("INVALID_INPUT", `The JSON schema cannot be used for generation: ${(error as Error).message}`);
        });
        this.grammars.set(key, grammar);
      }
      return grammar;
    }
    if (options.jsonObject) {
      let grammar = this.grammars.get("json");
      if (!grammar) {
        grammar = llama.getGrammarFor("json");
        this.grammars.set("json", grammar);
      }
      return grammar;
    }
    return undefined;
  }

  async generate(messages: ChatMessage[], options: GenerateOptions = {}): Promise<GenerationResult> {
    const loaded = this.loaded;
    if (!loaded || this.state !== "loaded") throw new DesksideError("MODEL_NOT_LOADED", "No model is loaded; load one in Models.");
    const llama = await this.llama();
    const history = toLlamaHistory(messages);
    const grammar = await this.grammarFor(options, llama);
    const controller = new AbortController();
    const forward = () => controller.abort();
    options.signal?.addEventListener("abort", forward, {once: true});
    if (options.signal?.aborted) controller.abort();

    const queued = performance.now();
    const scope = options.cacheScope ?? "";
    const scopeOf = (candidate: LlamaContextSequence) => this.cacheScopes.get(candidate) ?? "";
    const sequence = await loaded.pool.acquire(controller.signal, options.onQueued, (candidate) => scopeOf(candidate) === scope).finally(() => {
      if (controller.signal.aborted) options.signal?.removeEventListener("abort", forward);
    });
    // Another caller's tokens are never reused (see GenerateOptions.cacheScope).
    if (scopeOf(sequence) !== scope) await sequence.clearHistory().catch(() => undefined);
    this.cacheScopes.set(sequence, scope);
    let settled!: () => void;
    this.inFlight.set(controller, new Promise<void>((resolve) => (settled = resolve)));
    this.events.emit("models.status", this.status());
    const started = performance.now();
    let firstTextAt: number | null = null;
    const plain = grammar ? null : plainPrompt(loaded.chatWrapper, loaded.model, history, options.maxTokens, loaded.context.contextSize);
    // A plain prompt is generated as a completion of the rendered template; the rest needs the chat layer.
    const generator = plain
      ? new LlamaCompletion({contextSequence: sequence, autoDisposeSequence: false})
      : new LlamaChat({contextSequence: sequence, autoDisposeSequence: false, chatWrapper: loaded.chatWrapper});
    const meterBefore = sequence.tokenMeter.getState();
    const speculating = sequence.tokenPredictor !== undefined;
    let emittedTokens = 0;
    let failed = false;
    const emit = (text: string) => {
      firstTextAt ??= performance.now();
      options.onText?.(text);
    };
    try {
      const sampling = {
        signal: controller.signal,
        stopOnAbortSignal: true,
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        topP: options.topP,
        topK: options.topK,
        seed: options.seed,
        repeatPenalty: penaltiesFor(options),
      };
      let response: {text: string; stopReason: string};
      if (generator instanceof LlamaCompletion) {
        // Stop strings are found in the streamed text; finding one ends generation like an abort, read as a stop.
        const scanner = new StopScanner([...plain!.stopTexts, ...(options.stop ?? [])]);
        let text = "";
        let stopped = false;
        const result = await generator.generateCompletionWithMeta(plain!.tokens, {
          ...sampling,
          // The prompt and max_tokens fit (plainPrompt checked), so nothing is ever shifted out.
          disableContextShift: true,
          onTextChunk: (piece) => {
            if (stopped) return;
            const next = scanner.push(piece);
            if (next.text) {
              text += next.text;
              emit(next.text);
            }
            if (next.stopped) {
              stopped = true;
              controller.abort();
            }
          },
          // With speculative decoding the meter also counts guessed tokens that were thrown away.
          onToken: speculating ? (tokens) => void (emittedTokens += tokens.length) : undefined,
        });
        const rest = stopped ? "" : scanner.flush();
        if (rest) {
          text += rest;
          emit(rest);
        }
        response = {text, stopReason: stopped ? "stop" : result.metadata.stopReason};
      } else {
        const result = await generator.generateResponse(history, {
          ...sampling,
          grammar,
          customStopTriggers: options.stop?.length ? options.stop : undefined,
          onTextChunk: emit,
          onResponseChunk: speculating ? (chunk) => void (emittedTokens += chunk.tokens.length) : undefined,
        });
        response = {text: result.response, stopReason: result.metadata.stopReason};
      }
      const ended = performance.now();
      const meter = sequence.tokenMeter.getState();
      const generatedTokens = meter.usedOutputTokens - meterBefore.usedOutputTokens;
      const completionTokens = speculating ? emittedTokens : generatedTokens;
      // The context now holds the whole prompt and what was generated; only the part of the prompt
      // not already there from the previous request was evaluated (the meter's input count).
      const evaluatedPromptTokens = meter.usedInputTokens - meterBefore.usedInputTokens;
      const promptTokens = Math.max(evaluatedPromptTokens, sequence.contextTokens.length - generatedTokens);
      const stopReason = response.stopReason;
      const generationMs = firstTextAt === null ? 0 : ended - firstTextAt;
      return {
        text: response.text,
        finishReason: stopReason === "abort" ? "abort" : stopReason === "maxTokens" ? "length" : "stop",
        usage: {promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, cachedPromptTokens: Math.max(0, promptTokens - evaluatedPromptTokens)},
        timings: {
          queueMs: started - queued,
          timeToFirstTokenMs: firstTextAt === null ? null : firstTextAt - started,
          totalMs: ended - queued,
          tokensPerSecond: completionTokens > 1 && generationMs > 0 ? ((completionTokens - 1) * 1000) / generationMs : null,
        },
        engine: "local",
        model: loaded.info.name,
      };
    } catch (error) {
      failed = true;
      if (isDesksideError(error)) throw error;
      throw new DesksideError("GENERATION_FAILED", `Generation failed: ${(error as Error)?.message ?? error}`, {cause: error});
    } finally {
      options.signal?.removeEventListener("abort", forward);
      this.inFlight.delete(controller);
      generator.dispose({disposeSequence: false});
      // The sequence keeps this request's tokens: the next request on it evaluates only what differs
      // from them (the system prompt, instructions and a conversation's earlier turns are reused), as
      // llama.cpp's server does with its prompt cache. A request that failed leaves no partial state.
      if (failed) await sequence.clearHistory().catch(() => undefined);
      if (this.loaded === loaded) loaded.pool.release(sequence);
      this.events.emit("models.status", this.status());
      settled();
    }
  }

  /** Aborts generation, frees the model and the backend. */
  async dispose(): Promise<void> {
    await this.unload().catch(() => undefined);
    const runtime = await this.runtimePromise?.catch(() => null);
    await runtime?.llama.dispose().catch(() => undefined);
    this.runtimePromise = null;
  }
}

/** node-llama-cpp's penalty settings, or false when none applies (it then skips that sampling step). */
function penaltiesFor(options: GenerateOptions) {
  const penalty = options.repeatPenalty && options.repeatPenalty > 1 ? options.repeatPenalty : undefined;
  const {frequencyPenalty, presencePenalty} = options;
  if (!penalty && !frequencyPenalty && !presencePenalty) return false as const;
  return {penalty, frequencyPenalty: frequencyPenalty || undefined, presencePenalty: presencePenalty || undefined};
}

/** A draft model's context with as many sequences as the main one, each sequence guessing for one of its slots. */
async function loadDraft(modelPath: string, llama: Llama, context: LlamaContext, signal: AbortSignal): Promise<Loaded["draft"]> {
  const model = await llama.loadModel({modelPath, loadSignal: signal});
  try {
    return {model, context: await model.createContext({contextSize: context.contextSize, sequences: context.totalSequences, threads: context.currentThreads, createSignal: signal})};
  } catch (error) {
    await model.dispose().catch(() => undefined);
    throw error;
  }
}

/** The guesser one sequence gets; a draft model lends each slot a sequence of its own. */
function tokenPredictorFor(speculative: LoadOptions["speculative"], draftContext: LlamaContext | undefined) {
  if (speculative === "prompt-lookup") return new InputLookupTokenPredictor();
  if (draftContext) return new DraftSequenceTokenPredictor(draftContext.getSequence());
  return undefined;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new DesksideError("CANCELLED", "Model loading was cancelled."));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", cancelled);
      resolve();
    }, ms);
    if (signal.aborted) cancelled();
    else signal.addEventListener("abort", cancelled, {once: true});
  });
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}
