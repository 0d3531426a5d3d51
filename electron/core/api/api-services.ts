/**
 * What the HTTP server and its routes may touch, each as small as it is used. The composition root
 * (app-core.ts) fills it from the real services; nothing here reaches the rest of the core.
 */
import type {EventSink} from "../../../shared/contract.js";
import type {Settings} from "../../../shared/settings.js";
import type {ChatApi} from "../chat/chat-api.js";
import type {ApiTokens} from "../config/api-tokens.js";
import type {EventBus} from "../event-bus.js";
import type {KnowledgeApi} from "../knowledge/knowledge-api.js";
import type {WatchedFolders} from "../knowledge/folders/watched-folders.js";
import type {ChatEngine} from "../llm/engine.js";
import type {LocalEngine} from "../llm/local-engine.js";
import type {ModelService} from "../llm/model-service.js";
import type {RpcDispatcher} from "../rpc/dispatcher.js";
import type {MessageLogger} from "./api-options.js";

/** The knowledge base's embedding model, serving /v1/embeddings. */
export interface Embeddings {
  /** Null when no embedding model is available. */
  modelId(): string | null;
  embed(texts: string[], signal?: AbortSignal): Promise<{vectors: number[][]; model: string; promptTokens: number}>;
}

/** Events in: every event for /events and streamed chat tokens. Events out: only notices about the API itself. */
export type ApiEvents = Pick<EventBus, "on" | "onAny"> & EventSink<"app.notice">;

export interface ApiServices {
  readonly version: string;
  /** The engine chat and the OpenAI routes use: local, remote, or both in fallback order. */
  readonly engine: Pick<ChatEngine, "kind" | "status" | "isReady" | "modelName" | "contextSize" | "generate">;
  /**
   * The local llama.cpp engine: its load (in progress, failed) for /health and for generation
   * requests that wait for it, and GPU details once it runs.
   */
  readonly localEngine: Pick<LocalEngine, "isReady" | "gpuInfo" | "status" | "isLoadPending" | "whenLoadSettled">;
  readonly chat: Pick<ChatApi, "send" | "stop" | "answer" | "list" | "get" | "delete" | "reset" | "draftTicket" | "count">;
  readonly knowledge: Pick<
    KnowledgeApi,
    "search" | "importBuffers" | "listDocuments" | "deleteDocument" | "documentText" | "deleteCollection" | "getJob" | "stats" | "onProgress" | "exportPackDownload" | "importPackStream"
  >;
  /** Watched folders, for /api/knowledge/folders. */
  readonly folders: Pick<WatchedFolders, "list" | "get" | "add" | "setPaused" | "rescan" | "remove">;
  readonly embeddings: Embeddings;
  /** Model files: uploads from a browser land in the models folder. */
  readonly models: Pick<ModelService, "importUpload">;
  readonly events: ApiEvents;
  /** Named API tokens: who a token other than the main one stands for (the main token is in the server's options). */
  readonly apiTokens: Pick<ApiTokens, "authenticate" | "isCurrent">;
  /** The app's contract, served at /rpc/<method> for the browser UI. */
  readonly rpc: Pick<RpcDispatcher, "respond">;
  /** Generation defaults (Settings → Generation) for OpenAI requests that leave them out. */
  generationDefaults(): Settings["generation"];
  /** Full error detail goes here, never into responses. */
  readonly logger: MessageLogger;
}
