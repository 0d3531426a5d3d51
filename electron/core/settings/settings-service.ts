import fs from "node:fs";
import path from "node:path";
import {randomBytes} from "node:crypto";
import {EventEmitter} from "node:events";
import Conf from "conf";
import {DesksideError} from "../../../shared/errors.js";
import {settingsSchema, type Settings, type SettingsPatch} from "../../../shared/settings.js";
import {migrateSettings} from "./migrations.js";

/** The part of conf / electron-store the service uses; both libraries provide it. */
export interface SettingsBacking {
  readonly path: string;
  store: Record<string, unknown>;
}

export type BackingFactory = (dataDir: string) => SettingsBacking;

export const SETTINGS_FILE = "settings.json";

/** The settings file holds the API token and the remote engine's key: only its owner may read it. */
export const SECRET_FILE_MODE = 0o600;

/** Under plain Node the store is `conf`; the desktop shell passes an electron-store factory. */
export const confBacking: BackingFactory = (dataDir) =>
  new Conf<Record<string, unknown>>({cwd: dataDir, configName: "settings", projectName: "deskside", clearInvalidConfig: false, configFileMode: SECRET_FILE_MODE});

/** Owner-only access; on Windows only the read-only bit exists, so this is a no-op there. */
function restrictFile(file: string): void {
  try {
    const info = fs.statSync(file);
    // A folder kept aside under a settings name holds no token and needs its search permission.
    if (info.isFile() && (info.mode & 0o777) !== SECRET_FILE_MODE) fs.chmodSync(file, SECRET_FILE_MODE);
  } catch {
    // Not written yet, or a file system without modes: nothing to tighten.
  }
}

/** The settings file and the copies of it kept when it was unreadable (they hold the token too). */
function settingsFiles(dataDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  return names.filter((name) => name === SETTINGS_FILE || name.startsWith(`${SETTINGS_FILE}.corrupt-`)).map((name) => path.join(dataDir, name));
}

export interface SettingsWarning {
  code: "SETTINGS_CORRUPT";
  message: string;
  /** Where the unreadable file was kept. */
  movedTo: string;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...base};
  for (const [key, value] of Object.entries(patch)) {
    const prev = out[key];
    const bothObjects = value && typeof value === "object" && !Array.isArray(value) && prev && typeof prev === "object" && !Array.isArray(prev);
    out[key] = bothObjects ? deepMerge(prev as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

function describeIssues(error: {issues: {path: PropertyKey[]; message: string}[]}): string {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "settings"}: ${issue.message}`).join("; ");
}

/**
 * Typed settings over a JSON file. A file that cannot be read or does not match the schema is
 * moved aside (never deleted), defaults are used, and a warning is kept for the UI.
 */
export class SettingsService {
  readonly warnings: SettingsWarning[] = [];
  readonly filePath: string;
  private readonly backing: SettingsBacking;
  private current: Settings;
  private readonly events = new EventEmitter();
  /** The file as this service last wrote or read it; anything else was written by another process. */
  private seen: string | null = null;

  constructor(dataDir: string, createBacking: BackingFactory = confBacking) {
    fs.mkdirSync(dataDir, {recursive: true});
    this.filePath = path.join(dataDir, SETTINGS_FILE);
    const loaded = this.readExisting();
    this.backing = createBacking(dataDir);
    this.current = loaded;
    if (!this.current.api.token) this.current = {...this.current, api: {...this.current.api, token: generateApiToken()}};
    this.write();
    // Files written by earlier versions (or copied in) may be world-readable: tighten them at start.
    for (const file of settingsFiles(dataDir)) restrictFile(file);
  }

  private write(): void {
    this.backing.store = this.current as unknown as Record<string, unknown>;
    this.seen = fileSignature(this.filePath);
  }

  /**
   * Takes in a settings file another process wrote (`npm run tokens`, an administrator's editor)
   * while this one runs: a stat per call, a read only when the file changed. A valid file replaces
   * the settings in memory and is announced like any change; an invalid one is left for its writer
   * to fix and the settings in memory stay. Returns whether anything changed.
   */
  reloadIfChanged(): boolean {
    const signature = fileSignature(this.filePath);
    if (signature === this.seen || signature === null) return false;
    this.seen = signature;
    let next: Settings;
    try {
      const parsed = settingsSchema.safeParse(migrateSettings(JSON.parse(fs.readFileSync(this.filePath, "utf8"))));
      if (!parsed.success) return false;
      next = parsed.data;
    } catch {
      return false;
    }
    if (JSON.stringify(next) === JSON.stringify(this.current)) return false;
    const previous = this.current;
    this.current = next;
    this.events.emit("change", this.get(), previous);
    return true;
  }

  private readExisting(): Settings {
    let text: string;
    let problem: string;
    try {
      text = fs.readFileSync(this.filePath, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return settingsSchema.parse({});
      // A folder by that name (EISDIR), or a file it may not read: kept aside like a corrupt one.
      return this.keepAside(code === "EISDIR" ? "a folder, not a file" : `unreadable (${code ?? "error"})`);
    }
    try {
      const parsed = settingsSchema.safeParse(migrateSettings(JSON.parse(text)));
      if (parsed.success) return parsed.data;
      problem = `values out of range (${describeIssues(parsed.error)})`;
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    return this.keepAside(problem);
  }

  private keepAside(problem: string): Settings {
    const movedTo = `${this.filePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    fs.renameSync(this.filePath, movedTo);
    restrictFile(movedTo);
    this.warnings.push({
      code: "SETTINGS_CORRUPT",
      message: `The settings file was unreadable: ${problem}. Defaults are in use; the old file was kept as ${path.basename(movedTo)}.`,
      movedTo,
    });
    return settingsSchema.parse({});
  }

  /**
   * Re-reads the file shortly after anything writes it (reloadIfChanged decides whether it is news),
   * so an open Settings page shows a change made elsewhere without waiting for the next request.
   */
  watch(): () => void {
    let timer: NodeJS.Timeout | null = null;
    let watcher: fs.FSWatcher;
    try {
      // The folder, not the file: an atomic write replaces the file, which ends a watch on it.
      watcher = fs.watch(path.dirname(this.filePath), {persistent: false}, (_event, name) => {
        if (name !== SETTINGS_FILE) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          this.reloadIfChanged();
        }, 50);
        timer.unref();
      });
    } catch {
      // No file watching here (some network file systems): requests still check the file.
      return () => undefined;
    }
    watcher.on("error", () => undefined);
    return () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    };
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Applies a partial update; unknown keys are ignored, invalid values throw SETTINGS_INVALID. */
  update(patch: SettingsPatch | Record<string, unknown>): Settings {
    // A change another process made to the file is taken in first, so this write keeps it.
    this.reloadIfChanged();
    const merged = deepMerge(this.current as unknown as Record<string, unknown>, patch as Record<string, unknown>);
    const parsed = settingsSchema.safeParse(merged);
    if (!parsed.success) throw new DesksideError("SETTINGS_INVALID", `Setting rejected: ${describeIssues(parsed.error)}`);
    const previous = this.current;
    this.current = parsed.data;
    this.write();
    // The backing is asked for owner-only files; this covers one that was not.
    restrictFile(this.filePath);
    this.events.emit("change", this.get(), previous);
    return this.get();
  }

  /**
   * Back to defaults, keeping the given settings ("section.key" paths) as they are; by default the
   * API tokens (the main one and the named ones), so connected tools keep working.
   */
  reset(keep: readonly string[] = KEPT_ON_RESET): Settings {
    const next = settingsSchema.parse({}) as unknown as Record<string, unknown>;
    for (const setting of keep) copyPath(this.current, next, setting.split("."));
    return this.update(next);
  }

  regenerateApiToken(): string {
    return this.update({api: {token: generateApiToken()}}).api.token;
  }

  onChange(listener: (next: Settings, previous: Settings) => void): () => void {
    this.events.on("change", listener);
    return () => this.events.off("change", listener);
  }
}

/** What a reset keeps unless told otherwise: who may use the API. */
export const KEPT_ON_RESET: readonly string[] = ["api.token", "api.tokens"];

/** Identifies one version of a file: a new inode (atomic rename), size or time means another write. */
function fileSignature(file: string): string | null {
  try {
    const stat = fs.statSync(file, {bigint: true});
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch {
    return null;
  }
}

export function generateApiToken(): string {
  return `dsk_${randomBytes(24).toString("base64url")}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies the value at `keys` (any depth) from `from` into `to`, copying the objects on the way. */
function copyPath(from: unknown, to: Record<string, unknown>, keys: string[]): void {
  const [key, ...rest] = keys;
  if (!isRecord(from) || !Object.hasOwn(from, key)) return;
  if (rest.length === 0) {
    to[key] = from[key];
    return;
  }
  const below = to[key];
  if (!isRecord(below)) return;
  to[key] = {...below};
  copyPath(from[key], to[key] as Record<string, unknown>, rest);
}
