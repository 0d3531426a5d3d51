/**
 * npm run doctor [-- --data-dir <folder>] [--check]
 *
 * Checks a Deskside data folder and repairs what it can: damaged tables keep what is readable,
 * missing bookkeeping is rebuilt, documents whose passages were lost are re-imported from their
 * source files when those still exist, and what cannot be restored is listed. Deskside must not be
 * running on the folder (the doctor takes the same lock). Exit code: 0 healthy, 1 something could
 * not be restored, 2 the doctor could not run.
 */
import path from "node:path";
import {fileURLToPath} from "node:url";
import {toErrorInfo} from "../shared/errors.js";
import {effectiveSettings} from "../electron/core/config/effective-settings.js";
import {defaultDataDir, resolveOverrides} from "../electron/core/config/runtime-config.js";
import {readStrictArguments} from "../electron/core/config/strict-arguments.js";
import {acquireDataDirLock} from "../electron/core/data-dir-lock.js";
import {SettingsService} from "../electron/core/settings/settings-service.js";
import {formatReport, runDoctor} from "../electron/core/storage/data-folder-doctor.js";

const USAGE = `Usage: npm run doctor -- [options]

Checks the data folder (knowledge base, history) and repairs what it can.

Options:
  --data-dir <folder>        The data folder (default: DESKSIDE_DATA_DIR, else the app's folder).
  --models-dir <folder>      Extra folder with embedding models (default: DESKSIDE_MODELS_DIR).
  --embedding-model <name>   Embedding model to re-import with (default: the configured one).
  --check                    Report only; re-import nothing.
  --help                     This text.`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // Strict: a mistyped --data-dir must not send the doctor to the default folder to repair it.
  const values = readStrictArguments(argv, {
    strings: [
      {flag: "data-dir", value: "FOLDER"},
      {flag: "models-dir", value: "FOLDER"},
      {flag: "embedding-model", value: "NAME"},
    ],
    switches: [{flag: "check"}, {flag: "help"}],
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const overrides = resolveOverrides(argv, process.env);
  const dataDir = path.resolve(overrides.dataDir ?? defaultDataDir());
  const repair = values.check !== true;
  const lock = acquireDataDirLock(dataDir, {owner: "doctor"});
  try {
    const settings = effectiveSettings(new SettingsService(dataDir).get(), overrides);
    process.stdout.write(`Checking ${dataDir}${repair ? "" : " (report only)"}…\n`);
    const report = await runDoctor({
      dataDir,
      storeUri: settings.knowledge.storeUri,
      embeddingModelDirs: [path.join(dataDir, "models"), overrides.modelsDir, path.join(REPO_ROOT, "resources", "models")].filter((dir): dir is string => Boolean(dir)),
      embeddingModel: settings.knowledge.embeddingModel,
      settings: settings.knowledge,
      repair,
    });
    for (const line of formatReport(report, repair)) process.stdout.write(`${line}\n`);
    return report.healthy ? 0 : 1;
  } finally {
    lock.release();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    const info = toErrorInfo(error);
    process.stderr.write(`Deskside doctor could not run (${info.code}): ${info.code === "INTERNAL" ? String((error as Error)?.message ?? error) : info.message}\n`);
    process.exit(2);
  },
);
