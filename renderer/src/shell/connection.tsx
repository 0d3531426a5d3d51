import {createContext, useContext, useEffect, useRef, type ReactNode} from "react";

interface ConnectionState {
  connected: boolean;
  /** Goes up each time the event stream (re)opens; events sent while it was down are lost. */
  epoch: number;
}

const ConnectionContext = createContext<ConnectionState>({connected: true, epoch: 0});

/** Whether live events are flowing (always true in the desktop app). */
export function ConnectionProvider({connected, epoch = 0, children}: {connected: boolean; epoch?: number; children: ReactNode}) {
  return <ConnectionContext.Provider value={{connected, epoch}}>{children}</ConnectionContext.Provider>;
}

export function useEventsConnected(): boolean {
  return useContext(ConnectionContext).connected;
}

/**
 * Calls `resync` whenever the event stream opens again. Data loaded before that moment may have
 * missed events (the first connection races the first fetches; a reconnect misses everything in
 * between), so holders of live state reload it then.
 */
export function useResync(resync: () => void): void {
  const {epoch} = useContext(ConnectionContext);
  const latest = useRef(resync);
  latest.current = resync;
  const seen = useRef(epoch);
  useEffect(() => {
    if (epoch === seen.current) return;
    seen.current = epoch;
    latest.current();
  }, [epoch]);
}
