import path from "node:path";
import {fileURLToPath} from "node:url";

/** The repository root, whatever the working directory of the test run. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Small real models kept in the repository (see test/fixtures/models/README.md). */
export const FIXTURE_MODELS_DIR = path.join(REPO_ROOT, "test", "fixtures", "models");
export const FIXTURE_GGUF = path.join(FIXTURE_MODELS_DIR, "llama-2-tiny-random.gguf");
export const FIXTURE_EMBEDDER_DIR = path.join(FIXTURE_MODELS_DIR, "static-glove-wordpiece");
