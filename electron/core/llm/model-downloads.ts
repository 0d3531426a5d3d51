import {randomUUID} from "node:crypto";
import dns from "node:dns";
import {createWriteStream} from "node:fs";
import {mkdir, rename, rm, stat} from "node:fs/promises";
import http, {type IncomingMessage} from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import {Transform} from "node:stream";
import {pipeline} from "node:stream/promises";
import {DesksideError, isDesksideError} from "../../../shared/errors.js";
import type {DownloadState, EventSink} from "../../../shared/contract.js";
import {DEFAULT_DOWNLOAD_HOSTS} from "../../../shared/settings.js";

/** Accepts Hugging Face page or resolve URLs, and any direct http(s) link to a .gguf file. */
export function normalizeModelUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DesksideError("INVALID_INPUT", "That is not a valid URL.");
  }
  if (!["http:", "https:"].includes(parsed.protocol)) throw new DesksideError("INVALID_INPUT", "Only http(s) links can be downloaded.");
  if (parsed.username || parsed.password) throw new DesksideError("INVALID_INPUT", "The link must not carry a user name or password.");
  // A "blob" page link on Hugging Face points at HTML; the file itself is under "resolve".
  if (parsed.hostname === "huggingface.co" || parsed.hostname === "hf.co") parsed.pathname = parsed.pathname.replace("/blob/", "/resolve/");
  if (!parsed.pathname.toLowerCase().endsWith(".gguf")) throw new DesksideError("INVALID_INPUT", "The link must point at a .gguf file.");
  return parsed.toString();
}

// ---- which hosts ------------------------------------------------------------------------------

interface HostRule {
  /** Lower-case host name or address, without brackets; for a wildcard, the part after "*.". */
  host: string;
  wildcard: boolean;
  port: number | null;
  /** Listed with http://: plain http is allowed for it. */
  http: boolean;
}

function bare(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
}

/**
 * One entry of `llm.downloadHosts`: `host`, `*.domain` (any name under it), optionally with a port,
 * and `http://host` to allow plain http for that host (a mirror or test server on the local network).
 */
export function parseHostRule(entry: string): HostRule | null {
  let text = entry.trim().toLowerCase();
  let allowHttp = false;
  if (text.startsWith("http://")) {
    allowHttp = true;
    text = text.slice(7);
  } else if (text.startsWith("https://")) text = text.slice(8);
  text = text.replace(/\/.*$/, "");
  let port: number | null = null;
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  if (withPort) {
    text = withPort[1];
    port = Number(withPort[2]);
  }
  const wildcard = text.startsWith("*.");
  const host = bare(wildcard ? text.slice(2) : text);
  if (!host || host.includes("*")) return null;
  return {host, wildcard, port, http: allowHttp};
}

/** Loopback, private, link-local, shared, multicast and reserved ranges: never reached by accident. */
const PRIVATE = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  PRIVATE.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  PRIVATE.addSubnet(address, prefix, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const plain = bare(address);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) return PRIVATE.check(mapped[1], "ipv4");
  if (net.isIPv4(plain)) return PRIVATE.check(plain, "ipv4");
  if (net.isIPv6(plain)) return PRIVATE.check(plain, "ipv6");
  return false;
}

function notAllowed(message: string): DesksideError {
  return new DesksideError("DOWNLOAD_NOT_ALLOWED", message);
}

/**
 * The allowlist as a policy: which URLs may be fetched (checked for the first link and for every
 * redirect), and which resolved addresses a host name may connect to. A loopback or private address
 * is refused unless that address itself is listed, so a public name that resolves to the local
 * network (or a redirect to it) reaches nothing it was not meant to.
 */
export class HostPolicy {
  private readonly rules: HostRule[];

  constructor(entries: string[]) {
    this.rules = entries.map(parseHostRule).filter((rule): rule is HostRule => rule !== null);
  }

  private matching(host: string, port: number): HostRule[] {
    return this.rules.filter((rule) => (rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host) && (rule.port === null || rule.port === port));
  }

  /** Throws DOWNLOAD_NOT_ALLOWED when the URL may not be fetched; `hop` says whether it came from a redirect. */
  check(url: URL, hop: "link" | "redirect" = "link"): void {
    const host = bare(url.hostname);
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    const where = hop === "redirect" ? `The download was redirected to ${host}, which` : `${host}`;
    if (url.protocol !== "https:" && url.protocol !== "http:") throw notAllowed(`${where} is not an http(s) address; the download was stopped.`);
    const rules = this.matching(host, port);
    if (rules.length === 0)
      throw notAllowed(`${where} is not on the list of hosts models may be downloaded from (Settings → Models, llm.downloadHosts); add it there if you trust it.`);
    if (url.protocol === "http:" && !rules.some((rule) => rule.http))
      throw notAllowed(`${where} is allowed over https only; plain http needs the host listed as http://${host} in llm.downloadHosts.`);
    if (net.isIP(host) && isPrivateAddress(host) && !this.addressListed(host))
      throw notAllowed(`${host} is a local or private address; list it in llm.downloadHosts to download from it.`);
  }

  /** A resolved address may be used: public, or a local/private one listed by itself. */
  addressAllowed(address: string): boolean {
    return !isPrivateAddress(address) || this.addressListed(address);
  }

  private addressListed(address: string): boolean {
    const plain = bare(address).replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
    return this.rules.some((rule) => !rule.wildcard && rule.host === plain);
  }
}

// ---- fetching ---------------------------------------------------------------------------------

type LookupAddress = {address: string; family: number};
/** Same shape as dns.lookup with `all: true`; the network's name service unless a test gives its own. */
export type Resolver = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) => dns.lookup(hostname, {all: true, verbatim: true}, (error, addresses) => callback(error, addresses ?? []));

export interface DownloadOptions {
  /** Hosts models may come from and be redirected to (`llm.downloadHosts`); read at each download. */
  allowedHosts?: () => string[];
  /** No connection within this long: NETWORK_UNREACHABLE (default 15 s). */
  connectTimeoutMs?: number;
  /** No bytes for this long once connected: DOWNLOAD_TIMEOUT (default 30 s). */
  idleTimeoutMs?: number;
  maxRedirects?: number;
  resolver?: Resolver;
}

const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ETIMEDOUT", "EADDRNOTAVAIL", "ECONNRESET", "EPIPE"]);
const PROGRESS_EVERY_MS = 250;

function unreachable(host: string, why: string): DesksideError {
  return new DesksideError("NETWORK_UNREACHABLE", `${host} could not be reached (${why}); check the internet connection, a proxy or firewall, and the link.`);
}

function stalled(seconds: number): DesksideError {
  return new DesksideError("DOWNLOAD_TIMEOUT", `The server sent nothing for ${seconds} s, so the download was stopped; try again later.`);
}

function fileNameOf(url: URL): string {
  let last = url.pathname.split("/").pop() ?? "";
  try {
    last = decodeURIComponent(last);
  } catch {
    // keep it as it came
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const name = path.basename(last.replaceAll("\\", "/")).replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return name.toLowerCase().endsWith(".gguf") && name.length > 5 && name.length <= 200 ? name : "model.gguf";
}

/** The parts of a split model (`name-00001-of-00003.gguf`): every part's URL and file name, in order. */
function partsOf(url: URL, fileName: string): {url: URL; fileName: string}[] {
  const split = /-(\d{5})-of-(\d{5})\.gguf$/i.exec(fileName);
  if (!split || split[1] !== "00001" || Number(split[2]) < 2) return [{url, fileName}];
  const count = Number(split[2]);
  return Array.from({length: count}, (_, index) => {
    const part = String(index + 1).padStart(5, "0");
    const next = new URL(url);
    next.pathname = url.pathname.replace(/-00001-of-(\d{5})\.gguf$/i, `-${part}-of-$1.gguf`);
    return {url: next, fileName: fileName.replace(/-00001-of-(\d{5})\.gguf$/i, `-${part}-of-$1.gguf`)};
  });
}

/**
 * Model downloads into the models folder, with progress and cancel. Nothing is fetched unless the
 * user asked for this URL, and only from the hosts allowed in Settings (redirects included). A
 * connection that cannot be made, or a server that goes quiet, fails the download with its own
 * code; a cancelled or failed download leaves no partial model behind.
 */
export class ModelDownloads {
  private readonly downloads = new Map<string, {state: DownloadState; controller: AbortController}>();
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly maxRedirects: number;
  private readonly resolver: Resolver;

  constructor(
    private readonly modelsDir: () => string,
    private readonly events: EventSink<"models.download">,
    private readonly options: DownloadOptions = {},
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxRedirects = options.maxRedirects ?? 10;
    this.resolver = options.resolver ?? systemResolver;
  }

  private policy(): HostPolicy {
    return new HostPolicy(this.options.allowedHosts?.() ?? DEFAULT_DOWNLOAD_HOSTS);
  }

  list(): DownloadState[] {
    return [...this.downloads.values()].map((d) => ({...d.state})).reverse();
  }

  /** Checks the link (a .gguf on an allowed host) and starts in the background; progress comes as events. */
  start(url: string): DownloadState {
    const modelUrl = new URL(normalizeModelUrl(url));
    const policy = this.policy();
    policy.check(modelUrl);
    const id = randomUUID();
    const controller = new AbortController();
    const state: DownloadState = {id, url: modelUrl.toString(), fileName: fileNameOf(modelUrl), receivedBytes: 0, totalBytes: null, state: "downloading", error: null};
    this.downloads.set(id, {state, controller});
    const update = (patch: Partial<DownloadState>) => {
      Object.assign(state, patch);
      this.events.emit("models.download", {...state});
    };
    void this.run(modelUrl, state, policy, controller.signal, update).then(
      () => update({state: "done", error: null}),
      (error) => {
        if (controller.signal.aborted) update({state: "cancelled", error: null});
        else if (isDesksideError(error)) update({state: "failed", error: {code: error.code, message: error.message}});
        else {
          const code = typeof (error as {code?: unknown})?.code === "string" ? ` (${(error as {code: string}).code})` : "";
          update({state: "failed", error: {code: "DOWNLOAD_FAILED", message: `The download failed${code}; check the free disk space, the internet connection and the link.`}});
        }
      },
    );
    this.events.emit("models.download", {...state});
    return {...state};
  }

  /** Stops a download in any state (also before it has connected); it ends as "cancelled". Finished ones stay as they are. */
  cancel(id: string): void {
    const found = this.downloads.get(id);
    if (!found) throw new DesksideError("NOT_FOUND", "No such download.");
    found.controller.abort();
  }

  cancelAll(): void {
    for (const {controller} of this.downloads.values()) controller.abort();
  }

  private async run(url: URL, state: DownloadState, policy: HostPolicy, signal: AbortSignal, update: (patch: Partial<DownloadState>) => void): Promise<void> {
    const dir = this.modelsDir();
    await mkdir(dir, {recursive: true});
    const parts = partsOf(url, state.fileName);
    const targets = parts.map((part) => path.join(dir, part.fileName));
    // Already there (e.g. downloaded before): nothing to fetch.
    const existing = await Promise.all(targets.map((target) => stat(target).then((s) => (s.isFile() ? s.size : null), () => null)));
    if (existing.every((size) => size !== null)) {
      const size = existing.reduce<number>((sum, s) => sum + (s ?? 0), 0);
      update({receivedBytes: size, totalBytes: size});
      return;
    }
    const temps = targets.map((target) => `${target}.${state.id.slice(0, 8)}.part`);
    let received = 0;
    let known = 0;
    let lastProgress = 0;
    try {
      for (const [index, part] of parts.entries()) {
        if (signal.aborted) throw signal.reason;
        const response = await this.open(part.url, policy, signal);
        const length = Number(response.headers["content-length"]);
        const declared = Number.isFinite(length) && length >= 0 ? length : null;
        if (declared !== null) known += declared;
        update({totalBytes: declared === null ? null : parts.length === 1 || index === parts.length - 1 ? known : null});
        let partBytes = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            partBytes += chunk.length;
            received += chunk.length;
            const now = performance.now();
            if (now - lastProgress >= PROGRESS_EVERY_MS) {
              lastProgress = now;
              update({receivedBytes: received});
            }
            callback(null, chunk);
          },
        });
        await pipeline(response, counter, createWriteStream(temps[index]), {signal}).catch((error) => {
          throw (response as IncomingMessage & {failure?: Error}).failure ?? error;
        });
        if (declared !== null && partBytes !== declared) throw new DesksideError("DOWNLOAD_FAILED", "The download ended before the whole file arrived; try again.");
      }
      if (signal.aborted) throw signal.reason;
      for (const [index, target] of targets.entries()) await rename(temps[index], target);
      update({receivedBytes: received, totalBytes: received});
    } catch (error) {
      await Promise.all(temps.map((temp) => rm(temp, {force: true}).catch(() => undefined)));
      throw error;
    }
  }

  /** GET with redirects, each hop checked against the policy; resolves with a 200 response. */
  private async open(start: URL, policy: HostPolicy, signal: AbortSignal): Promise<IncomingMessage> {
    let url = start;
    for (let hop = 0; ; hop++) {
      if (hop > 0) policy.check(url, "redirect");
      const response = await this.request(url, policy, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        response.destroy();
        if (hop >= this.maxRedirects) throw new DesksideError("DOWNLOAD_FAILED", "The link redirected too many times; check it in a browser.");
        try {
          url = new URL(location, url);
        } catch {
          throw new DesksideError("DOWNLOAD_FAILED", "The server redirected to an address that is not valid.");
        }
        continue;
      }
      if (status !== 200) {
        response.destroy();
        const hint = status === 401 || status === 403 ? " (the model may need a login or licence acceptance on its page)" : status === 404 ? " (no such file; check the link)" : "";
        throw new DesksideError("DOWNLOAD_FAILED", `The server answered ${status}${hint}.`);
      }
      return response;
    }
  }

  /**
   * One request on a fresh connection: the connect deadline covers name lookup and connecting, the
   * idle deadline every silence after that (waiting for the answer, and between bytes of the file).
   */
  private request(url: URL, policy: HostPolicy, signal: AbortSignal): Promise<IncomingMessage> {
    const host = bare(url.hostname);
    return new Promise((resolve, reject) => {
      let failure: Error | null = null;
      let answered: (IncomingMessage & {failure?: Error}) | null = null;
      const fail = (error: Error) => {
        failure = error;
        if (answered) answered.failure = error;
        request.destroy(error);
      };
      const lookup = (hostname: string, options: {all?: boolean}, callback: (...args: unknown[]) => void) =>
        this.resolver(hostname, (error, addresses) => {
          if (error) return callback(error);
          const refused = addresses.find((entry) => !policy.addressAllowed(entry.address));
          if (refused) return callback(notAllowed(`${hostname} resolves to the local or private address ${refused.address}; list that address in llm.downloadHosts to download from it.`));
          if (addresses.length === 0) return callback(Object.assign(new Error("no address"), {code: "ENOTFOUND"}));
          if (options.all) callback(null, addresses);
          else callback(null, addresses[0].address, addresses[0].family);
        });
      const request = (url.protocol === "https:" ? https : http).request(url, {
        method: "GET",
        agent: false,
        signal,
        lookup: lookup as unknown as typeof dns.lookup,
        headers: {"user-agent": "Deskside model download", accept: "application/octet-stream, */*"},
      });
      const connectTimer = setTimeout(() => fail(unreachable(host, `no connection within ${Math.round(this.connectTimeoutMs / 100) / 10} s`)), this.connectTimeoutMs);
      request.on("socket", (socket) => {
        const connected = () => {
          clearTimeout(connectTimer);
          socket.setTimeout(this.idleTimeoutMs, () => fail(stalled(Math.round(this.idleTimeoutMs / 100) / 10)));
        };
        if (socket.connecting) socket.once("connect", connected);
        else connected();
      });
      request.on("response", (response) => {
        answered = response;
        resolve(response);
      });
      request.on("close", () => clearTimeout(connectTimer));
      request.on("error", (error: Error & {code?: string}) => {
        clearTimeout(connectTimer);
        if (answered) return;
        if (signal.aborted) return reject(signal.reason);
        if (failure) return reject(failure);
        if (isDesksideError(error)) return reject(error);
        if (error.code && CONNECT_ERRORS.has(error.code)) return reject(unreachable(host, error.code));
        if (error.code?.startsWith("ERR_TLS") || error.code?.includes("CERT")) return reject(new DesksideError("DOWNLOAD_FAILED", `The secure connection to ${host} failed (${error.code}); a proxy may be intercepting it.`));
        reject(new DesksideError("DOWNLOAD_FAILED", `The download from ${host} failed (${error.code ?? error.message}).`));
      });
      request.end();
    });
  }
}
