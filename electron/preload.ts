// The renderer's only door to the core: invoke a contract method, listen to contract events.
// Built as CommonJS because sandboxed preloads cannot be ES modules. Channel names and the exposed
// API's type come from shared/ipc.ts, which the main process and the renderer use too.
import {contextBridge, ipcRenderer, webUtils, type IpcRendererEvent} from "electron";
import {IPC_CHANNELS, type PickFilesOptions, type PickSavePathOptions, type PreloadApi} from "../shared/ipc.js";

const api = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_CHANNELS.invoke, method, input),
  on: (event, listener) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_CHANNELS.event, handler);
    return () => ipcRenderer.off(IPC_CHANNELS.event, handler);
  },
  /** Dropped files' paths, which sandboxed pages cannot read from File objects themselves. */
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  openPath: (target: string) => ipcRenderer.invoke(IPC_CHANNELS.openPath, target),
  pickFiles: (options: PickFilesOptions) => ipcRenderer.invoke(IPC_CHANNELS.pickFiles, options),
  pickSavePath: (options: PickSavePathOptions) => ipcRenderer.invoke(IPC_CHANNELS.pickSavePath, options),
} satisfies Required<PreloadApi>;

contextBridge.exposeInMainWorld("deskside", api);
