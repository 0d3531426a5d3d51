import type {Settings} from "../../../shared/settings.js";
import type {KnowledgeEventListener, KnowledgeService} from "./knowledge-service.js";
import {createUnavailableKnowledgeService} from "./unavailable-knowledge.js";

export interface ReopeningOptions {
  /** Opens the real knowledge base (with the settings in effect at the time of the call). */
  open: () => Promise<KnowledgeService>;
  /** Why the first open failed, for the stand-in's notice. */
  reason: string;
  storeUri: string;
  /** Pause between attempts (default 15 s; each attempt itself gives up after the store's short retries). */
  retryMs?: number;
  /** Called once the store has opened (the app announces it). */
  onOpened?: () => void;
  /** Called for each failed attempt. */
  onAttemptFailed?: (error: unknown) => void;
}

/**
 * The knowledge base of a shared store (object storage) that did not answer at start. Until it
 * does, every call is answered by the unavailable stand-in with STORE_UNREACHABLE; meanwhile the
 * store is opened again every `retryMs`, and once it opens every call goes to the real service.
 * The app hands out this one object, so the chat, the API and the watched folders all follow the
 * switch; progress listeners and setting changes made meanwhile are carried over.
 */
export function createReopeningKnowledgeService(options: ReopeningOptions): KnowledgeService {
  let current: KnowledgeService = createUnavailableKnowledgeService(options.reason, options.storeUri, "unreachable");
  let opened = false;
  let closed = false;
  let attempt: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const listeners = new Set<KnowledgeEventListener>();
  const unsubscribers = new Map<KnowledgeEventListener, () => void>();
  let lastSettings: [Settings["knowledge"], Pick<Settings["retrieval"], "rerank">?] | null = null;

  const tryOpen = async () => {
    try {
      const service = await options.open();
      if (closed) {
        await service.close().catch(() => undefined);
        return;
      }
      if (lastSettings) service.updateSettings(...lastSettings);
      for (const listener of listeners) unsubscribers.set(listener, service.onProgress(listener));
      current = service;
      opened = true;
      options.onOpened?.();
    } catch (error) {
      options.onAttemptFailed?.(error);
      schedule();
    }
  };
  const schedule = () => {
    if (closed || opened) return;
    timer = setTimeout(() => {
      timer = null;
      attempt = tryOpen().finally(() => (attempt = null));
    }, options.retryMs ?? 15_000);
    timer.unref();
  };
  schedule();

  const overrides: Partial<KnowledgeService> = {
    onProgress(listener) {
      listeners.add(listener);
      if (opened) unsubscribers.set(listener, current.onProgress(listener));
      return () => {
        listeners.delete(listener);
        unsubscribers.get(listener)?.();
        unsubscribers.delete(listener);
      };
    },
    updateSettings(...args) {
      lastSettings = args;
      current.updateSettings(...args);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await attempt?.catch(() => undefined);
      await current.close();
    },
  };
  return new Proxy({} as KnowledgeService, {
    get(_target, property: string | symbol) {
      if (typeof property === "string" && property in overrides) return overrides[property as keyof KnowledgeService];
      const value = current[property as keyof KnowledgeService];
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
