import {current, type Live} from "./api-options.js";

/**
 * A token bucket per key: `perMinute` requests may arrive in a burst, then they refill evenly.
 * Small and in-process because the server has one listener and a handful of tokens. The rate may be
 * a function: it is read on every request, so a change in Settings applies to the next one (a
 * lower limit also shrinks buckets that were fuller than it allows). A key may have a rate of its
 * own (a named token's), given with each request for the same reason.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, {tokens: number; updatedAt: number}>();

  constructor(
    private readonly perMinute: Live<number>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The limit in effect now. */
  get limit(): number {
    return current(this.perMinute);
  }

  /** Takes one token (at `perMinute`, default the shared limit); when none is left, says how many seconds until one is. */
  take(key: string, perMinute: number = this.limit): {ok: true} | {ok: false; retryAfterSeconds: number} {
    const refillPerMs = perMinute / 60_000;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? {tokens: perMinute, updatedAt: now};
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return {ok: true};
    }
    return {ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000))};
  }
}
