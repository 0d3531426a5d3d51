import type {EventMap, EventName, MethodInput, MethodName, MethodOutput} from "../../../shared/contract.js";
import {RpcError} from "./rpc-error.js";
import type {DesktopBridge, Transport} from "./transport.js";

/** Methods whose input may be left out entirely. */
type InputArgs<M extends MethodName> = undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

export interface DesksideClient {
  readonly host: "electron" | "browser";
  readonly desktop: DesktopBridge | null;
  /** The token a browser tab signed in with; null in the desktop app (it asks the core, settings.apiToken). */
  readonly token: string | null;
  /** A browser tab sends files to the server this way (a model to the models folder); null in the desktop app. */
  upload<T>(route: string, file: Blob, options?: Parameters<NonNullable<Transport["upload"]>>[2]): Promise<T>;
  readonly canUpload: boolean;
  /** A browser tab fetches a file the server sends as an attachment (a knowledge pack); the desktop app writes it through the core. */
  download(route: string, options?: Parameters<NonNullable<Transport["download"]>>[1]): Promise<{blob: Blob; fileName: string | null}>;
  readonly canDownload: boolean;
  invoke<M extends MethodName>(method: M, ...input: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  close(): void;
}

export function createClient(transport: Transport): DesksideClient {
  return {
    host: transport.host,
    desktop: transport.desktop ?? null,
    token: transport.token ?? null,
    canUpload: transport.upload !== undefined,
    canDownload: transport.download !== undefined,
    async download(route, options) {
      if (!transport.download) throw new RpcError("INVALID_INPUT", "Downloading works in a browser; the desktop app saves files itself.");
      const response = await transport.download(route, options);
      if (!response.ok) throw new RpcError(response.error.code, response.error.message, response.error.details);
      return response.result;
    },
    async upload<T>(route: string, file: Blob, options?: Parameters<NonNullable<Transport["upload"]>>[2]): Promise<T> {
      if (!transport.upload) throw new RpcError("INVALID_INPUT", "Uploading files works in a browser; the desktop app copies them from disk.");
      const response = await transport.upload(route, file, options);
      if (!response.ok) throw new RpcError(response.error.code, response.error.message, response.error.details);
      return response.result as T;
    },
    async invoke(method, ...[input]) {
      const response = await transport.invoke(method, input);
      if (!response.ok) throw new RpcError(response.error.code, response.error.message, response.error.details);
      return response.result as never;
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void);
    },
    close() {
      transport.close?.();
    },
  };
}
