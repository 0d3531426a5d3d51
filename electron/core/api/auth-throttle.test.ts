import {describe, expect, it} from "vitest";
import {AuthThrottle, clientKey} from "./auth-throttle.js";

describe("AuthThrottle (wrong API tokens per client address)", () => {
  it("lets a client fail maxFailures times in the window, then says how long to wait", () => {
    let now = 0;
    const throttle = new AuthThrottle({maxFailures: 3, windowMs: 60_000}, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds("10.0.0.5")).toBeNull();
      throttle.fail("10.0.0.5");
      now += 1000;
    }
    // Failures at 0, 1 and 2 s: the first leaves the window at 60 s.
    expect(throttle.retryAfterSeconds("10.0.0.5")).toBe(57);
    expect(throttle.retryAfterSeconds("10.0.0.6")).toBeNull();
    now = 60_001;
    expect(throttle.retryAfterSeconds("10.0.0.5")).toBeNull();
    throttle.fail("10.0.0.5");
    expect(throttle.retryAfterSeconds("10.0.0.5")).toBe(1);
  });

  it("counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4", () => {
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe(clientKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
    expect(clientKey("2001:db8:1:2::1")).not.toBe(clientKey("2001:db8:1:3::1"));
    expect(clientKey("::ffff:192.168.1.9")).toBe("192.168.1.9");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey(undefined)).toBe("unknown");
  });

  it("forgets the oldest addresses past maxClients", () => {
    const throttle = new AuthThrottle({maxFailures: 1, windowMs: 60_000, maxClients: 2}, () => 0);
    throttle.fail("10.0.0.1");
    throttle.fail("10.0.0.2");
    throttle.fail("10.0.0.3");
    expect(throttle.retryAfterSeconds("10.0.0.1")).toBeNull();
    expect(throttle.retryAfterSeconds("10.0.0.3")).not.toBeNull();
  });
});
