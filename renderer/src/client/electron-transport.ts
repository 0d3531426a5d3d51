import type {DesktopBridge, PreloadApi, Transport} from "./transport.js";

export function createElectronTransport(api: PreloadApi): Transport {
  const desktop: DesktopBridge = {
    pathForFile: api.pathForFile?.bind(api),
    openPath: api.openPath?.bind(api),
    pickFiles: api.pickFiles?.bind(api),
    pickSavePath: api.pickSavePath?.bind(api),
  };
  return {
    host: "electron",
    invoke: (method, input) => api.invoke(method, input),
    on: (event, listener) => api.on(event, listener),
    desktop,
  };
}
