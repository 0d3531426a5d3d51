import {createContext, useContext, type ReactNode} from "react";
import type {AppInfo} from "../../../shared/contract.js";

interface AppInfoState {
  info: AppInfo;
  refresh: () => Promise<void>;
}

const AppInfoContext = createContext<AppInfoState | null>(null);

export function AppInfoProvider({value, children}: {value: AppInfoState; children: ReactNode}) {
  return <AppInfoContext.Provider value={value}>{children}</AppInfoContext.Provider>;
}

export function useAppInfo(): AppInfoState {
  const state = useContext(AppInfoContext);
  if (!state) throw new Error("useAppInfo needs an <AppInfoProvider> above it");
  return state;
}
