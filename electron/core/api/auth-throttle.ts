import net from "node:net";

export interface AuthThrottleOptions {
  /** Wrong tokens a client address may send within the window before it has to wait. */
  maxFailures: number;
  windowMs: number;
  /** Addresses remembered at most; the oldest are forgotten first (a flood of addresses cannot grow memory). */
  maxClients: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = {maxFailures: 10, windowMs: 60_000, maxClients: 10_000};

/**
 * The client a failure counts against: the IPv4 address, or the /64 network of an IPv6 address (one
 * machine usually holds a whole /64, so counting single addresses would let it rotate them).
 */
export function clientKey(address: string | undefined): string {
  const ip = (address ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (!net.isIPv6(ip)) return ip || "unknown";
  const [head, tail = ""] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * Counts wrong API tokens per client address in a sliding window. Once a client has sent
 * `maxFailures` wrong tokens within `windowMs`, every request from it that needs the token is refused
 * until the oldest of those failures is older than the window, whatever token it carries: answering
 * a right token differently would turn the wait into a way to test guesses. Requests with the right
 * token are never counted, and other addresses are not affected.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly options: AuthThrottleOptions;

  constructor(
    options: Partial<AuthThrottleOptions> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.options = {...DEFAULT_AUTH_THROTTLE, ...options};
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.options.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((at) => at > cutoff);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** Null when the client may try; otherwise how many seconds it has to wait. */
  retryAfterSeconds(address: string | undefined): number | null {
    // Asked on every request that carries a token; almost always nobody has failed.
    if (this.failures.size === 0) return null;
    const recent = this.recent(clientKey(address));
    if (recent.length < this.options.maxFailures) return null;
    const freeAt = recent[recent.length - this.options.maxFailures] + this.options.windowMs;
    return Math.max(1, Math.ceil((freeAt - this.now()) / 1000));
  }

  /** One wrong token from this address. */
  fail(address: string | undefined): void {
    const key = clientKey(address);
    const recent = this.recent(key);
    recent.push(this.now());
    // Only the last maxFailures matter for the decision.
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.options.maxFailures));
    if (this.failures.size > this.options.maxClients) this.failures.delete(this.failures.keys().next().value as string);
  }
}
