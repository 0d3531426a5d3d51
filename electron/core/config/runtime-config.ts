import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {DesksideError} from "../../../shared/errors.js";
import {GPU_CHOICES, type GpuChoice} from "../../../shared/settings.js";

/**
 * The headless configuration contract: flags win over DESKSIDE_* environment variables, which win
 * over stored settings. Only what was actually given is returned; the caller merges it over settings.
 */
export interface RuntimeOverrides {
  dataDir?: string;
  modelsDir?: string;
  model?: string;
  embeddingModel?: string;
  host?: string;
  port?: number;
  apiToken?: string;
  threads?: number;
  gpu?: GpuChoice;
  /** knowledge.storeUri: a local folder or s3:// gs:// az:// location. */
  storeUri?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3PathStyle?: boolean;
  s3AllowHttp?: boolean;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  /** Give memory back once requests stop (electron/core/memory/idle-collector.ts); on unless false. */
  idleCollect?: boolean;
  /** With the idle collector, also hand back what native libraries freed (memory/native-trim.ts); on unless false. */
  nativeTrim?: boolean;
}

/** Every flag of the headless server with its environment variable (also checked against docs/operations). */
export const RUNTIME_OPTIONS: readonly {key: keyof RuntimeOverrides; flag: string; env: string; value: string; help: string}[] = [
  {key: "dataDir", flag: "data-dir", env: "DESKSIDE_DATA_DIR", value: "FOLDER", help: "all state: settings, knowledge base, history, models, logs"},
  {key: "modelsDir", flag: "models-dir", env: "DESKSIDE_MODELS_DIR", value: "FOLDER", help: "an extra folder searched for .gguf files and embedding models"},
  {key: "model", flag: "model", env: "DESKSIDE_MODEL", value: "GGUF", help: "the chat model: a .gguf path, or a file name in the model folders"},
  {key: "embeddingModel", flag: "embedding-model", env: "DESKSIDE_EMBEDDING_MODEL", value: "FOLDER", help: "the embedding model's folder (path or name)"},
  {key: "host", flag: "host", env: "DESKSIDE_HOST", value: "ADDRESS", help: "the API's bind address (127.0.0.1; others need the LAN opt-in)"},
  {key: "port", flag: "port", env: "DESKSIDE_PORT", value: "N", help: "the API's port (3375; 0 picks a free one)"},
  {key: "apiToken", flag: "api-token", env: "DESKSIDE_API_TOKEN", value: "TOKEN", help: "a fixed API token instead of the generated one"},
  {key: "threads", flag: "threads", env: "DESKSIDE_THREADS", value: "N", help: "CPU threads for generation (0: one per core)"},
  {key: "gpu", flag: "gpu", env: "DESKSIDE_GPU", value: GPU_CHOICES.join("|"), help: "the GPU backend (auto)"},
  {key: "storeUri", flag: "store-uri", env: "DESKSIDE_STORE_URI", value: "URI", help: "where the knowledge base lives: a folder, or s3:// gs:// az://"},
  {key: "s3Endpoint", flag: "s3-endpoint", env: "DESKSIDE_S3_ENDPOINT", value: "URL", help: "an S3-compatible server"},
  {key: "s3Region", flag: "s3-region", env: "DESKSIDE_S3_REGION", value: "REGION", help: "the bucket's region (auto for Cloudflare R2)"},
  {key: "s3PathStyle", flag: "s3-path-style", env: "DESKSIDE_S3_PATH_STYLE", value: "true|false", help: "bucket in the path rather than the host name (true)"},
  {key: "s3AllowHttp", flag: "s3-allow-http", env: "DESKSIDE_S3_ALLOW_HTTP", value: "true|false", help: "allow a plain http:// endpoint (false)"},
  {key: "s3AccessKeyId", flag: "s3-access-key-id", env: "DESKSIDE_S3_ACCESS_KEY_ID", value: "ID", help: "the bucket's access key id"},
  // A flag would show the secret in the process list; the variable (or settings.json) is the way.
  {key: "s3SecretAccessKey", flag: "s3-secret-access-key", env: "DESKSIDE_S3_SECRET_ACCESS_KEY", value: "SECRET", help: "the bucket's secret key (prefer the variable: a flag shows in the process list)"},
  {key: "idleCollect", flag: "idle-collect", env: "DESKSIDE_IDLE_COLLECT", value: "true|false", help: "give memory back once requests stop (true)"},
  {key: "nativeTrim", flag: "native-trim", env: "DESKSIDE_NATIVE_TRIM", value: "true|false", help: "with it, also hand back what native libraries freed (true; Linux with glibc)"},
];

const TRUE_WORDS = ["1", "true", "yes", "on"];
const FALSE_WORDS = ["0", "false", "no", "off"];

function toBoolean(name: string, raw: string): boolean {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new DesksideError("INVALID_INPUT", `${name} must be true or false (1/0, yes/no), got "${raw}".`);
}

function toInteger(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new DesksideError("INVALID_INPUT", `${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  return value;
}

export function resolveOverrides(argv: string[], env: NodeJS.ProcessEnv): RuntimeOverrides {
  const {values} = parseArgs({
    args: argv,
    options: Object.fromEntries(RUNTIME_OPTIONS.map(({flag}) => [flag, {type: "string" as const}])),
    strict: false,
    allowPositionals: true,
  });
  const out: RuntimeOverrides = {};
  for (const {key, flag, env: envName} of RUNTIME_OPTIONS) {
    const fromFlag = values[flag];
    const raw = typeof fromFlag === "string" ? fromFlag : env[envName];
    if (raw === undefined || raw === "") continue;
    const label = typeof fromFlag === "string" ? `--${flag}` : envName;
    switch (key) {
      case "port":
        out.port = toInteger(label, raw, 0, 65_535);
        break;
      case "threads":
        out.threads = toInteger(label, raw, 0, 256);
        break;
      case "gpu":
        if (!(GPU_CHOICES as readonly string[]).includes(raw))
          throw new DesksideError("INVALID_INPUT", `${label} must be one of ${GPU_CHOICES.join(", ")}, got "${raw}".`);
        out.gpu = raw as GpuChoice;
        break;
      case "s3PathStyle":
      case "s3AllowHttp":
      case "idleCollect":
      case "nativeTrim":
        out[key] = toBoolean(label, raw);
        break;
      default:
        out[key] = path.isAbsolute(raw) || !["dataDir", "modelsDir"].includes(key) ? raw : path.resolve(raw);
    }
  }
  return out;
}

/** Where Electron's `userData` lives for a product called Deskside, so both hosts share state. */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "Deskside");
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "Deskside");
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, ".config"), "Deskside");
}
