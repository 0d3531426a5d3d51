import type {StoredMessage} from "../../../../shared/chat.js";

/**
 * Versions of messages that events and our own calls delivered but the core may not have written
 * yet. Events can run ahead of storage (an answer is streamed, or for retrieval-only answers sent
 * complete, while its conversation is still being saved), so a conversation fetched a moment later
 * may lack them or hold an older copy. Snapshots are merged against this ledger so a fetch never
 * rolls back what an event already showed; an entry is dropped once a snapshot has caught up.
 */
export class MessageLedger {
  /** Message id → its newest local copy (null: removed here) and the tick it was recorded at. */
  private readonly entries = new Map<string, {message: StoredMessage | null; tick: number}>();
  private tick = 0;

  /** The current tick; a fetch notes it when it starts. */
  now(): number {
    return this.tick;
  }

  record(message: StoredMessage): void {
    this.entries.set(message.id, {message, tick: ++this.tick});
  }

  remove(id: string): void {
    this.entries.set(id, {message: null, tick: ++this.tick});
  }

  get(id: string): StoredMessage | null {
    return this.entries.get(id)?.message ?? null;
  }

  /**
   * The conversation as a snapshot fetched from tick `startedAt` says, except where the ledger
   * knows better: newer copies win, messages the snapshot does not have yet stay in place, and
   * messages removed here after the fetch began stay removed.
   */
  merge(local: StoredMessage[], snapshot: StoredMessage[], startedAt: number): StoredMessage[] {
    const result: StoredMessage[] = [];
    for (const stored of snapshot) {
      const entry = this.entries.get(stored.id);
      if (!entry) {
        result.push(stored);
      } else if (entry.message === null) {
        // Removed here after the fetch began: the snapshot predates the removal.
        if (entry.tick > startedAt) continue;
        this.entries.delete(stored.id);
        result.push(stored);
      } else if (isNewer(entry.message, stored, entry.tick > startedAt)) {
        result.push(entry.message);
      } else {
        this.entries.delete(stored.id);
        result.push(stored);
      }
    }
    for (const id of [...this.entries.keys()]) {
      const entry = this.entries.get(id);
      if (entry?.message === null && !snapshot.some((stored) => stored.id === id)) this.entries.delete(id);
    }
    // Messages the snapshot lacks but the ledger vouches for keep their place after their local predecessor.
    const placed = new Set(result.map((message) => message.id));
    let anchor = -1;
    for (const message of local) {
      if (placed.has(message.id)) {
        anchor = result.findIndex((existing) => existing.id === message.id);
        continue;
      }
      const kept = this.get(message.id);
      if (!kept) continue;
      result.splice(anchor + 1, 0, kept);
      placed.add(kept.id);
      anchor++;
    }
    return result;
  }
}

/**
 * Whether the local copy is newer than the stored one. A finished message is newer than a
 * streaming one; between two of the same kind, the local one wins only if it arrived after the
 * snapshot was taken (a feedback change, say).
 */
function isNewer(local: StoredMessage, stored: StoredMessage, arrivedAfterFetch: boolean): boolean {
  const rank = (message: StoredMessage) => (message.status === "streaming" ? 0 : 1);
  if (rank(local) !== rank(stored)) return rank(local) > rank(stored);
  return arrivedAfterFetch;
}
