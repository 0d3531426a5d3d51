import {Readable} from "node:stream";
import {describe, expect, it} from "vitest";
import {collectBytes} from "./collect-bytes.js";

describe("collectBytes", () => {
  it("joins many small chunks into the same bytes, letting other work run while it copies", async () => {
    // 8 MB in 20,000 chunks, as a multipart parser may hand over a large upload.
    const chunks = Array.from({length: 20_000}, (_, i) => Buffer.alloc(420, i % 251));
    const expected = Buffer.concat(chunks);
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    const stream = Readable.from(chunks);
    setImmediate(tick);
    const bytes = await collectBytes(stream);
    ticking = false;
    expect(bytes.equals(expected)).toBe(true);
    // One pause per megabyte copied at least.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(expected.length / (1024 * 1024)));
  });

  it("returns an empty buffer for an empty stream", async () => {
    expect((await collectBytes(Readable.from([]))).length).toBe(0);
  });
});
