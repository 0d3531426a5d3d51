/**
 * npm run models:pull [-- options]
 *
 * Downloads the models listed in scripts/models-manifest.json into resources/models/ and checks
 * each file's sha256. Run with --help for the options. The work is done by scripts/lib/models/.
 */
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {ModelsError} from "./lib/models/errors.js";
import {DEFAULT_MANIFEST_PATH, DEFAULT_MODELS_DIR, bundledFiles, filesOf, loadManifest, selectModels} from "./lib/models/manifest.js";
import {createProgressReporter, type ProgressWriter} from "./lib/models/progress.js";
import {pullModels} from "./lib/models/pull.js";
import {describeCheck, verifyFiles} from "./lib/models/verify.js";

const USAGE = `Usage: npm run models:pull -- [options]

Downloads the models in scripts/models-manifest.json into resources/models/ and verifies them.

Options:
  --only <name>        Only this model: chat, cpu, embedding, or a model id. Repeat or comma-separate.
  --base-url <url>     Download from this mirror instead of the manifest's baseUrl
                       (files are fetched from <url>/<owner>/<repo>/resolve/<revision>/<path>).
  --dir <folder>       Models folder (default: resources/models).
  --manifest <file>    Manifest to use (default: scripts/models-manifest.json).
  --write-checksums    Record sha256 and size of files that have none yet (trusted machine, first pull).
  --verify             Download nothing; check the files already on disk. Add --bundled to check
                       only the models the installers carry.
  --bundled            With --verify: only the bundled models.
  --timeout <seconds>  Give up on a download that sends no data for this long (default: 60).
  --connect-timeout <seconds>  Wait this long for the server to answer (default: 30).
  --retries <n>        Retries per file after network errors, resuming each time (default: 3).
  -h, --help           Show this help.

Environment:
  HF_TOKEN             Sent to huggingface.co only (never to a --base-url mirror).
`;

export interface CliIO {
  stdout: ProgressWriter;
  stderr: ProgressWriter;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function positiveNumber(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || (!allowZero && parsed === 0)) {
    throw new UsageError(`${name} must be a ${allowZero ? "non-negative" : "positive"} number, got "${value}"`);
  }
  return parsed;
}

class UsageError extends Error {}

/** Runs the command; returns the exit code instead of exiting, so tests can call it directly. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({values} = parseArgs({
      args: [...argv],
      options: {
        only: {type: "string", multiple: true},
        "base-url": {type: "string"},
        dir: {type: "string"},
        manifest: {type: "string"},
        "write-checksums": {type: "boolean"},
        verify: {type: "boolean"},
        bundled: {type: "boolean"},
        timeout: {type: "string"},
        "connect-timeout": {type: "string"},
        retries: {type: "string"},
        help: {type: "boolean", short: "h"},
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }

  try {
    const only = (values.only ?? []).flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
    const manifestPath = values.manifest ? path.resolve(io.cwd, values.manifest) : DEFAULT_MANIFEST_PATH;
    const modelsDir = values.dir ? path.resolve(io.cwd, values.dir) : DEFAULT_MODELS_DIR;
    if (values["write-checksums"] && values.verify) throw new UsageError("--write-checksums and --verify cannot be combined");
    if (values.bundled && !values.verify) throw new UsageError("--bundled only applies to --verify");
    let baseUrl: string | undefined;
    if (values["base-url"] !== undefined) {
      try {
        const parsed = new URL(values["base-url"]);
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
        baseUrl = parsed.href;
      } catch {
        throw new UsageError(`--base-url must be an http(s) address, got "${values["base-url"]}"`);
      }
    }
    const idleTimeoutMs = positiveNumber("--timeout", values.timeout, 60) * 1000;
    const connectTimeoutMs = positiveNumber("--connect-timeout", values["connect-timeout"], 30) * 1000;
    const retries = Math.floor(positiveNumber("--retries", values.retries, 3, true));

    if (values.verify) {
      const manifest = await loadManifest(manifestPath);
      const files = values.bundled ? bundledFiles(manifest) : filesOf(selectModels(manifest, only));
      const report = await verifyFiles(modelsDir, files);
      for (const check of report.files) io.stdout.write(`${describeCheck(check)}\n`);
      if (!report.ok) {
        io.stderr.write(
          `MODELS_BUNDLE_INCOMPLETE: ${report.files.filter((check) => check.status !== "ok").length} model file(s) in ${modelsDir} ` +
            "are missing or do not match the manifest. Run `npm run models:pull` to fetch them.\n",
        );
        return 1;
      }
      return 0;
    }

    const result = await pullModels({
      manifestPath,
      modelsDir,
      only,
      baseUrl,
      writeChecksums: values["write-checksums"] === true,
      idleTimeoutMs,
      connectTimeoutMs,
      retries,
      reporter: createProgressReporter(io.stderr),
      env: io.env,
    });
    const downloaded = result.files.filter((file) => file.action === "downloaded").length;
    io.stderr.write(
      `${result.files.length} file(s) ready in ${modelsDir} (${downloaded} downloaded)` +
        (result.recordedChecksums > 0 ? `; ${result.recordedChecksums} checksum(s) recorded in ${manifestPath} — review and commit it` : "") +
        "\n",
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ModelsError) {
      io.stderr.write(`\n${error.toString()}\n`);
      return 1;
    }
    io.stderr.write(`\nMODELS_PULL_FAILED: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.once("SIGINT", () => {
    process.stderr.write("\nInterrupted; partial downloads are kept and resume on the next run.\n");
    process.exit(130);
  });
  main(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd()}).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
