import {DesksideError, isDesksideError} from "../../../shared/errors.js";
import type {ChatMessage, EngineStatus, GenerationResult} from "../../../shared/models.js";
import type {Settings} from "../../../shared/settings.js";
import type {ChatEngine, GenerateOptions} from "./engine.js";
import {approximateTokens} from "./token-estimate.js";

export interface RemoteEngineOptions {
  /** e.g. http://gpu-box:8000/v1 — the part before /chat/completions. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
  /** Extra attempts after a connection error (never after the server answered). */
  retries?: number;
  contextSize?: number;
  fetch?: typeof fetch;
}

interface CompletionChunk {
  choices?: {delta?: {content?: string | null}; message?: {content?: string | null}; finish_reason?: string | null}[];
  usage?: {prompt_tokens?: number; completion_tokens?: number} | null;
}

function isConnectError(error: unknown): boolean {
  const cause = (error as {cause?: {code?: string}})?.cause;
  return error instanceof TypeError || ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"].includes(cause?.code ?? "");
}

/** Any OpenAI-compatible server (vLLM, llama.cpp server, Ollama) behind the same interface as the local engine. */
export class RemoteEngine implements ChatEngine {
  readonly kind = "remote" as const;
  private reachable: boolean | null = null;
  private active = 0;

  constructor(private readonly options: RemoteEngineOptions) {}

  private get base(): string {
    return this.options.baseUrl.replace(/\/+$/, "");
  }

  isReady(): boolean {
    return Boolean(this.options.baseUrl && this.options.model);
  }

  modelName(): string | null {
    return this.options.model || null;
  }

  contextSize(): number {
    return this.options.contextSize ?? 8192;
  }

  async countTokens(text: string): Promise<number> {
    return approximateTokens(text);
  }

  status(): EngineStatus {
    return {
      engine: "remote",
      state: this.isReady() ? "loaded" : "none",
      model: null,
      progress: null,
      error: null,
      queue: {active: this.active, waiting: 0, capacity: 0, limit: 0},
      remote: {baseUrl: this.options.baseUrl, model: this.options.model, reachable: this.reachable},
    };
  }

  /** Lists the server's models; used by the settings panel's "test connection". */
  async listRemoteModels(signal?: AbortSignal): Promise<string[]> {
    const response = await this.request("/models", {method: "GET"}, signal);
    const body = (await response.json().catch(() => ({}))) as {data?: {id: string}[]};
    return (body.data ?? []).map((m) => m.id);
  }

  private async request(route: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    const doFetch = this.options.fetch ?? fetch;
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const response = await doFetch(`${this.base}${route}`, {
          ...init,
          signal: combined,
          headers: {"content-type": "application/json", ...(this.options.apiKey ? {authorization: `Bearer ${this.options.apiKey}`} : {}), ...init.headers},
        });
        this.reachable = true;
        if (!response.ok) {
          const text = await response.text().catch(() => "");
          let detail = text.slice(0, 300);
          try {
            detail = (JSON.parse(text) as {error?: {message?: string}}).error?.message ?? detail;
          } catch {
            /* not JSON */
          }
          throw new DesksideError("REMOTE_ERROR", `The remote server answered ${response.status}: ${detail || response.statusText}`, {details: {status: response.status}});
        }
        return response;
      } catch (error) {
        if (isDesksideError(error)) throw error;
        if (signal?.aborted) throw new DesksideError("CANCELLED", "The request was cancelled.");
        if (timeout.aborted) {
          this.reachable = false;
          throw new DesksideError("REMOTE_UNREACHABLE", `The remote server at ${this.base} did not answer within ${Math.round((this.options.timeoutMs ?? 60_000) / 1000)} s.`);
        }
        if (isConnectError(error) && attempt < retries) {
          await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
          continue;
        }
        this.reachable = false;
        throw new DesksideError("REMOTE_UNREACHABLE", `Cannot reach the remote server at ${this.base}; check the address and that it is running.`, {cause: error});
      }
    }
  }

  async generate(messages: ChatMessage[], options: GenerateOptions = {}): Promise<GenerationResult> {
    if (!this.isReady()) throw new DesksideError("REMOTE_UNREACHABLE", "No remote server is configured; set its address and model in Settings.");
    const started = performance.now();
    const body: Record<string, unknown> = {
      model: this.options.model,
      messages,
      stream: true,
      stream_options: {include_usage: true},
      max_tokens: options.maxTokens,
      temperature: options.temperature,
      top_p: options.topP,
      seed: options.seed,
      stop: options.stop?.length ? options.stop : undefined,
    };
    if (options.topK) body.top_k = options.topK;
    if (options.repeatPenalty && options.repeatPenalty !== 1) body.repetition_penalty = options.repeatPenalty;
    if (options.frequencyPenalty) body.frequency_penalty = options.frequencyPenalty;
    if (options.presencePenalty) body.presence_penalty = options.presencePenalty;
    if (options.jsonSchema) body.response_format = {type: "json_schema", json_schema: {name: "response", schema: options.jsonSchema, strict: true}};
    else if (options.jsonObject) body.response_format = {type: "json_object"};

    this.active++;
    let text = "";
    let firstAt: number | null = null;
    let finish: string | null = null;
    let usage: CompletionChunk["usage"] = null;
    try {
      const response = await this.request("/chat/completions", {method: "POST", body: JSON.stringify(body)}, options.signal);
      try {
        for await (const chunk of readServerSentEvents(response)) {
          const choice = chunk.choices?.[0];
          const piece = choice?.delta?.content ?? choice?.message?.content ?? "";
          if (piece) {
            firstAt ??= performance.now();
            text += piece;
            options.onText?.(piece);
          }
          if (choice?.finish_reason) finish = choice.finish_reason;
          if (chunk.usage) usage = chunk.usage;
        }
      } catch (error) {
        if (!options.signal?.aborted) throw new DesksideError("REMOTE_ERROR", `The remote server's stream broke off: ${(error as Error).message}`, {cause: error});
      }
    } catch (error) {
      if (!(options.signal?.aborted && text)) throw error;
    } finally {
      this.active--;
    }
    const ended = performance.now();
    const aborted = options.signal?.aborted ?? false;
    const promptTokens = usage?.prompt_tokens ?? approximateTokens(messages.map((m) => m.content).join("\n"));
    const completionTokens = usage?.completion_tokens ?? approximateTokens(text);
    return {
      text,
      finishReason: aborted ? "abort" : finish === "length" ? "length" : "stop",
      usage: {promptTokens, completionTokens, totalTokens: promptTokens + completionTokens},
      timings: {
        queueMs: 0,
        timeToFirstTokenMs: firstAt === null ? null : firstAt - started,
        totalMs: ended - started,
        tokensPerSecond: firstAt !== null && completionTokens > 1 && ended > firstAt ? ((completionTokens - 1) * 1000) / (ended - firstAt) : null,
      },
      engine: "remote",
      model: this.options.model,
    };
  }
}

/** Parses an OpenAI streaming body; also accepts a plain JSON body from servers that ignore `stream`. */
async function* readServerSentEvents(response: Response): AsyncGenerator<CompletionChunk> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    yield (await response.json()) as CompletionChunk;
    return;
  }
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, {stream: true});
    let boundary: number;
    while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, "");
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      if (!data) continue;
      if (data === "[DONE]") return;
      yield JSON.parse(data) as CompletionChunk;
    }
  }
}

/** The remote engine the settings describe, or null until both its address and its model are set. */
export function remoteEngineFromSettings(remote: Settings["llm"]["remote"]): RemoteEngine | null {
  return remote.baseUrl && remote.model ? new RemoteEngine({baseUrl: remote.baseUrl, apiKey: remote.apiKey, model: remote.model, timeoutMs: remote.timeoutMs, retries: remote.retries}) : null;
}
