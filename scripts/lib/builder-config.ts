/**
 * Computes the electron-builder configuration for one installer variant.
 *
 * electron-builder.yml is the single source of truth for everything the variants share. The only
 * variant-dependent part is the bundled-models resource: with models, its filter becomes exactly
 * the bundled files listed in scripts/models-manifest.json (and packaging refuses to start when one
 * is missing); without models, the entry is dropped and every artifact name gets `-no-model`.
 */
import {readFileSync, statSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {ModelsError} from "./models/errors.js";
import {PROJECT_ROOT, bundledFiles, loadManifest, targetPath} from "./models/manifest.js";
import {formatBytes} from "./models/progress.js";

/** Suffix added to every artifact name of the variant without bundled models. */
export const NO_MODEL_SUFFIX = "-no-model";

/**
 * NSIS installers cannot exceed 2 GiB (larger ones fail to build or come out broken). The app
 * itself takes roughly 0.5 GiB of that, so the bundled models must stay under this budget for a
 * Windows installer.
 */
export const NSIS_MODEL_BUDGET_BYTES = 1.5 * 1024 ** 3;

/** Where the models land inside the installed app's resources folder. */
export const MODELS_RESOURCE_DIR = "models";

export interface BuilderConfigOptions {
  bundleModels: boolean;
  projectDir?: string;
  /** Base configuration file (default: <projectDir>/electron-builder.yml). */
  baseConfigPath?: string;
  manifestPath?: string;
  modelsDir?: string;
}

type ConfigObject = Record<string, unknown>;

interface FileSetLike {
  from?: string;
  to?: string;
  filter?: string | string[];
}

/** Minimal shape of electron-builder's BeforePackContext that the guard reads. */
export interface PackContextLike {
  electronPlatformName: string;
  targets: ReadonlyArray<{name: string}>;
}

/** electron-builder prints only `message`; put the stable code in front of it. */
function forBuilder(error: ModelsError): ModelsError {
  error.message = `${error.code}: ${error.message}`;
  return error;
}

function loadYaml(filePath: string): ConfigObject {
  // js-yaml is what electron-builder itself parses its YAML with; resolve it through
  // electron-builder so this works however node_modules is laid out.
  const fromHere = createRequire(import.meta.url);
  const fromBuilder = createRequire(fromHere.resolve("electron-builder/package.json"));
  const fromLib = createRequire(fromBuilder.resolve("app-builder-lib/package.json"));
  const yaml = fromLib("js-yaml") as {load(text: string): unknown};
  const parsed = yaml.load(readFileSync(filePath, "utf8"));
  if (parsed == null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${filePath} does not hold an electron-builder configuration object`);
  }
  return parsed as ConfigObject;
}

function isModelsResource(entry: unknown): entry is FileSetLike {
  return typeof entry === "object" && entry !== null && (entry as FileSetLike).to === MODELS_RESOURCE_DIR;
}

/** `Deskside-1.0.0-linux-x86_64.AppImage` → `Deskside-1.0.0-linux-x86_64-no-model.AppImage`. */
export function withArtifactSuffix(pattern: string, suffix: string): string {
  const ext = "${ext}";
  return pattern.endsWith(`.${ext}`) ? `${pattern.slice(0, -(ext.length + 1))}${suffix}.${ext}` : `${pattern}${suffix}`;
}

/** Sections of the configuration that may carry their own artifactName. */
const ARTIFACT_SECTIONS = ["mac", "dmg", "win", "nsis", "linux", "appImage", "deb"] as const;

function addSuffixToArtifactNames(config: ConfigObject, suffix: string): void {
  if (typeof config.artifactName !== "string") {
    throw new Error("electron-builder.yml must set a top-level artifactName so variants can be named apart");
  }
  config.artifactName = withArtifactSuffix(config.artifactName, suffix);
  for (const key of ARTIFACT_SECTIONS) {
    const section = config[key] as ConfigObject | undefined;
    if (section != null && typeof section.artifactName === "string") {
      section.artifactName = withArtifactSuffix(section.artifactName, suffix);
    }
  }
}

/** Throws when a Windows NSIS installer would have to carry more model bytes than NSIS can hold. */
export function assertFitsInstaller(context: PackContextLike, bundledBytes: number): void {
  const buildsNsis = context.targets.some((target) => target.name === "nsis" || target.name === "portable");
  if (context.electronPlatformName !== "win32" || !buildsNsis || bundledBytes <= NSIS_MODEL_BUDGET_BYTES) return;
  throw forBuilder(new ModelsError(
    "MODELS_BUNDLE_TOO_LARGE",
    `the bundled models take ${formatBytes(bundledBytes)}, but a Windows (NSIS) installer cannot exceed 2 GiB including ` +
      `the app, so models may take at most ${formatBytes(NSIS_MODEL_BUDGET_BYTES)}. Build the Windows installer without ` +
      "models (npm run dist:no-model -- --win) and hand out the models folder separately, or bundle a smaller model " +
      "(see docs/packaging.md, \"Windows and the 2 GiB limit\").",
  ));
}

export async function createBuilderConfig(options: BuilderConfigOptions): Promise<ConfigObject> {
  const projectDir = options.projectDir ?? PROJECT_ROOT;
  const baseConfigPath = options.baseConfigPath ?? path.join(projectDir, "electron-builder.yml");
  const manifestPath = options.manifestPath ?? path.join(projectDir, "scripts", "models-manifest.json");
  const modelsDir = options.modelsDir ?? path.join(projectDir, "resources", "models");

  const config = structuredClone(loadYaml(baseConfigPath));
  const extraResources = config.extraResources;
  if (!Array.isArray(extraResources) || !extraResources.some(isModelsResource)) {
    throw new Error(`${baseConfigPath} must list the bundled models under extraResources (to: ${MODELS_RESOURCE_DIR})`);
  }

  if (!options.bundleModels) {
    config.extraResources = extraResources.filter((entry) => !isModelsResource(entry));
    addSuffixToArtifactNames(config, NO_MODEL_SUFFIX);
    return config;
  }

  const manifest = await loadManifest(manifestPath);
  const files = bundledFiles(manifest);
  if (files.length === 0) {
    throw forBuilder(new ModelsError(
      "MODELS_BUNDLE_INCOMPLETE",
      `${manifestPath} marks no model as bundled; build the variant without models (npm run dist:no-model) instead`,
    ));
  }

  // A quick presence and size check so that electron-builder never starts without the models,
  // even when it is run directly; `npm run models:verify` checks the sha256 as well.
  let bundledBytes = 0;
  const problems: string[] = [];
  for (const {file} of files) {
    const filePath = targetPath(modelsDir, file);
    let size: number | null;
    try {
      const info = statSync(filePath);
      size = info.isFile() ? info.size : null;
    } catch {
      size = null;
    }
    if (size == null) problems.push(`${file.target} is missing`);
    else if (file.size != null && size !== file.size) problems.push(`${file.target} has ${size} bytes, the manifest says ${file.size}`);
    else bundledBytes += size;
  }
  if (problems.length > 0) {
    throw forBuilder(new ModelsError(
      "MODELS_BUNDLE_INCOMPLETE",
      `packaging refused: ${problems.join("; ")} (in ${modelsDir}). Run \`npm run models:pull\` first, ` +
        "or build the installers without models with `npm run dist:no-model`.",
    ));
  }

  const modelsResource = extraResources.find(isModelsResource)!;
  modelsResource.filter = files.map(({file}) => file.target);

  if (config.beforePack != null) {
    throw new Error(`${baseConfigPath} sets beforePack; the bundled-model size guard owns that hook — merge them in scripts/lib/builder-config.ts`);
  }
  config.beforePack = async (context: PackContextLike) => assertFitsInstaller(context, bundledBytes);
  return config;
}
