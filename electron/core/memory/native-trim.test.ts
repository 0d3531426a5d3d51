import {describe, expect, it} from "vitest";
import {memoryReducingCollection} from "./idle-collector.js";
import {nativeTrim} from "./native-trim.js";

const MB = 1024 * 1024;

describe.runIf(process.platform === "linux")("native trim", () => {
  it("hands back memory that was freed but that glibc kept", async () => {
    const trim = nativeTrim();
    expect(trim).not.toBeNull();
    // About 400 MB of small blocks from the C allocator (unpooled buffers), then all but one in 64
    // freed: the ones kept, the last above all, stop glibc from trimming the heap's top on its own.
    const kept = Array.from({length: 200_000}, () => Buffer.allocUnsafeSlow(2000)).filter((_, index) => index % 64 === 63);
    await memoryReducingCollection()();
    const before = process.memoryUsage.rss();
    expect(trim!()).toBe(true);
    const after = process.memoryUsage.rss();
    expect(before - after).toBeGreaterThan(150 * MB);
    expect(kept).toHaveLength(3125);
  });
});
