// The renderer's only door to the core: invoke a contract method, listen to contract events.
// Built as CommonJS because sandboxed preloads cannot be ES modules.
import {contextBridge, ipcRenderer, webUtils, type IpcRendererEvent} from "electron";

const INVOKE = "deskside:invoke";
const EVENT = "deskside:event";

contextBridge.exposeInMainWorld("deskside", {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke(INVOKE, method, input),
  on: (event: string, listener: (payload: unknown) => void) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT, handler);
    return () => ipcRenderer.off(EVENT, handler);
  },
  /** Dropped files' paths, which sandboxed pages cannot read from File objects themselves. */
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  openPath: (target: string) => ipcRenderer.invoke("deskside:open-path", target),
  pickFiles: (options: {directories?: boolean; filters?: {name: string; extensions: string[]}[]}) => ipcRenderer.invoke("deskside:pick-files", options),
});
