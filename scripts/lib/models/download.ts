/**
 * Streaming, resumable download of one file with Node's fetch.
 *
 * Bytes go to `<destination>.partial`; the file is renamed into place only after its size and
 * sha256 check out, so a reader never sees a half-written or unverified model. An interrupted
 * download leaves the `.partial` behind and the next call resumes it with an HTTP Range request.
 */
import {createHash, type Hash} from "node:crypto";
import {createReadStream, createWriteStream} from "node:fs";
import {mkdir, rename, rm, stat} from "node:fs/promises";
import path from "node:path";
import {Readable} from "node:stream";
import {pipeline} from "node:stream/promises";
import type {ReadableStream as WebReadableStream} from "node:stream/web";
import {ModelsError} from "./errors.js";

export interface DownloadProgress {
  /** Bytes on disk so far, including bytes resumed from an earlier run. */
  received: number;
  /** Full size when the server told us, else null. */
  total: number | null;
  /** Bytes that were already on disk when this attempt started. */
  resumedFrom: number;
}

export interface DownloadOptions {
  url: string;
  /** Final path; the download is written to `<destination>.partial` first. */
  destination: string;
  /** When given, a file with another sha256 is deleted and the download fails. */
  expectedSha256?: string | null;
  /** When given, a file of another size is deleted and the download fails. */
  expectedSize?: number | null;
  /** How long to wait for the server's response headers. */
  connectTimeoutMs?: number;
  /** How long the body may stall without a single byte arriving. */
  idleTimeoutMs?: number;
  /** Extra attempts after a retryable failure (network error, 5xx, stall), resuming each time. */
  retries?: number;
  /** Wait before retry n is n × retryDelayMs. */
  retryDelayMs?: number;
  headers?: Record<string, string>;
  onProgress?: (progress: DownloadProgress) => void;
  /** Called before each retry with the error that caused it. */
  onRetry?: (error: ModelsError, attempt: number) => void;
  signal?: AbortSignal;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export interface DownloadResult {
  sha256: string;
  size: number;
  /** Bytes that came from an earlier, interrupted run. */
  resumedBytes: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export function partialPathOf(destination: string): string {
  return `${destination}.partial`;
}

/** sha256 of a file on disk, as lowercase hex. */
export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(filePath), hash);
  return hash.digest("hex");
}

async function sizeOf(filePath: string): Promise<number | null> {
  try {
    return (await stat(filePath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function hashInto(hash: Hash, filePath: string): Promise<void> {
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, {once: true});
  });
}

function describeDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function describeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current != null; depth++) {
    const code = (current as {code?: unknown}).code;
    if (typeof code === "string") return code;
    current = (current as {cause?: unknown}).cause;
  }
  return undefined;
}

/** Parses `bytes <start>-<end>/<total>`; total is null for `*`. */
function parseContentRange(header: string | null): {start: number; total: number | null} | null {
  const match = header == null ? null : /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(header.trim());
  if (match == null) return null;
  return {start: Number(match[1]), total: match[3] === "*" ? null : Number(match[3])};
}

interface AttemptContext {
  options: DownloadOptions;
  partial: string;
  fileLabel: string;
}

/**
 * One HTTP request: resumes from the `.partial` when there is one, appends the body to it and
 * returns the hash of the whole file. Throws ModelsError (retryable or not).
 */
async function attempt({options, partial, fileLabel}: AttemptContext): Promise<DownloadResult> {
  const doFetch = options.fetch ?? fetch;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const host = describeHost(options.url);

  let existing = (await sizeOf(partial)) ?? 0;
  if (options.expectedSize != null && existing > options.expectedSize) {
    await rm(partial, {force: true});
    existing = 0;
  }
  // Hash what is already on disk before asking the server for the rest, so that no timer runs
  // (and no connection idles) while a multi-gigabyte partial file is read.
  let resumeHash: Hash | null = null;
  if (existing > 0) {
    resumeHash = createHash("sha256");
    await hashInto(resumeHash, partial);
  }

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, {once: true});
  let timedOut: "connect" | "idle" | null = null;
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    timedOut = "connect";
    controller.abort();
  }, connectTimeoutMs);
  const armIdleTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = "idle";
      controller.abort();
    }, idleTimeoutMs);
  };

  const timeoutError = (cause?: unknown) =>
    new ModelsError(
      "MODELS_DOWNLOAD_TIMEOUT",
      timedOut === "connect"
        ? `${host} did not answer within ${describeDuration(connectTimeoutMs)} while downloading ${fileLabel} from ${options.url}`
        : `no data from ${host} for ${describeDuration(idleTimeoutMs)} while downloading ${fileLabel}; the partial download is kept and resumes on the next run`,
      {retryable: true, cause},
    );

  try {
    const headers: Record<string, string> = {"accept-encoding": "identity", ...options.headers};
    if (existing > 0) headers.range = `bytes=${existing}-`;

    let response: Response;
    try {
      response = await doFetch(options.url, {headers, signal: controller.signal, redirect: "follow"});
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timedOut != null) throw timeoutError(error);
      const code = networkCode(error);
      throw new ModelsError(
        "MODELS_DOWNLOAD_UNREACHABLE",
        `cannot reach ${host}${code ? ` (${code})` : ""} while downloading ${fileLabel} from ${options.url}. ` +
          "Check the network connection and proxy settings, or point --base-url at a reachable mirror.",
        {retryable: true, cause: error},
      );
    }
    // Headers are in: from here on, only a stalled body counts as a timeout.
    armIdleTimer();

    let appendFrom = 0;
    let total: number | null = null;
    if (response.status === 206 && existing > 0) {
      const range = parseContentRange(response.headers.get("content-range"));
      if (range != null && range.start === existing) {
        appendFrom = existing;
        total = range.total;
      } else {
        // The server sent a range we did not ask for: start over rather than splice bytes.
        await response.body?.cancel();
        await rm(partial, {force: true});
        throw new ModelsError("MODELS_DOWNLOAD_INTERRUPTED", `${host} answered the resume request for ${fileLabel} with an unexpected range; starting over`, {retryable: true});
      }
    } else if (response.status === 416 && existing > 0) {
      await response.body?.cancel();
      const range = parseContentRange(response.headers.get("content-range"));
      const knownTotal = options.expectedSize ?? range?.total ?? null;
      if (knownTotal != null && knownTotal === existing && resumeHash != null) {
        // Everything is already on disk.
        return {sha256: resumeHash.digest("hex"), size: existing, resumedBytes: existing};
      }
      await rm(partial, {force: true});
      throw new ModelsError("MODELS_DOWNLOAD_INTERRUPTED", `${host} could not resume ${fileLabel}; starting over`, {retryable: true});
    } else if (response.status === 200) {
      const length = response.headers.get("content-length");
      total = length != null && /^\d+$/.test(length) ? Number(length) : null;
    } else {
      await response.body?.cancel().catch(() => undefined);
      const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
      const hint =
        response.status === 404
          ? " The file may have been renamed or removed upstream; check the repo, revision and source path in scripts/models-manifest.json."
          : response.status === 401 || response.status === 403
            ? " The repository may need an access token (set HF_TOKEN) or the mirror refuses the request."
            : "";
      throw new ModelsError(
        "MODELS_DOWNLOAD_HTTP",
        `${options.url} answered ${response.status} ${response.statusText || ""}`.trimEnd() + ` while downloading ${fileLabel}.${hint}`,
        {retryable},
      );
    }

    if (response.body == null) {
      throw new ModelsError("MODELS_DOWNLOAD_INTERRUPTED", `${host} sent no body for ${fileLabel}`, {retryable: true});
    }
    if (options.expectedSize != null && total != null && total !== options.expectedSize) {
      await response.body.cancel().catch(() => undefined);
      await rm(partial, {force: true});
      throw new ModelsError(
        "MODELS_SIZE_MISMATCH",
        `${fileLabel} is ${total} bytes on ${host} but the manifest records ${options.expectedSize}; nothing was kept`,
      );
    }

    const hash = appendFrom > 0 && resumeHash != null ? resumeHash : createHash("sha256");
    let received = appendFrom;
    const progress = () => options.onProgress?.({received, total, resumedFrom: appendFrom});
    progress();
    armIdleTimer();

    try {
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            armIdleTimer();
            hash.update(chunk);
            received += chunk.length;
            progress();
            yield chunk;
          }
        },
        createWriteStream(partial, {flags: appendFrom > 0 ? "a" : "w"}),
      );
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timedOut != null) throw timeoutError(error);
      const code = networkCode(error);
      throw new ModelsError(
        "MODELS_DOWNLOAD_INTERRUPTED",
        `the connection to ${host} broke after ${received} bytes of ${fileLabel}${code ? ` (${code})` : ""}; the partial download is kept and resumes on the next run`,
        {retryable: true, cause: error},
      );
    }

    if (total != null && received !== total) {
      throw new ModelsError(
        "MODELS_DOWNLOAD_INTERRUPTED",
        `${host} closed the connection after ${received} of ${total} bytes of ${fileLabel}; the partial download is kept and resumes on the next run`,
        {retryable: true},
      );
    }
    return {sha256: hash.digest("hex"), size: received, resumedBytes: appendFrom};
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

/**
 * Downloads `options.url` to `options.destination`, resuming an earlier `.partial`, retrying
 * retryable failures, and checking size and sha256 before the file is moved into place.
 * A file that fails the check is deleted and a ModelsError is thrown.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const partial = partialPathOf(options.destination);
  const fileLabel = path.basename(options.destination);
  await mkdir(path.dirname(options.destination), {recursive: true});

  const retries = Math.max(0, options.retries ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 2_000;
  let restartedAfterMismatch = false;

  for (let attemptNumber = 0; ; attemptNumber++) {
    let result: DownloadResult;
    try {
      result = await attempt({options, partial, fileLabel});
    } catch (error) {
      if (!(error instanceof ModelsError) || !error.retryable || attemptNumber >= retries) throw error;
      options.onRetry?.(error, attemptNumber + 1);
      await sleep(retryDelayMs * (attemptNumber + 1), options.signal);
      continue;
    }

    if (options.expectedSize != null && result.size !== options.expectedSize) {
      await rm(partial, {force: true});
      throw new ModelsError(
        "MODELS_SIZE_MISMATCH",
        `${fileLabel} arrived with ${result.size} bytes but the manifest records ${options.expectedSize}; the download was deleted`,
      );
    }
    if (options.expectedSha256 != null && result.sha256 !== options.expectedSha256) {
      await rm(partial, {force: true});
      if (result.resumedBytes > 0 && !restartedAfterMismatch) {
        // The bytes kept from an earlier run may belong to another version of the file:
        // fetch it once more from scratch before giving up.
        restartedAfterMismatch = true;
        continue;
      }
      throw new ModelsError(
        "MODELS_CHECKSUM_MISMATCH",
        `${fileLabel} from ${options.url} has sha256 ${result.sha256}, but the manifest expects ${options.expectedSha256}; ` +
          "the download was deleted. The file changed upstream or was altered on the way: pin the manifest's revision, " +
          "or re-record the checksum on a trusted machine with --write-checksums after clearing it.",
      );
    }
    await rename(partial, options.destination);
    return result;
  }
}
