/**
 * Named API tokens: one per person or tool sharing a headless server. Only a token's SHA-256 is
 * stored; its value is shown once, when it is created. Each token has a scope, and the
 * conversations it starts belong to it.
 */
import {z} from "zod";

/**
 * What a token may do. `ask`: chat, search, its own conversations, the model list, health and the
 * events of its own data. `admin`: everything, including imports, deletes, settings and models.
 */
export const API_SCOPES = ["ask", "admin"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The owner of what the main token (`api.token`) and the desktop app create. */
export const LOCAL_OWNER = "local";

/** The name the main token goes by in metrics; no named token may take it. */
export const MAIN_TOKEN_NAME = "main";

/** Names are labels in metrics and arguments on a command line: short, plain, no spaces. */
export const apiTokenName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, dot, dash or underscore, starting with a letter or digit")
  .refine((name) => name.toLowerCase() !== MAIN_TOKEN_NAME, {message: `"${MAIN_TOKEN_NAME}" is the main token's name`});

/** One stored token: its hash, never its value. */
export const apiTokenRecord = z.object({
  /** Stable id; conversations made with the token carry it as their owner. */
  id: z.string().min(1).max(64),
  name: apiTokenName,
  scope: z.enum(API_SCOPES),
  /** SHA-256 of the token's value, hex. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  /** Requests a minute for this token; null: the API's rate limit (api.rateLimitPerMinute). */
  rateLimitPerMinute: z.number().int().min(1).max(100_000).nullable().default(null),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecord>;

/** A token as clients see it: everything but the hash, and when it was last used. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  scope: ApiScope;
  createdAt: string;
  lastUsedAt: string | null;
  rateLimitPerMinute: number | null;
}

/** The answer to creating a token: the only time its value is ever shown. */
export interface CreatedApiToken {
  token: ApiTokenInfo;
  value: string;
}

/** Who made a request: the owner of what it creates and reads, and what it may do. */
export interface ApiCaller {
  owner: string;
  scope: ApiScope;
  /** Name in metrics: a named token's name, or `main`. */
  name: string;
}

/** The main token and the desktop app: the owner, with every right. */
export const LOCAL_CALLER: ApiCaller = {owner: LOCAL_OWNER, scope: "admin", name: MAIN_TOKEN_NAME};
