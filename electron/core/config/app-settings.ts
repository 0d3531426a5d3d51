import {DesksideError} from "../../../shared/errors.js";
import type {EventSink, SettingsView} from "../../../shared/contract.js";
import {LOCAL_ONLY_SETTINGS, publicSettings, type Settings, type SettingsPatch} from "../../../shared/settings.js";
import {KEPT_ON_RESET, type SettingsService, type SettingsWarning} from "../settings/settings-service.js";
import {effectiveSettings, overriddenSettings} from "./effective-settings.js";
import {assertRemoteChangeAllowed, localOnlyError, type ChangeOrigin} from "./local-only.js";
import type {RuntimeOverrides} from "./runtime-config.js";

/**
 * The settings as this run sees them: the stored file with command-line flags and DESKSIDE_*
 * variables on top. The owner of settings changes: every change is announced as `settings.changed`.
 */
export class AppSettings {
  constructor(
    private readonly stored: SettingsService,
    private readonly overrides: RuntimeOverrides,
    private readonly dataDir: string,
    events: EventSink<"settings.changed">,
  ) {
    // Registered first, so clients hear of a change before the services that follow it react.
    stored.onChange(() => {
      this.current = null;
      events.emit("settings.changed", this.view());
    });
  }

  /** The settings in effect since the last change; rebuilt only when the stored settings change. */
  private current: Readonly<Settings> | null = null;

  /**
   * Settings in effect: stored values with flags and environment applied (never persisted). Read
   * several times per request, so one frozen copy is shared until the next change: a caller that
   * tried to change it would throw instead of changing everyone's settings.
   */
  effective(): Settings {
    this.current ??= deepFreeze(effectiveSettings(this.stored.get(), this.overrides));
    return this.current as Settings;
  }

  /** Problems met loading the stored file (moved aside, defaults used). */
  get warnings(): SettingsWarning[] {
    return this.stored.warnings;
  }

  /** What clients see (IPC, /rpc, events): the settings in effect without their secrets. */
  view(): SettingsView {
    const {settings, secrets} = publicSettings(this.effective());
    return {settings, secrets, warnings: this.warnings.map(({code, message}) => ({code, message})), dataDir: this.dataDir, overridden: overriddenSettings(this.overrides)};
  }

  /**
   * Applies a partial update to the stored settings; invalid values throw SETTINGS_INVALID. From a
   * remote origin a change to a local-only setting throws SETTING_LOCAL_ONLY and nothing is applied.
   */
  update(patch: SettingsPatch | Record<string, unknown>, origin: ChangeOrigin = "local"): Settings {
    if (origin === "remote") assertRemoteChangeAllowed(patch as Record<string, unknown>, this.stored.get());
    return this.stored.update(patch);
  }

  /** Defaults again, keeping the API tokens; from a remote origin every local-only setting is kept too. */
  reset(origin: ChangeOrigin = "local"): Settings {
    return this.stored.reset(origin === "remote" ? LOCAL_ONLY_SETTINGS : KEPT_ON_RESET);
  }

  /** Takes in the settings file if another process changed it (a stat; see SettingsService.reloadIfChanged). */
  refresh(): void {
    this.stored.reloadIfChanged();
  }

  regenerateToken(origin: ChangeOrigin = "local"): string {
    if (origin === "remote") throw localOnlyError(["api.token"]);
    if (this.overrides.apiToken !== undefined)
      throw new DesksideError("INVALID_INPUT", "The API token is fixed by DESKSIDE_API_TOKEN (or --api-token) for this run; change it there.");
    return this.stored.regenerateApiToken();
  }

  /** The token in effect, for the desktop app to show; never to a remote origin. */
  apiToken(origin: ChangeOrigin = "local"): string {
    if (origin === "remote")
      throw new DesksideError("SETTING_LOCAL_ONLY", "The API token is shown only on the computer running Deskside (desktop app, or settings.json in its data folder), never over HTTP.");
    return this.effective().api.token;
  }

  /** Called after every change with the settings in effect before and after it. */
  onChange(listener: (next: Settings, previous: Settings) => void): () => void {
    return this.stored.onChange((next, previous) => listener(effectiveSettings(next, this.overrides), effectiveSettings(previous, this.overrides)));
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
