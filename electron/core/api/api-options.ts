import type {FastifyBaseLogger} from "fastify";
import type {Settings} from "../../../shared/settings.js";
import type {RuntimeOverrides} from "../config/runtime-config.js";
import type {AuthThrottleOptions} from "./auth-throttle.js";

export interface MessageLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ApiServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** A function lets a token regenerated in Settings take effect without a restart. */
  token: string | (() => string);
  corsOrigins: string[];
  allowLan: boolean;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  rateLimitPerMinute: number;
  requestTimeoutMs: number;
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

/** The server's options from the `api` settings, with command-line / environment overrides on top. */
export function apiOptionsFromSettings(
  api: Settings["api"],
  overrides: RuntimeOverrides = {},
  extra: Pick<ApiServerOptions, "rendererDir" | "logger"> = {},
): ApiServerOptions {
  return {
    host: overrides.host ?? api.host,
    port: overrides.port ?? api.port,
    token: overrides.apiToken ?? api.token,
    corsOrigins: api.corsOrigins,
    allowLan: api.allowLan,
    bodyLimitBytes: Math.round(api.bodyLimitMb * MB),
    uploadLimitBytes: Math.round(api.uploadLimitMb * MB),
    rateLimitPerMinute: api.rateLimitPerMinute,
    requestTimeoutMs: api.requestTimeoutMs,
    ...extra,
  };
}
