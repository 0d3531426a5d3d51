import {createContext, useContext, useEffect, useRef, useState, type ReactNode} from "react";
import type {EngineStatus} from "../../../shared/models.js";
import {useClient, useEvent, useRpcQuery} from "../client/context.js";
import {useResync} from "../shell/connection.js";
import {useSettings} from "./settings.js";

interface EngineState {
  status: EngineStatus | undefined;
  reload: () => Promise<void>;
  /** The core is starting and about to load a model on its own; "none" is not the final word yet. */
  startingUp: boolean;
}

/** How long after the window opens an automatic model load is still expected to begin. */
const AUTO_LOAD_GRACE_MS = 20_000;

/**
 * Whether a model is about to load by itself. A window opened while the core starts sees "none"
 * for a few seconds before the automatic load begins (the core first picks a model); that is not
 * retrieval-only mode. Decided once, from the first status: nothing loaded, nothing failed,
 * auto-load on, and a model the core would pick. It ends when the state moves on or after a grace.
 */
function useAutoLoadExpected(status: EngineStatus | undefined): boolean {
  const client = useClient();
  const llm = useSettings().view?.settings.llm;
  // Undecided until the settings are in, and counted as expected meanwhile, so the banner goes
  // from neutral to a warning at most once instead of flickering.
  const [phase, setPhase] = useState<"undecided" | "expected" | "no">("undecided");
  const decided = useRef(false);

  useEffect(() => {
    if (decided.current || !status || !llm) return;
    decided.current = true;
    if (status.engine !== "local" || status.state !== "none" || status.error || !llm.autoLoad) {
      setPhase("no");
      return;
    }
    setPhase("expected");
    // The core loads the configured model, else the first one that fits.
    if (!llm.model)
      void client.invoke("models.list").then(
        (models) => models.some((model) => model.fit?.fits) || setPhase("no"),
        () => setPhase("no"),
      );
  }, [status, llm, client]);

  const moved = status !== undefined && (status.state !== "none" || status.error !== null);
  useEffect(() => {
    if (moved) setPhase("no");
  }, [moved]);

  const waiting = phase !== "no";
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setPhase("no"), AUTO_LOAD_GRACE_MS);
    return () => clearTimeout(timer);
  }, [waiting]);

  return waiting && !moved;
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
  const startingUp = useAutoLoadExpected(data);

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
