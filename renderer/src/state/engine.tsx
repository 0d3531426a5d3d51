import {createContext, useContext, type ReactNode} from "react";
import type {EngineStatus} from "../../../shared/models.js";
import {useEvent, useRpcQuery} from "../client/context.js";
import {useResync} from "../shell/connection.js";

interface EngineState {
  status: EngineStatus | undefined;
  reload: () => Promise<void>;
  /** The core is starting and about to load a model on its own; "none" is not the final word yet. */
  startingUp: boolean;
}

const EngineContext = createContext<EngineState | null>(null);

/** The engine's state for the status bar, the chat banner and the Models panel alike. */
export function EngineProvider({children}: {children: ReactNode}) {
  const {data, reload, setData} = useRpcQuery("models.status");

  useEvent("models.status", (status) => setData(status));
  useEvent("models.loadProgress", ({progress}) =>
    setData((previous) => (previous ? {...previous, state: "loading", progress} : previous)),
  );
  useResync(() => void reload());
  // The core says when start-up is still choosing or loading its model ("pending"), so "none" at
  // that moment is not retrieval-only mode; nothing is guessed here.
  const startingUp = data?.state === "none" && data.pending === true;

  return <EngineContext.Provider value={{status: data, reload, startingUp}}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineState {
  const state = useContext(EngineContext);
  if (!state) throw new Error("useEngine needs an <EngineProvider> above it");
  return state;
}

/** True when answers can only be knowledge-base excerpts: no local model and no remote engine. */
export function isRetrievalOnly(status: EngineStatus | undefined): boolean {
  if (!status) return false;
  if (status.engine === "remote") return status.remote === null;
  return status.state !== "loaded" || status.model === null;
}
