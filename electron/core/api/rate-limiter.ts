/**
 * A token bucket per key: `perMinute` requests may arrive in a burst, then they refill evenly.
 * Small and in-process because the server has one listener and a handful of tokens.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, {tokens: number; updatedAt: number}>();
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /** Takes one token; when none is left, says how many seconds until one is. */
  take(key: string): {ok: true} | {ok: false; retryAfterSeconds: number} {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? {tokens: this.perMinute, updatedAt: now};
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return {ok: true};
    }
    return {ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000))};
  }
}
