import {describe, expect, it} from "vitest";
import {engineOrder} from "./engine-order.js";

type Fallback = "none" | "local-then-remote" | "remote-then-local";
const order = (engine: "local" | "remote", fallback: Fallback, remote: "remote" | null = "remote") => engineOrder({engine, fallback}, "local", remote);

describe("engineOrder", () => {
  it("uses the local engine alone unless a fallback is configured", () => {
    expect(order("local", "none")).toEqual(["local"]);
    expect(order("local", "local-then-remote")).toEqual(["local", "remote"]);
    expect(order("local", "remote-then-local")).toEqual(["remote", "local"]);
  });

  it("uses the remote engine alone, or before the local one with remote-then-local", () => {
    expect(order("remote", "none")).toEqual(["remote"]);
    expect(order("remote", "local-then-remote")).toEqual(["remote"]);
    expect(order("remote", "remote-then-local")).toEqual(["remote", "local"]);
  });

  it("falls back to the local engine when no remote server is configured", () => {
    for (const engine of ["local", "remote"] as const)
      for (const fallback of ["none", "local-then-remote", "remote-then-local"] as const) expect(order(engine, fallback, null)).toEqual(["local"]);
  });
});
