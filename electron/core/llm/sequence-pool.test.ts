import {describe, expect, it} from "vitest";
import {SequencePool} from "./sequence-pool.js";

describe("SequencePool", () => {
  it("serves slots in FIFO order and reports BUSY past the queue limit", async () => {
    const pool = new SequencePool(["a", "b"], 2);
    const first = await pool.acquire();
    const second = await pool.acquire();
    const order: string[] = [];
    const third = pool.acquire().then((slot) => order.push(`third:${slot}`));
    const fourth = pool.acquire().then((slot) => order.push(`fourth:${slot}`));
    await expect(pool.acquire()).rejects.toMatchObject({code: "BUSY"});
    expect(pool.stats()).toEqual({active: 2, waiting: 2, capacity: 2, limit: 2});
    pool.release(second);
    pool.release(first);
    await Promise.all([third, fourth]);
    expect(order).toEqual([`third:${second}`, `fourth:${first}`]);
  });

  it("hands out the free slot released last, which holds the most recent prompt", async () => {
    const pool = new SequencePool(["a", "b", "c"], 0);
    const x = await pool.acquire();
    const y = await pool.acquire();
    pool.release(y);
    pool.release(x);
    expect(await pool.acquire()).toBe(x);
    expect(await pool.acquire()).toBe(y);
    pool.release(y);
    pool.release(x);
    expect(await pool.acquire(undefined, undefined, (slot) => slot === y)).toBe(y);
    // None preferred: the slot released longest ago, here the one never used.
    const unused = ["a", "b", "c"].find((slot) => slot !== x && slot !== y);
    expect(await pool.acquire(undefined, undefined, () => false)).toBe(unused);
  });

  it("drops a waiter whose signal aborts", async () => {
    const pool = new SequencePool([1], 4);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({code: "CANCELLED"});
    expect(pool.stats().waiting).toBe(0);
    pool.release(held);
    expect(await pool.acquire()).toBe(1);
  });

  it("tells each waiter its place in line as it joins and as the line moves", async () => {
    const pool = new SequencePool(["a"], 4);
    const held = await pool.acquire();
    const places: Record<string, number[]> = {x: [], y: [], z: []};
    const controller = new AbortController();
    const x = pool.acquire(undefined, (p) => places.x.push(p));
    const y = pool.acquire(controller.signal, (p) => places.y.push(p));
    const z = pool.acquire(undefined, (p) => places.z.push(p));
    expect(places).toEqual({x: [1], y: [2], z: [3]});
    controller.abort();
    await expect(y).rejects.toMatchObject({code: "CANCELLED"});
    expect(places.z).toEqual([3, 2]);
    pool.release(held);
    expect(await x).toBe("a");
    expect(places.z).toEqual([3, 2, 1]);
    pool.release("a");
    expect(await z).toBe("a");
    expect(places.x).toEqual([1]);
  });
});
