/**
 * Streamed answer text kept by message id until whoever shows it can. An answer's tokens may arrive
 * before the call that started it has returned the answer's id (the core starts answering at once),
 * and a screen shows many tokens in one render. Pure: used by the HTTP API and the renderer alike.
 */
export class TokenBuffer {
  private pieces = new Map<string, string[]>();

  get size(): number {
    return this.pieces.size;
  }

  add(messageId: string, text: string): void {
    const list = this.pieces.get(messageId);
    if (list) list.push(text);
    else this.pieces.set(messageId, [text]);
  }

  /** The pieces kept for one answer, in arrival order; they are forgotten, the others are kept. */
  take(messageId: string): string[] {
    const list = this.pieces.get(messageId) ?? [];
    this.pieces.delete(messageId);
    return list;
  }

  /** Forgets one answer's pieces (e.g. its final copy arrived). */
  drop(messageId: string): void {
    this.pieces.delete(messageId);
  }

  /** Everything kept, joined per answer in arrival order, and starts empty again. */
  drain(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, list] of this.pieces) out.set(id, list.join(""));
    this.pieces = new Map();
    return out;
  }

  clear(): void {
    this.pieces.clear();
  }
}
