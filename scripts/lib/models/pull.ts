/**
 * Pulls the models listed in the manifest into the models folder.
 *
 * Normal mode trusts nothing it cannot check: every file must have a recorded sha256, and a file
 * that does not match is deleted and reported. `writeChecksums` mode is for a trusted machine
 * pulling for the first time: it downloads the files that have no checksum yet and records their
 * sha256 and size in the manifest; files that already have one are still verified against it.
 */
import {rm} from "node:fs/promises";
import {downloadFile, type DownloadOptions} from "./download.js";
import {ModelsError} from "./errors.js";
import {
  DEFAULT_MANIFEST_PATH,
  DEFAULT_MODELS_DIR,
  fileUrl,
  filesOf,
  loadManifest,
  saveManifest,
  selectModels,
  targetPath,
} from "./manifest.js";
import {createProgressReporter, formatBytes, type ProgressReporter} from "./progress.js";
import {checkFile} from "./verify.js";

export interface PullOptions {
  manifestPath?: string;
  modelsDir?: string;
  /** Roles (`chat`, `cpu`, `embedding`) or model ids; empty means all. */
  only?: readonly string[];
  /** Replaces the manifest's baseUrl (a mirror, or a local server in tests). */
  baseUrl?: string;
  writeChecksums?: boolean;
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  reporter?: ProgressReporter;
  /** Read for HF_TOKEN. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface PulledFile {
  modelId: string;
  target: string;
  path: string;
  action: "downloaded" | "already-present";
  sha256: string;
  size: number;
  /** True when this run wrote the checksum into the manifest. */
  recorded: boolean;
}

export interface PullResult {
  files: PulledFile[];
  recordedChecksums: number;
}

/** The Authorization header for HF_TOKEN, for hub addresses only (never for a mirror). */
export function authHeaders(url: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.HF_TOKEN?.trim();
  if (!token) return {};
  const host = new URL(url).hostname;
  return host === "huggingface.co" || host.endsWith(".huggingface.co") ? {authorization: `Bearer ${token}`} : {};
}

export async function pullModels(options: PullOptions = {}): Promise<PullResult> {
  const manifestPath = options.manifestPath ?? DEFAULT_MANIFEST_PATH;
  const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
  const reporter = options.reporter ?? createProgressReporter();
  const env = options.env ?? process.env;
  const writeChecksums = options.writeChecksums === true;

  const manifest = await loadManifest(manifestPath);
  const baseUrl = options.baseUrl ?? manifest.baseUrl;
  const models = selectModels(manifest, options.only ?? []);
  const files = filesOf(models);

  if (!writeChecksums) {
    const unchecked = files.filter(({file}) => file.sha256 == null);
    if (unchecked.length > 0) {
      throw new ModelsError(
        "MODELS_CHECKSUM_MISSING",
        `the manifest (${manifestPath}) has no sha256 for ${unchecked.map(({file}) => file.target).join(", ")}, ` +
          "so a download could not be verified and nothing was fetched. On a trusted machine, run " +
          "`npm run models:pull -- --write-checksums` once to record them, and commit the manifest.",
      );
    }
  }

  for (const model of models) {
    reporter.info(`${model.role}: ${model.name} — ${model.license}${model.licenseUrl ? ` (${model.licenseUrl})` : ""}`);
  }

  const pulled: PulledFile[] = [];
  let recordedChecksums = 0;

  for (const selected of files) {
    const {model, file} = selected;
    const destination = targetPath(modelsDir, file);

    if (file.sha256 != null) {
      const check = await checkFile(modelsDir, selected);
      if (check.status === "ok") {
        let recorded = false;
        if (writeChecksums && file.size == null && check.actualSize != null) {
          file.size = check.actualSize;
          await saveManifest(manifest, manifestPath);
          recorded = true;
        }
        reporter.done(file.target, `already present, sha256 verified (${formatBytes(check.actualSize ?? 0)})`);
        pulled.push({modelId: model.id, target: file.target, path: destination, action: "already-present", sha256: file.sha256, size: check.actualSize ?? 0, recorded});
        continue;
      }
      if (check.status !== "missing") {
        reporter.info(`${file.target}: the copy on disk does not match the manifest (${check.status}); downloading it again`);
        await rm(destination, {force: true});
      }
    }

    const url = fileUrl(baseUrl, model, file);
    const downloadOptions: DownloadOptions = {
      url,
      destination,
      expectedSha256: file.sha256,
      expectedSize: file.size,
      connectTimeoutMs: options.connectTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
      headers: authHeaders(url, env),
      onProgress: reporter.start(file.target),
      onRetry: (error, attemptNumber) => reporter.info(`${file.target}: ${error.message} — retrying (${attemptNumber})`),
      signal: options.signal,
      fetch: options.fetch,
    };
    const result = await downloadFile(downloadOptions);

    let recorded = false;
    if (writeChecksums && (file.sha256 == null || file.size == null)) {
      file.sha256 = result.sha256;
      file.size = result.size;
      await saveManifest(manifest, manifestPath);
      recorded = true;
      recordedChecksums++;
    }
    reporter.done(
      file.target,
      recorded ? `downloaded, sha256 ${result.sha256} recorded in the manifest` : `downloaded, sha256 verified (${formatBytes(result.size)})`,
    );
    pulled.push({modelId: model.id, target: file.target, path: destination, action: "downloaded", sha256: result.sha256, size: result.size, recorded});
  }

  return {files: pulled, recordedChecksums};
}
