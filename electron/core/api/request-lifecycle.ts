import type {FastifyReply} from "fastify";

export type EndReason = "timeout" | "disconnect" | "shutdown";

/**
 * One AbortSignal per request that fires when the client goes away, the request runs past its
 * deadline, or the server shuts down, so generation stops at once and its sequence frees.
 * Built on the response's 'close' event: on Node 20 the request's own 'close' fires as soon as
 * the body has been read, which would abort every POST.
 */
export class RequestLifecycle {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  reason: EndReason | null = null;

  constructor(
    reply: FastifyReply,
    timeoutMs: number | null,
    onTimeout: (lifecycle: RequestLifecycle) => void,
    onClose: (lifecycle: RequestLifecycle) => void,
  ) {
    const raw = reply.raw;
    if (timeoutMs !== null && timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.end("timeout");
        onTimeout(this);
      }, timeoutMs);
      this.timer.unref();
    }
    raw.once("close", () => {
      if (this.timer) clearTimeout(this.timer);
      if (!raw.writableFinished) this.end("disconnect");
      onClose(this);
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.reason === "timeout";
  }

  end(reason: EndReason): void {
    if (this.controller.signal.aborted) return;
    this.reason = reason;
    if (this.timer) clearTimeout(this.timer);
    this.controller.abort(reason);
  }
}
