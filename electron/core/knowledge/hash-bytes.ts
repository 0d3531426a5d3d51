import {createHash} from "node:crypto";
import {setImmediate as nextTurn} from "node:timers/promises";

/** Hashing 50 MB in one call holds the event loop about 100 ms; 1 MB slices keep each turn to a few ms. */
const SLICE_BYTES = 1024 * 1024;

/** SHA-256 (hex) of `bytes`, yielding to the event loop between slices. */
export async function sha256InSlices(bytes: Uint8Array): Promise<string> {
  const hash = createHash("sha256");
  for (let start = 0; start < bytes.byteLength; start += SLICE_BYTES) {
    if (start > 0) await nextTurn();
    hash.update(bytes.subarray(start, start + SLICE_BYTES));
  }
  return hash.digest("hex");
}
