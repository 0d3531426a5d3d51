import {DesksideError} from "../../../shared/errors.js";
import type {ApiCaller, ApiTokenInfo, ApiTokenRecord, CreatedApiToken} from "../../../shared/api-tokens.js";
import type {AppSettings} from "./app-settings.js";
import {createTokenRecord, matchTokenRecord, withoutTokenRecord, type NewTokenInput} from "./api-token-records.js";
import type {ChangeOrigin} from "./local-only.js";
import type {TokenUsage} from "./token-usage.js";

/** A named token's caller, with the rate limit it was given (null: the API's). */
export interface NamedTokenCaller extends ApiCaller {
  rateLimitPerMinute: number | null;
}

function tokensLocalOnly(): DesksideError {
  return new DesksideError(
    "SETTING_LOCAL_ONLY",
    "API tokens are created and revoked only on the computer running Deskside: in the desktop app's Settings, or with npm run tokens in its folder; never over HTTP. Nothing was changed.",
    {details: {settings: ["api.tokens"]}},
  );
}

/**
 * Named API tokens for the people and tools sharing one server. They live in the settings
 * (`api.tokens`, hashes only), so a change is announced as `settings.changed` by AppSettings; each
 * check of a token first takes in a settings file changed by another process (`npm run tokens`),
 * so a token revoked there is refused on its very next request.
 */
export class ApiTokens {
  constructor(
    private readonly settings: Pick<AppSettings, "effective" | "update" | "refresh">,
    private readonly usage: Pick<TokenUsage, "lastUsedAt" | "touch" | "forget">,
  ) {}

  private records(): ApiTokenRecord[] {
    return this.settings.effective().api.tokens;
  }

  private info(record: ApiTokenRecord): ApiTokenInfo {
    const {hash: _hash, ...rest} = record;
    return {...rest, lastUsedAt: this.usage.lastUsedAt(record.id)};
  }

  list(): ApiTokenInfo[] {
    this.settings.refresh();
    return this.records().map((record) => this.info(record));
  }

  /** A new token; its value is returned here only. Never from a remote origin. */
  create(input: NewTokenInput, origin: ChangeOrigin = "local"): CreatedApiToken {
    if (origin === "remote") throw tokensLocalOnly();
    this.settings.refresh();
    const existing = this.records();
    const {record, value} = createTokenRecord(existing, input);
    this.settings.update({api: {tokens: [...existing, record]}});
    return {token: this.info(record), value};
  }

  /** Revokes a token by name or id (NOT_FOUND when there is none). Never from a remote origin. */
  revoke(nameOrId: string, origin: ChangeOrigin = "local"): ApiTokenInfo {
    if (origin === "remote") throw tokensLocalOnly();
    this.settings.refresh();
    const {removed, rest} = withoutTokenRecord(this.records(), nameOrId);
    this.settings.update({api: {tokens: rest}});
    this.usage.forget(new Set(rest.map((t) => t.id)));
    return this.info(removed);
  }

  /** Whether the named token with this id (a caller's owner) still exists; false once it is revoked. */
  isCurrent(id: string): boolean {
    this.settings.refresh();
    return this.records().some((record) => record.id === id);
  }

  /** The caller a named token's value stands for, or null when no current token has it. */
  authenticate(value: string): NamedTokenCaller | null {
    this.settings.refresh();
    const record = matchTokenRecord(this.records(), value);
    if (!record) return null;
    this.usage.touch(record.id);
    return {owner: record.id, scope: record.scope, name: record.name, rateLimitPerMinute: record.rateLimitPerMinute};
  }
}
