import v8 from "node:v8";
import {describe, expect, it} from "vitest";
import {idleCollection, memoryReducingCollection, startIdleCollector} from "./idle-collector.js";

const MB = 1024 * 1024;

/** A collector driven by hand: a long interval so only explicit check() calls run. */
function handDriven(state: {used: number; busy: number}, collect: () => Promise<void> = async () => {}) {
  return startIdleCollector({
    checkEveryMs: 3_600_000,
    minGrowthBytes: 16 * MB,
    quietUtilization: 0.02,
    footprint: () => state.used,
    utilization: () => state.busy,
    collect,
  });
}

describe("idle collector", () => {
  it("trims the C allocator after V8's collection", async () => {
    const order: string[] = [];
    const collection = idleCollection(
      () => {
        order.push("trim");
        return true;
      },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push("heap collected");
      },
    );
    await collection();
    expect(order).toEqual(["heap collected", "trim"]);
    // Without a trim (off, or not on glibc) the heap is still collected.
    await idleCollection(null, async () => void order.push("heap collected"))();
    expect(order).toEqual(["heap collected", "trim", "heap collected"]);
  });

  it("collects once the loop is quiet and the process has grown, then waits for new growth", async () => {
    const state = {used: 40 * MB, busy: 0};
    let calls = 0;
    const collector = handDriven(state, async () => {
      calls++;
      state.used = 42 * MB;
    });
    state.used = 90 * MB;
    expect(await collector.check()).toBe(true);
    expect(calls).toBe(1);
    // Nothing new since: no second collection.
    expect(await collector.check()).toBe(false);
    state.used = 50 * MB;
    expect(await collector.check()).toBe(false);
    state.used = 60 * MB;
    expect(await collector.check()).toBe(true);
    expect(calls).toBe(2);
    collector.close();
  });

  it("leaves a busy process alone however much it grew", async () => {
    const state = {used: 40 * MB, busy: 0.3};
    const collector = handDriven(state);
    state.used = 400 * MB;
    expect(await collector.check()).toBe(false);
    state.busy = 0.01;
    expect(await collector.check()).toBe(true);
    collector.close();
  });

  it("counts only growth after the process shrank on its own", async () => {
    const state = {used: 80 * MB, busy: 0};
    const collector = handDriven(state);
    state.used = 30 * MB; // V8 collected by itself
    await collector.check();
    state.used = 44 * MB; // 14 MB over the new mark, under the threshold
    expect(await collector.check()).toBe(false);
    state.used = 47 * MB;
    expect(await collector.check()).toBe(true);
    collector.close();
  });

  it("never runs two collections at once and survives a failing one", async () => {
    const state = {used: 40 * MB, busy: 0};
    let release!: () => void;
    let calls = 0;
    const collector = handDriven(state, () => {
      calls++;
      if (calls === 1) return new Promise<void>((resolve) => (release = resolve));
      return Promise.reject(new Error("inspector gone"));
    });
    state.used = 100 * MB;
    const first = collector.check();
    expect(await collector.check()).toBe(false);
    release();
    expect(await first).toBe(true);
    state.used = 200 * MB;
    expect(await collector.check()).toBe(false);
    expect(calls).toBe(2);
    collector.close();
  });

  it("checks on its own timer until closed", async () => {
    const state = {used: 40 * MB, busy: 0};
    let calls = 0;
    const collector = startIdleCollector({
      checkEveryMs: 20,
      footprint: () => state.used,
      utilization: () => state.busy,
      collect: async () => {
        calls++;
        state.used = 40 * MB;
      },
    });
    state.used = 100 * MB;
    // A busy machine delays timers, so wait for the first collection rather than a fixed time.
    for (let waited = 0; calls === 0 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(1);
    // No new growth since: later ticks leave it alone.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
    collector.close();
    state.used = 200 * MB;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
  });

  it("gives back the heap that released objects held", async () => {
    const collect = memoryReducingCollection();
    await collect();
    const before = v8.getHeapStatistics();
    // Garbage that survived long enough to be promoted: it stays in the old generation until a full
    // collection, which V8 does not start on its own while the heap is far from its limit.
    const held: number[][] = [];
    for (let i = 0; i < 40; i++) held.push(Array.from({length: 64 * 1024}, (_, j) => j + i + 0.5));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const grown = v8.getHeapStatistics();
    expect(grown.used_heap_size - before.used_heap_size).toBeGreaterThan(16 * MB);
    held.length = 0;
    await collect();
    const after = v8.getHeapStatistics();
    expect(grown.used_heap_size - after.used_heap_size).toBeGreaterThan(16 * MB);
    expect(grown.total_heap_size - after.total_heap_size).toBeGreaterThan(8 * MB);
    // The thread goes on afterwards: timers still fire, and a second collection also returns.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await collect();
  });
});
