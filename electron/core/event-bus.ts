import {EventEmitter} from "node:events";
import type {EventAudience, EventMap, EventName} from "../../shared/contract.js";

export type AnyEventListener = <E extends EventName>(name: E, payload: EventMap[E], audience: EventAudience | undefined) => void;

/**
 * Typed events from core services to every connected client (IPC, SSE, tests). An event may name
 * its audience (a conversation's owner); transports deliver it only to that owner's clients.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open browser tab and streaming HTTP client holds a listener.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(name: E, payload: EventMap[E], audience?: EventAudience): void {
    this.emitter.emit(name, payload, audience);
    this.emitter.emit("*", name, payload, audience);
  }

  on<E extends EventName>(name: E, listener: (payload: EventMap[E], audience: EventAudience | undefined) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Every event, for transports that forward all of them (each checks the audience: event-audience.ts). */
  onAny(listener: AnyEventListener): () => void {
    this.emitter.on("*", listener);
    return () => this.emitter.off("*", listener);
  }
}
