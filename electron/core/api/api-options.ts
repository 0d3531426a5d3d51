import type {FastifyBaseLogger} from "fastify";
import type {Settings} from "../../../shared/settings.js";
import type {AuthThrottleOptions} from "./auth-throttle.js";

export interface MessageLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A value fixed when the server is built, or read again on every request (Settings changes apply live). */
export type Live<T> = T | (() => T);

export function current<T>(value: Live<T>): T {
  return typeof value === "function" ? (value as () => T)() : value;
}

/** The limits one request is held to, read when it arrives. */
export interface RequestLimits {
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  rateLimitPerMinute: number;
  requestTimeoutMs: number;
  /** How long a generation request waits for a model that is loading (0: answer 503 at once). */
  modelWaitMs: number;
}

export interface ApiServerOptions {
  /** Host and port are the binding: changing them needs a new listener (start-api.ts). */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** A function lets a token regenerated in Settings take effect without a restart. */
  token: Live<string>;
  corsOrigins: Live<string[]>;
  allowLan: boolean;
  bodyLimitBytes: Live<number>;
  uploadLimitBytes: Live<number>;
  rateLimitPerMinute: Live<number>;
  requestTimeoutMs: Live<number>;
  /** Left out: 30 s. */
  modelWaitMs?: Live<number>;
  /** The built renderer (e.g. dist/); served at / when it holds an index.html. */
  rendererDir?: string;
  /**
   * Where errors with full detail go: a pino-compatible logger, a plain {info, warn, error}
   * logger, or true for fastify's own. Left out: the core's logger when it has one.
   */
  logger?: FastifyBaseLogger | MessageLogger | boolean;
  /** Comment lines on /events every this many ms (default 15 s). */
  heartbeatMs?: number;
  /** Wrong API tokens a client address may send before it has to wait (default: 10 a minute). */
  wrongTokenLimit?: Partial<AuthThrottleOptions>;
}

const MB = 1024 * 1024;


/**
 * Options whose token, CORS list and request limits are read from `read()` on every request, so a
 * change in Settings applies to the next request without touching open connections. Host, port and
 * allowLan are taken once: they decide the binding.
 */
export function liveApiOptions(read: () => Settings["api"], extra: Pick<ApiServerOptions, "rendererDir" | "logger"> = {}): ApiServerOptions {
  const api = read();
  return {
    host: api.host,
    port: api.port,
    token: () => read().token,
    corsOrigins: () => read().corsOrigins,
    allowLan: api.allowLan,
    bodyLimitBytes: () => Math.round(read().bodyLimitMb * MB),
    uploadLimitBytes: () => Math.round(read().uploadLimitMb * MB),
    rateLimitPerMinute: () => read().rateLimitPerMinute,
    requestTimeoutMs: () => read().requestTimeoutMs,
    modelWaitMs: () => read().modelWaitMs,
    ...extra,
  };
}
