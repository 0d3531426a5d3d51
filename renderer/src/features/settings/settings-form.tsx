import {createContext, useCallback, useContext, useMemo, useState, type ReactNode} from "react";
import type {PublicSettings, SecretsState, Settings} from "../../../../shared/settings.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useSettings} from "../../state/settings.js";

/** Dotted path into the settings, e.g. "generation.temperature" or "llm.remote.baseUrl". */
export type SettingPath = `${keyof Settings}.${string}`;

export function readSetting(settings: PublicSettings, path: SettingPath): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), settings);
}

/** {"a.b.c": v} → {a: {b: {c: v}}}; the core deep-merges partial updates. */
export function patchFor(path: SettingPath, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((inner, key) => ({[key]: inner}), value) as Record<string, unknown>;
}

interface SettingsForm {
  settings: PublicSettings;
  /** Whether each write-only setting has a value (the values never reach the UI). */
  secrets: SecretsState;
  errors: Partial<Record<SettingPath, string>>;
  /** Sends one value; resolves true when the core accepted it, false with an inline error otherwise. */
  commit: (path: SettingPath, value: unknown) => Promise<boolean>;
  setError: (path: SettingPath, message: string | null) => void;
  /** Paths fixed for this run by a flag or environment variable. */
  overridden: readonly string[];
  /** Paths this client may not change (from a browser: who can reach Deskside). */
  localOnly: readonly string[];
}

const FormContext = createContext<SettingsForm | null>(null);

export function SettingsFormProvider({
  settings,
  secrets,
  overridden = [],
  localOnly = [],
  children,
}: {
  settings: PublicSettings;
  secrets: SecretsState;
  overridden?: readonly string[];
  localOnly?: readonly string[];
  children: ReactNode;
}) {
  const {update} = useSettings();
  const [errors, setErrors] = useState<Partial<Record<SettingPath, string>>>({});

  const setError = useCallback((path: SettingPath, message: string | null) => {
    setErrors((previous) => {
      if (!message && !(path in previous)) return previous;
      const next = {...previous};
      if (message) next[path] = message;
      else delete next[path];
      return next;
    });
  }, []);

  const commit = useCallback(
    async (path: SettingPath, value: unknown) => {
      try {
        await update(patchFor(path, value));
        setError(path, null);
        return true;
      } catch (error) {
        setError(path, errorMessage(error));
        return false;
      }
    },
    [update, setError],
  );

  const value = useMemo(() => ({settings, secrets, errors, commit, setError, overridden, localOnly}), [settings, secrets, errors, commit, setError, overridden, localOnly]);
  return <FormContext.Provider value={value}>{children}</FormContext.Provider>;
}

export function useSettingsForm(): SettingsForm {
  const form = useContext(FormContext);
  if (!form) throw new Error("useSettingsForm needs a <SettingsFormProvider> above it");
  return form;
}
