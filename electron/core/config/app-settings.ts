import {DesksideError} from "../../../shared/errors.js";
import type {EventSink, SettingsView} from "../../../shared/contract.js";
import type {Settings, SettingsPatch} from "../../../shared/settings.js";
import type {SettingsService, SettingsWarning} from "../settings/settings-service.js";
import {effectiveSettings, overriddenSettings} from "./effective-settings.js";
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
    stored.onChange(() => events.emit("settings.changed", this.view()));
  }

  /** Settings in effect: stored values with flags and environment applied (never persisted). */
  effective(): Settings {
    return effectiveSettings(this.stored.get(), this.overrides);
  }

  /** Problems met loading the stored file (moved aside, defaults used). */
  get warnings(): SettingsWarning[] {
    return this.stored.warnings;
  }

  view(): SettingsView {
    return {settings: this.effective(), warnings: this.warnings.map(({code, message}) => ({code, message})), dataDir: this.dataDir, overridden: overriddenSettings(this.overrides)};
  }

  /** Applies a partial update to the stored settings; invalid values throw SETTINGS_INVALID. */
  update(patch: SettingsPatch | Record<string, unknown>): Settings {
    return this.stored.update(patch);
  }

  reset(): Settings {
    return this.stored.reset();
  }

  regenerateToken(): string {
    if (this.overrides.apiToken !== undefined)
      throw new DesksideError("INVALID_INPUT", "The API token is fixed by DESKSIDE_API_TOKEN (or --api-token) for this run; change it there.");
    return this.stored.regenerateApiToken();
  }

  /** Called after every change with the settings in effect before and after it. */
  onChange(listener: (next: Settings, previous: Settings) => void): () => void {
    return this.stored.onChange((next, previous) => listener(effectiveSettings(next, this.overrides), effectiveSettings(previous, this.overrides)));
  }
}
