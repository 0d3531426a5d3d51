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
  invoke<M extends MethodName>(method: M, ...input: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  close(): void;
}

export function createClient(transport: Transport): DesksideClient {
  return {
    host: transport.host,
    desktop: transport.desktop ?? null,
    token: transport.token ?? null,
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
