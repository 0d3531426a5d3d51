import type {RpcResponse} from "../../../shared/contract.js";
import type {DesktopBridge, PreloadApi} from "../../../shared/ipc.js";

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
  /** The API token this transport signs its calls with (browser mode); the desktop app has none. */
  readonly token?: string;
  /** Present only in the desktop app: things a browser tab cannot do. */
  readonly desktop?: DesktopBridge;
  /** Present only in a browser tab: sends a file to the server, reporting bytes sent as it goes. */
  readonly upload?: FileUpload;
  /** Present only in a browser tab: fetches a file the server sends as an attachment. */
  readonly download?: FileDownload;
}

/** One file as the body (PUT unless `method` says POST); resolves with the server's JSON or its error. */
export type FileUpload = (
  route: string,
  file: Blob,
  options?: {onProgress?: (sent: number, total: number) => void; signal?: AbortSignal; method?: "PUT" | "POST"},
) => Promise<RpcResponse<unknown>>;

/** A GET whose answer is a file: its bytes and the name the server suggests, or the server's error. */
export type FileDownload = (route: string, options?: {onProgress?: (received: number, total: number | null) => void}) => Promise<RpcResponse<{blob: Blob; fileName: string | null}>>;

export type {DesktopBridge, PreloadApi} from "../../../shared/ipc.js";

declare global {
  interface Window {
    deskside?: PreloadApi;
  }
}
