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
 * Only where glibc is the allocator: macOS, Windows and musl give memory back their own way, and
 * there (or when the binding cannot load) this is null.
 */
export type NativeTrim = () => boolean;

let bound: NativeTrim | null | undefined;

export function nativeTrim(): NativeTrim | null {
  if (bound !== undefined) return bound;
  bound = null;
  if (process.platform !== "linux" || !glibcVersion()) return bound;
  try {
    const koffi = createRequire(import.meta.url)("koffi") as typeof import("koffi");
    const mallocTrim = koffi.load("libc.so.6").func("int malloc_trim(size_t pad)") as (pad: number) => number;
    // 1 when memory was given back, 0 when there was none to give.
    bound = () => mallocTrim(0) === 1;
  } catch {
    // No binding for this platform or no libc.so.6: memory then comes back as glibc decides.
  }
  return bound;
}

function glibcVersion(): string | null {
  const report = process.report?.getReport() as {header?: {glibcVersionRuntime?: string}} | undefined;
  return report?.header?.glibcVersionRuntime ?? null;
}
