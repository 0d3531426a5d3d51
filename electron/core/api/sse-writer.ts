import type {OutgoingHttpHeaders} from "node:http";
import type {FastifyReply} from "fastify";

/** Past this much unsent data the client is not reading; it is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/**
 * Events closer together than one display frame share one socket write. A small model produces a
 * token every half millisecond, and every write (and the wake-up it causes) takes time from the
 * generation loop: per-token writes cost ~10% of throughput here, one write per frame ~3%. Each
 * event still carries one token, and the first one of a burst goes out at once.
 */
const COALESCE_MS = 16;

function eventText(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events over a hijacked reply. Opening is explicit so a route can still answer with
 * an ordinary JSON error (429, 409…) when the work fails before the first byte of the stream.
 */
export class SseWriter {
  private opened = false;
  /** The deadline already answered with an error; nothing may be written. */
  private dead = false;
  private pending = "";
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;

  constructor(private readonly reply: FastifyReply) {}

  get isOpen(): boolean {
    return this.opened;
  }

  get closed(): boolean {
    const raw = this.reply.raw;
    return this.dead || raw.destroyed || raw.writableEnded;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    const raw = this.reply.raw;
    if (raw.headersSent) {
      this.dead = true;
      return;
    }
    this.reply.hijack();
    // Headers set by hooks (CORS) live on the reply; a hijacked reply must copy them itself.
    raw.writeHead(200, {
      ...(this.reply.getHeaders() as OutgoingHttpHeaders),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    // The headers leave with the first event (one write, one packet, not two); a stream that
    // opens with nothing to say yet (a queued request) sends them now.
    if (!this.pending) raw.flushHeaders();
  }

  private flush = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlush = performance.now();
    if (!this.pending || this.closed) return;
    const raw = this.reply.raw;
    raw.write(this.pending);
    this.pending = "";
    if (raw.writableLength > MAX_BUFFERED_BYTES) raw.destroy();
  };

  private write(text: string): void {
    this.pending += text;
    if (!this.opened) this.open();
    if (this.closed) {
      this.pending = "";
      return;
    }
    if (this.timer) return;
    const wait = COALESCE_MS - (performance.now() - this.lastFlush);
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(this.flush, wait);
  }

  /** `data: <json>` with an optional event name. */
  send(data: unknown, event?: string): void {
    this.write(eventText(data, event));
  }

  /**
   * Holds an event to go out with the next one. A stream's opening chunk (the role) waits for the
   * first token this way: sent alone, it would start the coalescing window and hold that token back.
   */
  sendWithNext(data: unknown): void {
    this.pending += eventText(data);
    if (!this.opened) this.open();
    if (this.closed) this.pending = "";
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  retry(ms: number): void {
    this.write(`retry: ${ms}\n\n`);
  }

  end(): void {
    if (!this.opened) this.open();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    // The last events and the end of the response in one write.
    const rest = this.pending;
    this.pending = "";
    this.reply.raw.end(rest || undefined);
  }
}
