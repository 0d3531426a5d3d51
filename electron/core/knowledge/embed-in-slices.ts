import {setImmediate as nextTurn} from "node:timers/promises";
import type {EmbedOptions, Embedder} from "./embedder.js";

/**
 * Embeds many texts in slices sized to take about `targetMs` each. ONNX Runtime's Node binding runs
 * a forward pass synchronously on the calling thread, so one batch of 32 passages through a
 * MiniLM-sized model holds the event loop (and the HTTP server, and the window) for hundreds of
 * milliseconds. Each slice is timed and the next one sized to fit the target, so a fast model
 * still gets large batches and a slow one small ones; the loop yields between slices.
 */

const DEFAULT_TARGET_MS = 20;
const MAX_SLICE = 32;

export async function embedInSlices(embedder: Embedder, texts: string[], options: EmbedOptions & {targetMs?: number} = {}): Promise<Float32Array[]> {
  const target = options.targetMs ?? DEFAULT_TARGET_MS;
  const vectors: Float32Array[] = [];
  // The first slice is one text: its time sizes the next (a chunk can be a few words or 25,000 characters).
  let size = 1;
  while (vectors.length < texts.length) {
    const slice = texts.slice(vectors.length, vectors.length + size);
    const started = performance.now();
    vectors.push(...(await embedder.embed(slice, {signal: options.signal, tokenCounts: options.tokenCounts})));
    const perText = (performance.now() - started) / slice.length;
    // Sized by the average; a slice of long texts after short ones is caught by the next measurement.
    size = Math.max(1, Math.min(MAX_SLICE, Math.floor(target / Math.max(perText, 0.01))));
    options.onProgress?.(vectors.length, texts.length);
    await nextTurn();
  }
  return vectors;
}
