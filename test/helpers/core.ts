import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {createAppCore, type CreateAppCoreOptions, type DesksideCore} from "../../electron/core/app-core.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "./fixtures.js";

/** A real core on the fixture models in a fresh temp data folder; one CPU thread (2-core machines). */
export async function createTestCore(
  options: Partial<CreateAppCoreOptions> & {withModel?: boolean; dataDir?: string; settings?: Record<string, unknown>} = {},
): Promise<DesksideCore> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "deskside-core-"));
  // Stored settings as a user would have them before start; small context and 2 sequences keep tests fast.
  const settingsFile = path.join(dataDir, "settings.json");
  if (!fs.existsSync(settingsFile))
    fs.writeFileSync(settingsFile, JSON.stringify({llm: {parallelSequences: 2, contextSize: 2048}, ...options.settings}));
  const withModel = options.withModel ?? true;
  const core = await createAppCore({
    knowledgeDir: null,
    bundledModelsDir: null,
    autoLoadModel: withModel,
    ...options,
    dataDir,
    overrides: {threads: 1, gpu: "cpu", embeddingModel: FIXTURE_EMBEDDER_DIR, ...(withModel ? {model: FIXTURE_GGUF} : {}), ...options.overrides},
  });
  await core.startup;
  return core;
}

export function removeDataDir(core: DesksideCore): void {
  fs.rmSync(core.dataDir, {recursive: true, force: true});
}
