/**
 * Packaging gate: refuses to go on unless every bundled model file in resources/models/ matches
 * the size and sha256 recorded in scripts/models-manifest.json.
 *
 * Skipped (exit 0) when DESKSIDE_NO_BUNDLED_MODEL=1 asks for the installers without models.
 * Usage: tsx scripts/check-bundled-models.ts [--dir <folder>] [--manifest <file>]
 */
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {ModelsError} from "./lib/models/errors.js";
import {DEFAULT_MANIFEST_PATH, DEFAULT_MODELS_DIR, bundledFiles, isNoModelVariant, loadManifest} from "./lib/models/manifest.js";
import type {ProgressWriter} from "./lib/models/progress.js";
import {describeCheck, verifyFiles, type VerifyReport} from "./lib/models/verify.js";

export interface BundleCheckOptions {
  manifestPath?: string;
  modelsDir?: string;
  env?: NodeJS.ProcessEnv;
}

export type BundleCheckResult = {skipped: true} | {skipped: false; report: VerifyReport};

/** Verifies the bundled models; `skipped` when the no-model variant is requested. */
export async function checkBundledModels(options: BundleCheckOptions = {}): Promise<BundleCheckResult> {
  if (isNoModelVariant(options.env ?? process.env)) return {skipped: true};
  const manifest = await loadManifest(options.manifestPath ?? DEFAULT_MANIFEST_PATH);
  const files = bundledFiles(manifest);
  return {skipped: false, report: await verifyFiles(options.modelsDir ?? DEFAULT_MODELS_DIR, files)};
}

export async function main(argv: readonly string[], io: {stdout: ProgressWriter; stderr: ProgressWriter; env: NodeJS.ProcessEnv; cwd: string}): Promise<number> {
  let values;
  try {
    ({values} = parseArgs({args: [...argv], options: {dir: {type: "string"}, manifest: {type: "string"}}, strict: true}));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\nUsage: tsx scripts/check-bundled-models.ts [--dir <folder>] [--manifest <file>]\n`);
    return 2;
  }
  const modelsDir = values.dir ? path.resolve(io.cwd, values.dir) : DEFAULT_MODELS_DIR;
  try {
    const result = await checkBundledModels({
      manifestPath: values.manifest ? path.resolve(io.cwd, values.manifest) : DEFAULT_MANIFEST_PATH,
      modelsDir,
      env: io.env,
    });
    if (result.skipped) {
      io.stdout.write("Bundled models: skipped (DESKSIDE_NO_BUNDLED_MODEL is set; building the no-model variant).\n");
      return 0;
    }
    io.stdout.write(`Bundled models in ${modelsDir}:\n`);
    for (const check of result.report.files) io.stdout.write(`  ${describeCheck(check)}\n`);
    if (result.report.ok) return 0;
    const unrecorded = result.report.files.some((check) => check.status === "checksum-missing");
    io.stderr.write(
      "\nMODELS_BUNDLE_INCOMPLETE: packaging refused — the bundled models are missing or do not match scripts/models-manifest.json.\n" +
        "  Fetch them:                          npm run models:pull\n" +
        (unrecorded ? "  Record checksums (trusted machine):  npm run models:pull -- --write-checksums\n" : "") +
        "  Or build the installers without models: npm run dist:no-model\n",
    );
    return 1;
  } catch (error) {
    io.stderr.write(`${error instanceof ModelsError ? error.toString() : String((error as Error)?.stack ?? error)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd()}).then((code) => {
    process.exitCode = code;
  });
}
