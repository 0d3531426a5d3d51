import {createContext, useCallback, useContext, useMemo, useState, type ReactNode} from "react";
import type {SettingsView} from "../../../shared/contract.js";
import type {SettingsPatch} from "../../../shared/settings.js";
import {useClient, useEvent, useRpcQuery} from "../client/context.js";
import {useResync} from "../shell/connection.js";

interface SettingsState {
  view: SettingsView | undefined;
  error: unknown;
  /** Applies a partial update; rejects with the core's SETTINGS_INVALID error for bad values. */
  update: (patch: SettingsPatch | Record<string, unknown>) => Promise<SettingsView>;
  reset: () => Promise<SettingsView>;
  regenerateToken: () => Promise<SettingsView>;
  dismissedWarnings: boolean;
  dismissWarnings: () => void;
}

const SettingsContext = createContext<SettingsState | null>(null);

/** One copy of the settings for the whole window, kept current by `settings.changed`. */
export function SettingsProvider({children}: {children: ReactNode}) {
  const client = useClient();
  const {data, error, setData, reload} = useRpcQuery("settings.get");
  const [dismissedWarnings, setDismissedWarnings] = useState(false);

  useEvent("settings.changed", (view) => setData(view));
  useResync(() => void reload());

  const apply = useCallback(
    (view: SettingsView) => {
      setData(view);
      return view;
    },
    [setData],
  );

  const state = useMemo<SettingsState>(
    () => ({
      view: data,
      error,
      update: (patch) => client.invoke("settings.update", patch as Record<string, unknown>).then(apply),
      reset: () => client.invoke("settings.reset").then(apply),
      regenerateToken: () => client.invoke("settings.regenerateToken").then(apply),
      dismissedWarnings,
      dismissWarnings: () => setDismissedWarnings(true),
    }),
    [client, data, error, apply, dismissedWarnings],
  );

  return <SettingsContext.Provider value={state}>{children}</SettingsContext.Provider>;
}

/**
 * Whether a command-line flag or DESKSIDE_* variable fixes this setting for the current run: the
 * value shown is the one in effect, and an edit would only apply once the override is gone.
 */
export function isOverridden(view: SettingsView | undefined, path: string): boolean {
  return view?.overridden?.includes(path) ?? false;
}

export function useSettings(): SettingsState {
  const state = useContext(SettingsContext);
  if (!state) throw new Error("useSettings needs a <SettingsProvider> above it");
  return state;
}
