import type {EventMap, EventName, MethodInput, MethodName, MethodOutput} from "../../../shared/contract.js";
import {RpcError} from "./rpc-error.js";
import type {DesktopBridge, Transport} from "./transport.js";

/** Methods whose input may be left out entirely. */
type InputArgs<M extends MethodName> = undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

export interface DesksideClient {
  readonly host: "electron" | "browser";
  readonly desktop: DesktopBridge | null;
  invoke<M extends MethodName>(method: M, ...input: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  close(): void;
}

export function createClient(transport: Transport): DesksideClient {
  return {
    host: transport.host,
    desktop: transport.desktop ?? null,
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
