import {createContext, useContext, type ReactNode} from "react";

const ConnectionContext = createContext(true);

/** Whether live events are flowing (always true in the desktop app). */
export function ConnectionProvider({connected, children}: {connected: boolean; children: ReactNode}) {
  return <ConnectionContext.Provider value={connected}>{children}</ConnectionContext.Provider>;
}

export function useEventsConnected(): boolean {
  return useContext(ConnectionContext);
}
