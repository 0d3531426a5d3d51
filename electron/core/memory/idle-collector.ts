/**
 * Gives memory back once a burst of work is over.
 *
 * Under load (completions, searches) short-lived objects outgrow V8's young generation and are
 * promoted, so the old generation fills with garbage that no collection looks at while the heap is
 * far from its limit, and the young generation stays at the size the load grew it to. V8's own memory
 * reducer gives that back only once the process looks idle to it, and a server's timers and sockets
 * keep it from looking idle, so that took 50–100 s after a 30 s API load (RSS 476 → 223 MB). This
 * checks every few seconds whether the event loop has been quiet and the process has grown since the
 * last collection, and if so has V8 collect and give memory back at once.
 *
 * Growth is read from RSS, not from the heap in use: after a load the heap in use can be near where
 * it was while V8 still holds tens of megabytes of emptied pages, and RSS is what is measured.
 */
import inspector from "node:inspector";
import v8 from "node:v8";
import vm from "node:vm";
import {performance, type EventLoopUtilization} from "node:perf_hooks";
import {nativeTrim, type NativeTrim} from "./native-trim.js";

export interface IdleCollectorOptions {
  /** How often the process is looked at. */
  checkEveryMs?: number;
  /** The event loop counts as quiet when busy at most this share of the last check interval. */
  quietUtilization?: number;
  /** Collect only when the process holds at least this much more than after the last collection. */
  minGrowthBytes?: number;
  /** The collection; defaults to V8's low-memory collection, then the C allocator's trim (see idleCollection). */
  collect?: () => Promise<void>;
  /** The process's footprint in bytes; defaults to its resident set size. */
  footprint?: () => number;
  /** Share of the last interval the event loop was busy; defaults to perf_hooks' utilization. */
  utilization?: () => number;
}

export const DEFAULT_CHECK_EVERY_MS = 3000;
export const DEFAULT_QUIET_UTILIZATION = 0.02;
export const DEFAULT_MIN_GROWTH_BYTES = 8 * 1024 * 1024;

export interface IdleCollector {
  /** One check now (the timer calls this); true when it collected. */
  check(): Promise<boolean>;
  close(): void;
}

/**
 * V8's low-memory collection: full, compacting, and it shrinks the young generation and hands the
 * freed pages back to the system (a plain full collection keeps them for reuse: RSS fell only
 * 395 → 275 MB against 223 MB this way). Node reaches it only through the inspector protocol's
 * HeapProfiler.collectGarbage, over an in-process session (no port is opened). Where the inspector
 * is not built in, a plain full collection is the fallback.
 */
export function memoryReducingCollection(): () => Promise<void> {
  try {
    const session = new inspector.Session();
    session.connect();
    session.disconnect();
  } catch {
    return plainFullCollection();
  }
  return () =>
    new Promise<void>((resolve, reject) => {
      const session = new inspector.Session();
      session.connect();
      session.post("HeapProfiler.collectGarbage", (error) => {
        // Disconnecting inside the reply's callback deadlocks the thread (Node 20), so only after it.
        setImmediate(() => session.disconnect());
        if (error) reject(error);
        else resolve();
      });
    });
}

/**
 * What the collector does by default: V8's low-memory collection, then, where glibc is the
 * allocator, hands back what native code freed (native-trim.ts). Trimming after the collection also
 * returns what the collection itself freed outside V8's heap (buffers' backing stores).
 */
export function idleCollection(trim: NativeTrim | null = nativeTrim(), collectHeap: () => Promise<void> = memoryReducingCollection()): () => Promise<void> {
  return async () => {
    await collectHeap();
    trim?.();
  };
}

/** V8's full collection; behind --expose-gc, which set at run time applies to contexts created afterwards. */
function plainFullCollection(): () => Promise<void> {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  return async () => gc();
}

/** Event-loop utilization over the time since the previous call. */
function utilizationSinceLastCall(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

export function startIdleCollector(options: IdleCollectorOptions = {}): IdleCollector {
  const collect = options.collect ?? idleCollection();
  const footprint = options.footprint ?? (() => process.memoryUsage.rss());
  const utilization = options.utilization ?? utilizationSinceLastCall();
  const quiet = options.quietUtilization ?? DEFAULT_QUIET_UTILIZATION;
  const minGrowth = options.minGrowthBytes ?? DEFAULT_MIN_GROWTH_BYTES;
  let baseline = footprint();
  let collecting = false;

  const check = async (): Promise<boolean> => {
    const busy = utilization();
    const size = footprint();
    // A process that shrank on its own lowers the mark, so only new growth counts; growth that a
    // collection cannot give back (a model loaded) triggers one collection, not one per check.
    if (size < baseline) baseline = size;
    if (collecting || busy > quiet || size - baseline < minGrowth) return false;
    collecting = true;
    try {
      await collect();
    } catch {
      // Memory is given back at the next quiet moment instead; nothing else depends on it.
      return false;
    } finally {
      collecting = false;
      baseline = footprint();
    }
    return true;
  };
  const timer = setInterval(() => void check(), options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS);
  // Never keeps a process alive that has nothing else to do.
  timer.unref();
  return {check, close: () => clearInterval(timer)};
}
