/**
 * Watches streamed text for stop strings, as llama.cpp's server does: text that could be the start
 * of a stop string is held back until the next piece shows whether it is one, so a stop string is
 * never streamed, not even in part. Matching the text (not tokens) finds a stop string however
 * the model spelled it in tokens, a character split across byte tokens included.
 */
export class StopScanner {
  private held = "";
  private readonly stops: string[];

  constructor(stops: readonly string[]) {
    this.stops = [...new Set(stops.filter((stop) => stop.length > 0))];
  }

  /** The text that can be passed on now, and whether a stop string has appeared (what follows it is dropped). */
  push(piece: string): {text: string; stopped: boolean} {
    const buffer = this.held + piece;
    let first = -1;
    for (const stop of this.stops) {
      const at = buffer.indexOf(stop);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    }
    if (first !== -1) {
      this.held = "";
      return {text: buffer.slice(0, first), stopped: true};
    }
    // Keep back the longest end of the text that begins some stop string.
    let keep = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, buffer.length); length > keep; length--) {
        if (endsWithStart(buffer, stop, length)) {
          keep = length;
          break;
        }
      }
    }
    this.held = buffer.slice(buffer.length - keep);
    return {text: buffer.slice(0, buffer.length - keep), stopped: false};
  }

  /** The text held back when generation ended without a stop string: it was not the start of one. */
  flush(): string {
    const rest = this.held;
    this.held = "";
    return rest;
  }
}

/** Whether `text` ends with the first `length` characters of `stop`; compared in place, since it runs for every token. */
function endsWithStart(text: string, stop: string, length: number): boolean {
  const offset = text.length - length;
  for (let i = 0; i < length; i++) if (text.charCodeAt(offset + i) !== stop.charCodeAt(i)) return false;
  return true;
}
