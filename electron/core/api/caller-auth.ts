import {LOCAL_CALLER, type ApiCaller} from "../../../shared/api-tokens.js";
import type {NamedTokenCaller} from "../config/api-tokens.js";
import {tokenKey, tokenMatches} from "./bearer-auth.js";

/** A request's caller, with what the rate limiter needs to know of it. */
export interface IdentifiedCaller {
  caller: ApiCaller;
  /** The rate limiter's bucket: one per token. */
  bucket: string;
  /** Requests a minute for this token; null: the API's limit. */
  rateLimitPerMinute: number | null;
}

/**
 * Who a bearer token stands for: the main token (`api.token`) is the owner with every right; a
 * named token is its own owner with its own scope. Null: neither.
 */
export function identifyCaller(given: string | null, mainToken: string, named: {authenticate(value: string): NamedTokenCaller | null}): IdentifiedCaller | null {
  if (given === null) return null;
  if (tokenMatches(given, mainToken)) return {caller: LOCAL_CALLER, bucket: tokenKey(given), rateLimitPerMinute: null};
  const found = named.authenticate(given);
  if (!found) return null;
  const {rateLimitPerMinute, ...caller} = found;
  return {caller, bucket: `named:${caller.owner}`, rateLimitPerMinute};
}
