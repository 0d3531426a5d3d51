import {useCallback, useEffect, useState} from "react";
import {LOCAL_ONLY_SETTINGS} from "../../../shared/settings.js";
import {useClient} from "../client/context.js";
import type {DesksideClient} from "../client/client.js";
import {useSettings} from "./settings.js";

/**
 * The API token, to show and copy. The desktop app asks the core for it (settings.apiToken, IPC
 * only) and asks again after a settings change, which may be a new token; a browser tab shows the
 * one it signed in with, since the server never sends the token over HTTP. Null until known.
 */
export function useApiToken(): string | null {
  const client = useClient();
  const {view} = useSettings();
  const [token, setToken] = useState<string | null>(client.token);
  const reload = useCallback(() => {
    if (client.host !== "electron") return;
    client.invoke("settings.apiToken").then(
      (result) => setToken(result.token),
      () => setToken(null),
    );
  }, [client]);
  // Every new settings view (a change here or elsewhere, a regenerated token) asks again.
  useEffect(() => reload(), [reload, view]);
  return token;
}

/** Settings this client cannot change: those that decide who can reach Deskside, from a browser. */
export function localOnlySettings(client: Pick<DesksideClient, "host">): readonly string[] {
  return client.host === "browser" ? LOCAL_ONLY_SETTINGS : [];
}

/** An absolute folder path, or null when the server left it out (it does over HTTP). */
export function knownFolder(path: string): string | null {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path) ? path : null;
}
