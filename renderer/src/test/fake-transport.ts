import {act} from "@testing-library/react";
import type {EventMap, EventName, MethodInput, MethodName, MethodOutput, RpcResponse} from "../../../shared/contract.js";
import {createClient, type DesksideClient} from "../client/client.js";
import type {DesktopBridge, FileDownload, FileUpload, Transport} from "../client/transport.js";

export type FakeHandlers = {[M in MethodName]?: (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>};

/** Thrown from a handler to answer with {ok: false, error}. */
export class FakeRpcFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function fail(code: string, message: string): never {
  throw new FakeRpcFailure(code, message);
}

/** An in-memory transport: scripted method handlers, recorded calls, and events pushed by the test. */
export class FakeTransport implements Transport {
  readonly calls: {method: MethodName; input: unknown}[] = [];
  /** The token a browser-mode client signed in with; set before client(). */
  token?: string;
  /** A browser tab's file upload; set before client(). */
  upload?: FileUpload;
  /** A browser tab's file download; set before client(). */
  download?: FileDownload;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    public handlers: FakeHandlers,
    readonly host: "electron" | "browser" = "electron",
    readonly desktop?: DesktopBridge,
  ) {}

  async invoke(method: string, input: unknown): Promise<RpcResponse<unknown>> {
    this.calls.push({method: method as MethodName, input});
    const handler = this.handlers[method as MethodName] as ((input: unknown) => unknown) | undefined;
    if (!handler) return {ok: false, error: {code: "UNKNOWN_METHOD", message: `No fake for ${method}`}};
    try {
      return {ok: true, result: await handler(input)};
    } catch (error) {
      if (error instanceof FakeRpcFailure) return {ok: false, error: {code: error.code, message: error.message}};
      throw error;
    }
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Delivers an event to every subscriber, inside act() so React settles. */
  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    act(() => {
      for (const listener of this.listeners.get(event) ?? []) listener(payload);
    });
  }

  /** Whether anything subscribes to `event` yet: an event emitted before that is lost, as in the app. */
  listening(event: EventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  callsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.input as MethodInput<M>);
  }

  client(): DesksideClient {
    return createClient(this);
  }
}
