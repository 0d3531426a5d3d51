/**
 * The desktop app's IPC between the preload (electron/preload.ts) and the main process
 * (electron/main.ts), and the API the preload puts on `window.deskside` for the renderer. Contract
 * methods and events travel over the first two channels; the others are desktop-only helpers.
 */
import type {RpcResponse} from "./contract.js";

export const IPC_CHANNELS = {
  /** invoke(method, input) → RpcResponse: a contract method. */
  invoke: "deskside:invoke",
  /** main → renderer (name, payload): every contract event. */
  event: "deskside:event",
  /** invoke(path) → "" or an error sentence: opens a knowledge-base file with the system's app. */
  openPath: "deskside:open-path",
  /** invoke(options) → paths: the native open dialog. */
  pickFiles: "deskside:pick-files",
  /** invoke(options) → a path or null: the native save dialog. */
  pickSavePath: "deskside:pick-save-path",
} as const;

export interface PickFilesOptions {
  directories?: boolean;
  filters?: {name: string; extensions: string[]}[];
}

export interface PickSavePathOptions {
  /** The file name the dialog proposes. */
  defaultName: string;
  filters?: {name: string; extensions: string[]}[];
}

/**
 * Optional extras the Electron preload may expose next to invoke/on. Every feature that uses one
 * checks for it first and explains the browser alternative when it is missing.
 */
export interface DesktopBridge {
  /** Absolute path of a dropped or picked File (Electron's webUtils.getPathForFile). */
  pathForFile?(file: File): string;
  /** Opens a knowledge-base file with the system's default app; resolves with an error sentence, or "" when it opened. */
  openPath?(path: string): Promise<string | void>;
  /** Shows the native open dialog and resolves with the chosen paths (empty when cancelled). */
  pickFiles?(options: PickFilesOptions): Promise<string[]>;
  /** Shows the native save dialog and resolves with the chosen path (null when cancelled). */
  pickSavePath?(options: PickSavePathOptions): Promise<string | null>;
}

/** What the preload puts on `window.deskside`. */
export interface PreloadApi extends DesktopBridge {
  invoke(method: string, input: unknown): Promise<RpcResponse<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
