import {Counter, Gauge, Histogram, Registry} from "prom-client";
import {LOCAL_OWNER, MAIN_TOKEN_NAME, type ApiCaller} from "../../../shared/api-tokens.js";
import type {ApiServices} from "./api-services.js";

const FILE_RESULTS = new Set(["done", "skipped", "failed", "cancelled"]);
/** Answers already counted, so one re-sent with feedback is not counted again; the oldest are forgotten. */
const COUNTED_ANSWERS = 10_000;

/**
 * Prometheus metrics of this server in their own Registry, so several servers (tests) or other
 * libraries using prom-client's global registry never collide.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly latency: Histogram<"method" | "route" | "status">;
  private readonly tokens: Counter<"endpoint">;
  private readonly ttft: Histogram<"endpoint">;
  private readonly imports: Counter<"result">;
  private readonly errors: Counter<"route" | "code">;
  private readonly tokenRequests: Counter<"token">;
  private readonly tokenGenerated: Counter<"token">;
  /** Token names by owner, learnt from the requests they made (metrics carry names, never values or hashes). */
  private readonly names = new Map<string, string>([[LOCAL_OWNER, MAIN_TOKEN_NAME]]);
  private readonly countedAnswers = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(core: Pick<ApiServices, "engine" | "knowledge" | "events">) {
    const registers = [this.registry];
    this.requests = new Counter({name: "deskside_http_requests_total", help: "HTTP requests by route and status.", labelNames: ["method", "route", "status"], registers});
    this.latency = new Histogram({
      name: "deskside_http_request_duration_seconds",
      help: "Time from request to the end of the response (whole stream for SSE).",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.tokens = new Counter({name: "deskside_generated_tokens_total", help: "Completion tokens generated for API callers.", labelNames: ["endpoint"], registers});
    this.ttft = new Histogram({
      name: "deskside_time_to_first_token_seconds",
      help: "From the sequence being free to the first streamed text.",
      labelNames: ["endpoint"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({
      name: "deskside_http_errors_total",
      help: "Error answers by route and stable error code, including errors sent inside a stream.",
      labelNames: ["route", "code"],
      registers,
    });
    this.imports = new Counter({name: "deskside_imported_files_total", help: "Files that finished importing, by result.", labelNames: ["result"], registers});
    this.tokenRequests = new Counter({
      name: "deskside_token_requests_total",
      help: "Requests made with each API token, by its name (main: the main token).",
      labelNames: ["token"],
      registers,
    });
    this.tokenGenerated = new Counter({
      name: "deskside_token_generated_tokens_total",
      help: "Completion tokens generated for each API token, by its name: OpenAI completions and conversation answers (main: the main token and the desktop app).",
      labelNames: ["token"],
      registers,
    });
    new Gauge({
      name: "deskside_engine_queue_depth",
      help: "Generation requests running (active) and waiting for a free sequence (waiting).",
      labelNames: ["state"],
      registers,
      collect() {
        const queue = core.engine.status().queue;
        this.set({state: "active"}, queue.active);
        this.set({state: "waiting"}, queue.waiting);
      },
    });
    new Gauge({
      name: "deskside_process_resident_memory_bytes",
      help: "Resident memory of the process hosting the core.",
      registers,
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });

    // A conversation's answer is counted for its owner when it is written, whichever transport asked.
    const offAnswers = core.events.on("chat.message", (message, audience) => {
      const tokens = message.metrics?.usage?.completionTokens ?? 0;
      if (message.role !== "assistant" || message.status === "streaming" || tokens <= 0 || this.countedAnswers.has(message.id)) return;
      this.countedAnswers.add(message.id);
      if (this.countedAnswers.size > COUNTED_ANSWERS) this.countedAnswers.delete(this.countedAnswers.values().next().value as string);
      const name = this.names.get(audience?.owner ?? LOCAL_OWNER);
      if (name) this.tokenGenerated.inc({token: name}, tokens);
    });

    // A file reports progress several times; count each file once, when it reaches an end state.
    const counted = new Map<string, Set<string>>();
    const offImports = core.knowledge.onProgress((event) => {
      if (event.type === "job" && event.state !== "running") counted.delete(event.jobId);
      if (event.type !== "file" || !FILE_RESULTS.has(event.file.state)) return;
      const seen = counted.get(event.jobId) ?? new Set<string>();
      if (seen.has(event.file.path)) return;
      seen.add(event.file.path);
      counted.set(event.jobId, seen);
      this.imports.inc({result: event.file.state});
    });
    this.unsubscribe = () => {
      offAnswers();
      offImports();
    };
  }

  /** A request with a valid token (whatever its answer: refused for scope or rate is still the token's use). */
  observeTokenRequest(caller: ApiCaller): void {
    this.names.set(caller.owner, caller.name);
    this.tokenRequests.inc({token: caller.name});
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = {method, route, status: String(status)};
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  observeError(route: string, code: string): void {
    this.errors.inc({route, code});
  }

  /**
   * A generation's tokens and time to first token. `caller`: count the tokens for its token too; left
   * out where the answer belongs to a conversation, which is counted when it is written (above).
   */
  observeGeneration(endpoint: string, completionTokens: number, timeToFirstTokenMs: number | null, caller?: ApiCaller): void {
    if (completionTokens > 0) this.tokens.inc({endpoint}, completionTokens);
    if (completionTokens > 0 && caller) this.tokenGenerated.inc({token: caller.name}, completionTokens);
    if (timeToFirstTokenMs !== null) this.ttft.observe({endpoint}, timeToFirstTokenMs / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.unsubscribe();
    this.registry.clear();
  }
}
