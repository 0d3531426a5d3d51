import {SETTINGS_VERSION} from "../../../shared/settings.js";

type RawSettings = Record<string, unknown>;

/**
 * Each entry upgrades a stored file from version `from` to `from + 1`. Files written before
 * versioning have no `version` key and count as version 1.
 */
const MIGRATIONS: Record<number, (raw: RawSettings) => RawSettings> = {};

export function migrateSettings(raw: RawSettings): RawSettings {
  let version = typeof raw.version === "number" ? raw.version : 1;
  let current = raw;
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    if (step) current = step(current);
    version += 1;
  }
  return {...current, version: SETTINGS_VERSION};
}
