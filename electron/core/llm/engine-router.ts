import {DesksideError, isDesksideError} from "../../../shared/errors.js";
import type {ChatMessage, EngineStatus, GenerationResult} from "../../../shared/models.js";
import type {ChatEngine, GenerateOptions} from "./engine.js";

/** Errors that mean "this engine cannot serve now", as opposed to a problem with the request. */
const UNAVAILABLE = new Set(["MODEL_NOT_LOADED", "MODEL_LOADING", "REMOTE_UNREACHABLE", "REMOTE_ERROR", "GPU_UNAVAILABLE"]);

/**
 * Tries engines in order (local then remote, or the reverse). A later engine is used only when an
 * earlier one is unavailable and nothing has been streamed yet, so a user never sees two answers spliced.
 */
export class EngineRouter implements ChatEngine {
  constructor(private readonly order: () => ChatEngine[]) {}

  get kind(): "local" | "remote" {
    return this.primary()?.kind ?? "local";
  }

  private primary(): ChatEngine | undefined {
    const engines = this.order();
    return engines.find((e) => e.isReady()) ?? engines[0];
  }

  isReady(): boolean {
    return this.order().some((e) => e.isReady());
  }

  status(): EngineStatus {
    const primary = this.primary();
    if (!primary) return {engine: "local", state: "none", model: null, progress: null, error: null, queue: {active: 0, waiting: 0, capacity: 0, limit: 0}, remote: null};
    return primary.status();
  }

  contextSize(): number {
    return this.primary()?.contextSize() ?? 0;
  }

  modelName(): string | null {
    return this.primary()?.modelName() ?? null;
  }

  countTokens(text: string): Promise<number> {
    const engine = this.primary();
    if (!engine) throw new DesksideError("MODEL_NOT_LOADED", "No model is loaded and no remote server is configured.");
    return engine.countTokens(text);
  }

  async generate(messages: ChatMessage[], options: GenerateOptions = {}): Promise<GenerationResult> {
    const engines = this.order();
    if (engines.length === 0) throw new DesksideError("MODEL_NOT_LOADED", "No model is loaded and no remote server is configured.");
    let streamed = false;
    const onText = (text: string) => {
      streamed = true;
      options.onText?.(text);
    };
    let lastError: unknown;
    for (const engine of engines) {
      try {
        return await engine.generate(messages, {...options, onText});
      } catch (error) {
        lastError = error;
        if (streamed || !isDesksideError(error) || !UNAVAILABLE.has(error.code)) throw error;
      }
    }
    throw lastError;
  }
}
