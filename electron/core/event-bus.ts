import {EventEmitter} from "node:events";
import type {EventMap, EventName} from "../../shared/contract.js";

/** Typed events from core services to every connected client (IPC, SSE, tests). */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open browser tab and streaming HTTP client holds a listener.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    this.emitter.emit(name, payload);
    this.emitter.emit("*", name, payload);
  }

  on<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Every event, for transports that forward all of them. */
  onAny(listener: <E extends EventName>(name: E, payload: EventMap[E]) => void): () => void {
    this.emitter.on("*", listener);
    return () => this.emitter.off("*", listener);
  }
}
