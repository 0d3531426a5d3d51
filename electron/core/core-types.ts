import type {ChatApi} from "./chat/chat-api.js";
import type {EventBus} from "./event-bus.js";
import type {KnowledgeApi} from "./knowledge/knowledge-api.js";
import type {ChatEngine} from "./llm/engine.js";
import type {LocalEngine} from "./llm/local-engine.js";
import type {RpcDispatcher} from "./rpc/dispatcher.js";
import type {SettingsService} from "./settings/settings-service.js";
import type {RuntimeOverrides} from "./config/runtime-config.js";

export interface Embeddings {
  /** Null when no embedding model is available. */
  modelId(): string | null;
  embed(texts: string[], signal?: AbortSignal): Promise<{vectors: number[][]; model: string; promptTokens: number}>;
}

/** Everything the hosts (Electron main, the headless server, tests) get from the core. */
export interface AppCore {
  readonly version: string;
  readonly dataDir: string;
  readonly overrides: RuntimeOverrides;
  readonly settings: SettingsService;
  readonly events: EventBus;
  /** The engine chat and the API use: local, remote, or both in fallback order. */
  readonly engine: ChatEngine;
  readonly localEngine: LocalEngine;
  readonly knowledge: KnowledgeApi;
  readonly chat: ChatApi;
  readonly embeddings: Embeddings;
  /** Validates and runs contract methods; shared by IPC and HTTP. */
  readonly rpc: RpcDispatcher;
  /** Where the API is reachable, once a host started it. */
  apiState: {url: string | null; error: {code: string; message: string} | null};
  close(): Promise<void>;
}
