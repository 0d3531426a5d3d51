import {createRequire} from "node:module";

/**
 * Hands back to the system the memory that native code has freed but the C allocator still holds.
 *
 * glibc returns freed memory only from the top of each heap, and gives every thread that contends
 * for the allocator an arena of its own, so what LanceDB's worker threads used during an import
 * stays resident long after it is freed: after importing PostgreSQL's HTML manual (1,169 pages) an
 * in-process knowledge service held 812 MB with 35 MB of it V8's heap, and malloc_trim(0) took it
 * to 594 MB in 27 ms. `MALLOC_ARENA_MAX` and the trim threshold (set by the service unit and by
 * `npm start`) limit the growth but reach only processes started with them; a desktop app started
 * from its installer is not. Node has no binding to malloc_trim, so it is called through koffi (a
 * foreign-function interface with prebuilt binaries).
 *
 * Only where glibc is the allocator: macOS and Windows give memory back their own way (null there),
 * and on musl, or when the binding cannot load, a trim does nothing.
 */
export type NativeTrim = () => boolean;

/** malloc_trim once bound; null when it cannot be (no glibc, no binding for this platform). */
let mallocTrim: ((pad: number) => number) | null | undefined;

function bindMallocTrim(): ((pad: number) => number) | null {
  if (mallocTrim !== undefined) return mallocTrim;
  mallocTrim = null;
  try {
    const koffi = createRequire(import.meta.url)("koffi") as typeof import("koffi");
    // Only glibc is libc.so.6 and has malloc_trim; on musl the load fails.
    mallocTrim = koffi.load("libc.so.6").func("int malloc_trim(size_t pad)") as (pad: number) => number;
  } catch {
    // Memory then comes back as the allocator decides.
  }
  return mallocTrim;
}

const trim: NativeTrim = () => {
  const bound = bindMallocTrim();
  // 1 when memory was handed back, 0 when there was none to hand back.
  return bound !== null && bound(0) === 1;
};

/** The trim on Linux, bound at its first call (so start-up does not load the binding); null elsewhere. */
export function nativeTrim(): NativeTrim | null {
  return process.platform === "linux" ? trim : null;
}
