import type {OutgoingHttpHeaders} from "node:http";
import type {FastifyReply} from "fastify";

/** Past this much unsent data the client is not reading; it is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Server-sent events over a hijacked reply. Opening is explicit so a route can still answer with
 * an ordinary JSON error (429, 409…) when the work fails before the first byte of the stream.
 */
export class SseWriter {
  private opened = false;

  constructor(private readonly reply: FastifyReply) {}

  get isOpen(): boolean {
    return this.opened;
  }

  get closed(): boolean {
    const raw = this.reply.raw;
    return raw.destroyed || raw.writableEnded;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.reply.hijack();
    const raw = this.reply.raw;
    // Headers set by hooks (CORS) live on the reply; a hijacked reply must copy them itself.
    raw.writeHead(200, {
      ...(this.reply.getHeaders() as OutgoingHttpHeaders),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    raw.flushHeaders();
  }

  private write(text: string): void {
    if (!this.opened) this.open();
    if (this.closed) return;
    const raw = this.reply.raw;
    raw.write(text);
    if (raw.writableLength > MAX_BUFFERED_BYTES) raw.destroy();
  }

  /** `data: <json>` with an optional event name. */
  send(data: unknown, event?: string): void {
    this.write(`${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  retry(ms: number): void {
    this.write(`retry: ${ms}\n\n`);
  }

  end(): void {
    if (!this.opened) this.open();
    if (!this.closed) this.reply.raw.end();
  }
}
