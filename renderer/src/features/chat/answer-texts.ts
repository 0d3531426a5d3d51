/**
 * The text of answers being streamed, each from its first character. Tokens carry their offset in
 * the answer; a reader that opened the conversation late gets the beginning from a snapshot
 * (chat.get) and the tokens line up after it whichever arrives first. Pieces ahead of what is known
 * wait until the gap is filled; pieces already covered are ignored.
 */
export class AnswerTexts {
  private readonly texts = new Map<string, string>();
  private readonly waiting = new Map<string, {offset: number; text: string}[]>();
  private readonly changed = new Set<string>();

  /** A token; `offset` null (an older core) means "right after what came before". */
  add(id: string, text: string, offset: number | null): void {
    const known = this.texts.get(id);
    const at = offset ?? known?.length ?? 0;
    if (known === undefined && at !== 0) return this.wait(id, at, text);
    this.extend(id, known ?? "", at, text);
  }

  /** A snapshot of the answer's beginning, from the core. */
  seed(id: string, text: string): void {
    const known = this.texts.get(id) ?? "";
    if (text.length > known.length) {
      this.texts.set(id, text);
      this.changed.add(id);
    } else if (!this.texts.has(id)) this.texts.set(id, known);
    this.settleWaiting(id);
  }

  /** The answers that changed since the last call, with their whole text. */
  takeChanged(): Map<string, string> {
    const out = new Map<string, string>();
    for (const id of this.changed) out.set(id, this.texts.get(id) ?? "");
    this.changed.clear();
    return out;
  }

  /** Forgets an answer (its final copy arrived). */
  drop(id: string): void {
    this.texts.delete(id);
    this.waiting.delete(id);
    this.changed.delete(id);
  }

  private extend(id: string, known: string, at: number, text: string): void {
    if (at > known.length) return this.wait(id, at, text);
    const fresh = text.slice(known.length - at);
    if (!this.texts.has(id) || fresh) {
      this.texts.set(id, known + fresh);
      this.changed.add(id);
    }
    this.settleWaiting(id);
  }

  private wait(id: string, offset: number, text: string): void {
    this.waiting.set(id, [...(this.waiting.get(id) ?? []), {offset, text}]);
  }

  private settleWaiting(id: string): void {
    const pieces = this.waiting.get(id);
    if (!pieces) return;
    this.waiting.delete(id);
    for (const piece of pieces.sort((a, b) => a.offset - b.offset)) this.extend(id, this.texts.get(id) ?? "", piece.offset, piece.text);
  }
}
