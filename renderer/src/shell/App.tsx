import {useCallback, useEffect, useState, type ReactNode} from "react";
import type {AppInfo} from "../../../shared/contract.js";
import type {DesksideClient} from "../client/client.js";
import {ClientProvider, useClient, useEvent} from "../client/context.js";
import {errorCode, errorMessage} from "../client/rpc-error.js";
import {clearToken, saveToken} from "../client/token-store.js";
import {FirstRunScreen} from "../features/first-run/FirstRunScreen.js";
import {AppInfoProvider} from "../state/app-info.js";
import {EngineProvider} from "../state/engine.js";
import {SettingsProvider, useSettings} from "../state/settings.js";
import {Button} from "../ui/Button.js";
import {EmptyState} from "../ui/EmptyState.js";
import {Spinner} from "../ui/Spinner.js";
import {ToastProvider} from "../ui/Toasts.js";
import {AppShell} from "./AppShell.js";
import {ConnectionProvider, useResync} from "./connection.js";
import {SignInScreen} from "./SignInScreen.js";
import {useAppliedTheme} from "./theme.js";

export interface AppProps {
  /** The desktop app's client; null in a browser tab. */
  desktopClient: DesksideClient | null;
  /** Token found in the address bar or kept from an earlier visit (browser mode). */
  initialToken: string | null;
  /** Opens a browser-mode client for a token. */
  connect: (token: string, onConnectionChange: (connected: boolean) => void) => DesksideClient;
}

export function App({desktopClient, initialToken, connect}: AppProps) {
  const [connection, setConnection] = useState({connected: true, epoch: 0});
  const onConnectionChange = useCallback(
    (connected: boolean) =>
      setConnection((previous) => (connected ? {connected: true, epoch: previous.epoch + 1} : previous.connected ? {...previous, connected: false} : previous)),
    [],
  );
  const [client, setClient] = useState<DesksideClient | null>(() => desktopClient ?? (initialToken ? connect(initialToken, onConnectionChange) : null));
  const [signInError, setSignInError] = useState<string | null>(null);

  const signIn = useCallback(
    async (token: string) => {
      const candidate = connect(token, onConnectionChange);
      try {
        await candidate.invoke("app.info");
      } catch (error) {
        candidate.close();
        setSignInError(errorCode(error) === "UNAUTHORIZED" ? "That token was not accepted. Check it and try again." : errorMessage(error));
        return;
      }
      saveToken(token);
      setSignInError(null);
      setClient(candidate);
    },
    [connect, onConnectionChange],
  );

  const signOut = useCallback(
    (reason: string) => {
      client?.close();
      clearToken();
      setSignInError(reason);
      setClient(null);
    },
    [client],
  );

  if (!client) return <SystemThemed><SignInScreen onSubmit={signIn} error={signInError} /></SystemThemed>;

  return (
    <ClientProvider client={client}>
      <ConnectionProvider connected={client.host === "electron" || connection.connected} epoch={connection.epoch}>
        <ToastProvider>
          <Session onUnauthorized={() => signOut("The saved token is no longer valid (it may have been regenerated). Enter the current one.")} />
        </ToastProvider>
      </ConnectionProvider>
    </ClientProvider>
  );
}

function SystemThemed({children}: {children: ReactNode}) {
  useAppliedTheme("system");
  return <>{children}</>;
}

/** Loads app.info, then shows the first-run screen or the app itself. */
function Session({onUnauthorized}: {onUnauthorized: () => void}) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const client = useClient();

  const refresh = useCallback(async () => {
    try {
      setInfo(await client.invoke("app.info"));
      setError(null);
    } catch (caught) {
      if (errorCode(caught) === "UNAUTHORIZED") onUnauthorized();
      else setError(caught);
    }
  }, [client, onUnauthorized]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // app.info sums up state other events announce: the API address and first-run flags live in the
  // settings, the starter knowledge in the knowledge base.
  useEvent("settings.changed", () => void refresh());
  useEvent("knowledge.changed", () => void refresh());
  useEvent("knowledge.job", (job) => job.state !== "running" && void refresh());
  useResync(() => void refresh());

  if (error && !info) {
    return (
      <SystemThemed>
        <div className="center-screen">
          <EmptyState icon="warning" title="Deskside is not responding" actions={<Button variant="primary" icon="regenerate" onClick={() => void refresh()}>Try again</Button>}>
            {errorMessage(error)}
          </EmptyState>
        </div>
      </SystemThemed>
    );
  }
  if (!info) {
    return (
      <SystemThemed>
        <div className="center-screen">
          <Spinner size={24} label="Starting Deskside" />
        </div>
      </SystemThemed>
    );
  }

  return (
    <AppInfoProvider value={{info, refresh}}>
      <SettingsProvider>
        <EngineProvider>
          <ThemedRoot>
            {info.firstRun ? <FirstRunScreen onDone={(next) => setInfo(next)} /> : <AppShell />}
          </ThemedRoot>
        </EngineProvider>
      </SettingsProvider>
    </AppInfoProvider>
  );
}

function ThemedRoot({children}: {children: ReactNode}) {
  const {view} = useSettings();
  useAppliedTheme(view?.settings.ui.theme ?? "system");
  return <>{children}</>;
}
