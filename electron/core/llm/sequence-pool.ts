import {DesksideError} from "../../../shared/errors.js";

interface Waiter<T> {
  resolve: (slot: T) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Told the waiter's place in line (1: next) when it joins and each time it moves up. */
  onPosition?: (position: number) => void;
}

/**
 * Hands out a fixed set of slots (context sequences) first come, first served; a free slot is the one
 * released last. Callers beyond the slots wait in a FIFO queue of bounded length; past it they get
 * BUSY at once instead of piling up.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiting: Waiter<T>[] = [];
  private readonly capacity: number;

  constructor(slots: T[], private readonly queueLimit: number) {
    this.free = [...slots];
    this.capacity = slots.length;
  }

  stats(): {active: number; waiting: number; capacity: number; limit: number} {
    return {active: this.capacity - this.free.length, waiting: this.waiting.length, capacity: this.capacity, limit: this.queueLimit};
  }

  /**
   * A free slot at once, else a place in line. Of the free slots, the last released (for which
   * `prefer` holds, when given): it holds the most recent prompt, which the next one most likely
   * shares (the same system prompt, a conversation's next turn), so the least is evaluated again.
   * When `prefer` holds for none, the one released longest ago, which is least likely to be wanted.
   */
  acquire(signal?: AbortSignal, onPosition?: (position: number) => void, prefer?: (slot: T) => boolean): Promise<T> {
    if (signal?.aborted) return Promise.reject(new DesksideError("CANCELLED", "The request was cancelled before it started."));
    const preferred = prefer ? this.free.findLastIndex(prefer) : this.free.length - 1;
    const slot = preferred >= 0 ? this.free.splice(preferred, 1)[0] : this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    if (this.waiting.length >= this.queueLimit)
      return Promise.reject(
        new DesksideError("BUSY", `All ${this.capacity} generation slots are busy and ${this.waiting.length} requests are waiting; try again shortly.`, {
          details: {retryAfterSeconds: 2},
        }),
      );
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {resolve, reject, signal, onPosition};
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) {
            this.waiting.splice(index, 1);
            this.announcePositions(index);
          }
          reject(new DesksideError("CANCELLED", "The request was cancelled while waiting for a free slot."));
        };
        signal.addEventListener("abort", waiter.onAbort, {once: true});
      }
      this.waiting.push(waiter);
      this.announcePositions(this.waiting.length - 1);
    });
  }

  /** Tells the waiters from `from` on where they now stand. */
  private announcePositions(from: number): void {
    for (let i = from; i < this.waiting.length; i++) {
      try {
        this.waiting[i].onPosition?.(i + 1);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  release(slot: T): void {
    const next = this.waiting.shift();
    if (!next) {
      this.free.push(slot);
      return;
    }
    if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
    next.resolve(slot);
    this.announcePositions(0);
  }

  /** Fails everyone still waiting (model unloading, shutdown). */
  rejectWaiting(error: DesksideError): void {
    for (const waiter of this.waiting.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(error);
    }
  }
}
