/**
 * Named API tokens as stored in settings.json (`api.tokens`): pure functions shared by the running
 * app (config/api-tokens.ts) and the command line (scripts/tokens.ts), so both write the same records.
 */
import {createHash, randomBytes, timingSafeEqual} from "node:crypto";
import {DesksideError} from "../../../shared/errors.js";
import {apiTokenName, type ApiScope, type ApiTokenRecord} from "../../../shared/api-tokens.js";

/** SHA-256 of a token's value, hex: all that is kept of it. */
export function hashApiToken(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** 32 random bytes: past guessing, so one unsalted SHA-256 is enough to keep it. */
export function generateNamedToken(): string {
  return `dsk_${randomBytes(32).toString("base64url")}`;
}

export interface NewTokenInput {
  name: string;
  scope: ApiScope;
  rateLimitPerMinute?: number | null;
}

/** A new record for `input` and the value it stands for; the value is never stored. */
export function createTokenRecord(existing: readonly ApiTokenRecord[], input: NewTokenInput, now: Date = new Date()): {record: ApiTokenRecord; value: string} {
  const name = apiTokenName.safeParse(input.name);
  if (!name.success) throw new DesksideError("INVALID_INPUT", `The token name "${input.name.slice(0, 80)}" is not allowed: ${name.error.issues.map((i) => i.message).join("; ")}.`);
  if (existing.some((t) => t.name.toLowerCase() === input.name.toLowerCase()))
    throw new DesksideError("INVALID_INPUT", `There is already a token named "${input.name}"; revoke it first or choose another name.`);
  const value = generateNamedToken();
  const record: ApiTokenRecord = {
    id: `tok_${randomBytes(9).toString("base64url")}`,
    name: input.name,
    scope: input.scope,
    hash: hashApiToken(value),
    createdAt: now.toISOString(),
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
  };
  return {record, value};
}

/** The token called `nameOrId` (names match in any case). */
export function findTokenRecord(records: readonly ApiTokenRecord[], nameOrId: string): ApiTokenRecord | null {
  return records.find((t) => t.id === nameOrId) ?? records.find((t) => t.name.toLowerCase() === nameOrId.toLowerCase()) ?? null;
}

/** The list without that token; NOT_FOUND when there is none of that name or id. */
export function withoutTokenRecord(records: readonly ApiTokenRecord[], nameOrId: string): {removed: ApiTokenRecord; rest: ApiTokenRecord[]} {
  const removed = findTokenRecord(records, nameOrId);
  if (!removed) throw new DesksideError("NOT_FOUND", `There is no API token named "${nameOrId.slice(0, 80)}".`);
  return {removed, rest: records.filter((t) => t.id !== removed.id)};
}

/** The record whose hash matches the value; every record is compared, in constant time each. */
export function matchTokenRecord(records: readonly ApiTokenRecord[], value: string): ApiTokenRecord | null {
  const given = Buffer.from(hashApiToken(value), "hex");
  let found: ApiTokenRecord | null = null;
  for (const record of records) if (timingSafeEqual(given, Buffer.from(record.hash, "hex")) && !found) found = record;
  return found;
}
