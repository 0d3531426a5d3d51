import zlib from "node:zlib";

/**
 * Bytes that compressed `data` inflates to, counted as they stream out and dropped at once, so a
 * bomb costs no memory; counting stops just past `cap`. Damaged data counts as what it gave
 * before the damage (the document's own reader then reports the damage in its words).
 */
export function inflatedSize(data: Uint8Array, cap: number, format: "raw" | "zlib"): Promise<number> {
  return new Promise((resolve) => {
    const options = {finishFlush: zlib.constants.Z_SYNC_FLUSH};
    const inflate = format === "raw" ? zlib.createInflateRaw(options) : zlib.createInflate(options);
    let total = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      resolve(total);
    };
    inflate.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > cap) finish();
    });
    inflate.on("end", finish);
    inflate.on("error", finish);
    inflate.end(data);
  });
}
