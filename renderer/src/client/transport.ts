import type {RpcResponse} from "../../../shared/contract.js";

/**
 * The wire underneath the typed client. Electron's preload and the headless server's HTTP API
 * both fit this shape, and tests plug in an in-memory one.
 */
export interface Transport {
  readonly host: "electron" | "browser";
  invoke(method: string, input: unknown): Promise<RpcResponse<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Releases the connection (browser mode closes its event stream). */
  close?(): void;
  /** Present only in the desktop app: things a browser tab cannot do. */
  readonly desktop?: DesktopBridge;
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
  pickFiles?(options: {directories?: boolean; filters?: {name: string; extensions: string[]}[]}): Promise<string[]>;
}

/** What the preload puts on `window.deskside`. */
export interface PreloadApi extends DesktopBridge {
  invoke(method: string, input: unknown): Promise<RpcResponse<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    deskside?: PreloadApi;
  }
}
