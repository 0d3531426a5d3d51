import {render} from "@testing-library/react";
import type {ReactNode} from "react";
import type {AppInfo} from "../../../shared/contract.js";
import {ClientProvider} from "../client/context.js";
import {AppInfoProvider} from "../state/app-info.js";
import {EngineProvider} from "../state/engine.js";
import {SettingsProvider} from "../state/settings.js";
import {ToastProvider} from "../ui/Toasts.js";
import {FakeTransport, type FakeHandlers} from "./fake-transport.js";
import {appInfo, emptyStatus, settingsView, TEST_TOKEN} from "./fixtures.js";

/** Answers every call the shell makes on its own, so a test only scripts what it is about. */
export function baseHandlers(): FakeHandlers {
  return {
    "app.info": () => appInfo(),
    "settings.get": () => settingsView(),
    "settings.apiToken": () => ({token: TEST_TOKEN}),
    "apiTokens.list": () => [],
    "models.status": () => emptyStatus(),
    "chat.list": () => [],
    "knowledge.list": () => [],
    "knowledge.stats": () => ({documents: 0, chunks: 0, collections: [], embeddingModel: null, embeddingDimension: null, storeUri: "", reranker: null, fusion: null, notice: null}),
    "knowledge.jobs": () => [],
    "knowledge.folders": () => [],
    "knowledge.ocrLanguages": () => ({available: [{code: "eng", source: "package" as const}], selected: ["eng"], missing: []}),
    "knowledge.retrievalModels": () => ({embedding: [], rerankers: []}),
    "models.list": () => [],
    "models.gpu": () => ({backend: "cpu", requested: "auto", devices: [], vram: {total: 0, used: 0, free: 0}, ram: {total: 16 * 1024 ** 3, free: 8 * 1024 ** 3}, cpuThreads: 8, defaultThreads: 8, notice: null}),
    "models.downloads": () => [],
  };
}

/** Renders a panel inside the same providers the app uses, over a fake transport. */
export function renderWithClient(ui: ReactNode, handlers: FakeHandlers = {}, options: {host?: "electron" | "browser"; info?: AppInfo; desktop?: FakeTransport["desktop"]; token?: string; upload?: FakeTransport["upload"]; download?: FakeTransport["download"]} = {}) {
  const transport = new FakeTransport({...baseHandlers(), ...handlers}, options.host ?? "electron", options.desktop);
  transport.token = options.token;
  transport.upload = options.upload;
  transport.download = options.download;
  const client = transport.client();
  const info = options.info ?? appInfo();
  const result = render(
    <ClientProvider client={client}>
      <ToastProvider>
        <AppInfoProvider value={{info, refresh: async () => undefined}}>
          <SettingsProvider>
            <EngineProvider>{ui}</EngineProvider>
          </SettingsProvider>
        </AppInfoProvider>
      </ToastProvider>
    </ClientProvider>,
  );
  return {transport, ...result};
}
