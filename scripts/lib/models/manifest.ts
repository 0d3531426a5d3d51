/**
 * The model manifest (scripts/models-manifest.json): which files make up each model, where they
 * come from, where they go under resources/models/, and their recorded sha256 and size.
 */
import {readFile, rename, writeFile} from "node:fs/promises";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {z} from "zod";
import {ModelsError} from "./errors.js";

export const MODEL_ROLES = ["chat", "cpu", "embedding"] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

/** Repository root, resolved from this file's location (scripts/lib/models/). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const DEFAULT_MANIFEST_PATH = path.join(PROJECT_ROOT, "scripts", "models-manifest.json");
export const DEFAULT_MODELS_DIR = path.join(PROJECT_ROOT, "resources", "models");

const sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters")
  .nullable();

/** A relative, forward-slash path that stays inside its base folder. */
const relativePathSchema = z
  .string()
  .min(1)
  .refine(
    (value) =>
      !value.startsWith("/") &&
      !value.includes("\\") &&
      !/^[a-zA-Z]:/.test(value) &&
      value.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    "must be a relative path with forward slashes and no '.', '..' or empty segments",
  );

const fileSchema = z.object({
  /** Path inside the repository on the model hub. */
  source: relativePathSchema,
  /** Path under the models folder (resources/models/). */
  target: relativePathSchema,
  sha256: sha256Schema,
  size: z.number().int().nonnegative().nullable(),
});

const modelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, '.', '_' or '-'"),
  role: z.enum(MODEL_ROLES),
  name: z.string().min(1),
  description: z.string().optional(),
  license: z.string().min(1),
  licenseUrl: z.string().url().optional(),
  /** Hub repository, `owner/name`. */
  repo: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, "must look like owner/name"),
  /** Branch, tag or commit to download from. A commit hash pins the files for good. */
  revision: z.string().min(1),
  /** Whether the installers carry this model. */
  bundled: z.boolean(),
  files: z.array(fileSchema).min(1),
});

const manifestSchema = z
  .object({
    $comment: z.string().optional(),
    schemaVersion: z.literal(1),
    baseUrl: z.string().url(),
    models: z.array(modelSchema).min(1),
  })
  .superRefine((manifest, ctx) => {
    const ids = new Set<string>();
    const targets = new Set<string>();
    for (const model of manifest.models) {
      if (ids.has(model.id)) ctx.addIssue({code: "custom", message: `duplicate model id "${model.id}"`});
      ids.add(model.id);
      for (const file of model.files) {
        const key = file.target.toLowerCase();
        if (targets.has(key)) ctx.addIssue({code: "custom", message: `two files share the target "${file.target}"`});
        targets.add(key);
      }
    }
  });

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelEntry = ModelManifest["models"][number];
export type ModelFileEntry = ModelEntry["files"][number];

/** One file of one model, with everything needed to fetch and check it. */
export interface SelectedFile {
  model: ModelEntry;
  file: ModelFileEntry;
}

export function parseManifest(value: unknown, origin = "the model manifest"): ModelManifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
      .join("; ");
    throw new ModelsError("MODELS_MANIFEST_INVALID", `${origin} is not valid: ${problems}`);
  }
  return result.data;
}

export async function loadManifest(manifestPath: string = DEFAULT_MANIFEST_PATH): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(manifestPath, "utf8");
  } catch (error) {
    throw new ModelsError("MODELS_MANIFEST_INVALID", `cannot read the model manifest at ${manifestPath}`, {cause: error});
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelsError("MODELS_MANIFEST_INVALID", `${manifestPath} is not valid JSON: ${(error as Error).message}`);
  }
  return parseManifest(json, manifestPath);
}

/** Writes the manifest back (2-space JSON, trailing newline) through a temporary file. */
export async function saveManifest(manifest: ModelManifest, manifestPath: string = DEFAULT_MANIFEST_PATH): Promise<void> {
  const temporary = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, "utf8");
  await rename(temporary, manifestPath);
}

/**
 * Picks models by role (`chat`, `cpu`, `embedding`) or id. An empty selection means all models.
 * Unknown names are an error rather than silently pulling nothing.
 */
export function selectModels(manifest: ModelManifest, only: readonly string[] = []): ModelEntry[] {
  if (only.length === 0) return manifest.models;
  const wanted = new Set(only);
  const unknown = [...wanted].filter(
    (name) => !manifest.models.some((model) => model.role === name || model.id === name),
  );
  if (unknown.length > 0) {
    const known = [...new Set([...MODEL_ROLES, ...manifest.models.map((model) => model.id)])].join(", ");
    throw new ModelsError("MODELS_UNKNOWN_SELECTION", `no model matches ${unknown.map((name) => `"${name}"`).join(", ")}; choose from ${known}`);
  }
  return manifest.models.filter((model) => wanted.has(model.role) || wanted.has(model.id));
}

export function filesOf(models: readonly ModelEntry[]): SelectedFile[] {
  return models.flatMap((model) => model.files.map((file) => ({model, file})));
}

/** The files the installers carry (models with `bundled: true`). */
export function bundledFiles(manifest: ModelManifest): SelectedFile[] {
  return filesOf(manifest.models.filter((model) => model.bundled));
}

/** `<baseUrl>/<owner>/<name>/resolve/<revision>/<source>`, the hub's direct-download address. */
export function fileUrl(baseUrl: string, model: ModelEntry, file: ModelFileEntry): string {
  const base = baseUrl.replace(/\/+$/, "");
  const repo = model.repo.split("/").map(encodeURIComponent).join("/");
  const source = file.source.split("/").map(encodeURIComponent).join("/");
  return `${base}/${repo}/resolve/${encodeURIComponent(model.revision)}/${source}`;
}

/** Absolute destination of a file under the models folder. */
export function targetPath(modelsDir: string, file: ModelFileEntry): string {
  return path.join(modelsDir, ...file.target.split("/"));
}

/** True when `DESKSIDE_NO_BUNDLED_MODEL` asks for the variant without bundled models. */
export function isNoModelVariant(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.DESKSIDE_NO_BUNDLED_MODEL?.trim().toLowerCase();
  return value === "1" || value === "true" || value === "yes";
}
