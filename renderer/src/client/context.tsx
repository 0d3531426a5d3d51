import {createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode} from "react";
import type {EventMap, EventName, MethodName, MethodOutput} from "../../../shared/contract.js";
import type {DesksideClient} from "./client.js";

const ClientContext = createContext<DesksideClient | null>(null);

export function ClientProvider({client, children}: {client: DesksideClient; children: ReactNode}) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): DesksideClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useClient needs a <ClientProvider> above it");
  return client;
}

/** Subscribes for the component's lifetime; the latest listener is always the one called. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): void {
  const client = useClient();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event]);
}

export interface RpcState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (update: T | undefined | ((previous: T | undefined) => T | undefined)) => void;
}

/**
 * Loads a method that takes no input and keeps its latest result. `reload` is stable, so event
 * listeners can call it freely; late answers from an earlier call never overwrite newer ones.
 */
export function useRpcQuery<M extends MethodName>(method: M): RpcState<MethodOutput<M>> {
  const client = useClient();
  const [data, setData] = useState<MethodOutput<M> | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const result = await (client.invoke as (m: MethodName) => Promise<MethodOutput<M>>)(method);
      if (mine !== generation.current) return;
      setData(() => result);
      setError(null);
    } catch (caught) {
      if (mine === generation.current) setError(caught);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [client, method]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return {data, error, loading, reload, setData: setData as RpcState<MethodOutput<M>>["setData"]};
}
