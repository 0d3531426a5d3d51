import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import type {Settings} from "../../../shared/settings.js";
import {liveApiOptions} from "./api-options.js";
import type {ApiServices} from "./api-services.js";
import type {ApiStatus} from "./api-status.js";
import {isLoopbackHost} from "./host-policy.js";
import {createApiServer, type ApiServer} from "./server.js";

/** What a host (the desktop app, the headless server) hands startApi; the composition root builds it. */
export interface ApiHost {
  /** What the server's routes may touch. */
  services: ApiServices;
  /** The `api` settings in effect, and a way to hear that they may have changed. */
  settings: {effective(): Settings; onChange(listener: () => void): () => void};
  /** Written here only; app.info reads it. */
  status: ApiStatus;
}

export interface RunningApi {
  /** Empty while the API is turned off or could not bind. */
  readonly url: string;
  /** Resolves once the settings changes heard so far have been applied (a new listener bound, or not). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** A retired listener's open requests get this long past the request deadline to finish. */
const DRAIN_GRACE_MS = 1000;

/** What decides the listening socket; everything else in `api` is read per request. */
function bindingOf(api: Settings["api"]): string {
  if (!api.enabled) return "off";
  return JSON.stringify({host: api.host, port: api.port, allowLan: isLoopbackHost(api.host) ? null : api.allowLan});
}

/**
 * Starts the HTTP API when it is enabled and keeps it in step with the settings. The token, CORS
 * origins, rate limit, body and upload limits and the request deadline are read on every request,
 * so changing them touches no connection. Only a new host or port (or turning the API off, or LAN
 * access off for a network address) replaces the listener: the new one is bound first (where the
 * old one holds the same port, the old one stops accepting just before), and the old one is drained
 * — requests and streams in progress finish, then it closes. A failure to bind (port in use) is
 * recorded for the UI.
 */
export async function startApi(host: ApiHost, options: {rendererDir: string | null; throwOnError?: boolean}): Promise<RunningApi> {
  const {services, status} = host;
  // Read on every request: kept here and refreshed on each change rather than rebuilt per request.
  let settings = host.settings.effective().api;
  const read = () => settings;
  let active: {server: ApiServer; url: string; port: number} | null = null;
  const retiring = new Set<ApiServer>();
  let applied: string | null = null;
  let failed = false;
  let stopped = false;

  const retire = (server: ApiServer) => {
    retiring.add(server);
    void server
      .drain(read().requestTimeoutMs + DRAIN_GRACE_MS)
      .catch((error) => services.logger.error(`closing the previous API listener: ${String(error)}`))
      .finally(() => retiring.delete(server));
  };

  const bind = async (api: Settings["api"], previous: typeof active): Promise<{server: ApiServer; url: string}> => {
    const attempt = async () => {
      const server = createApiServer(services, liveApiOptions(read, {rendererDir: options.rendererDir ?? undefined}));
      try {
        return {server, url: (await server.listen()).url};
      } catch (error) {
        await server.close().catch(() => undefined);
        throw error;
      }
    };
    try {
      return await attempt();
    } catch (error) {
      // The old listener holds the port (a new host on the same port): it lets go, then the new one binds.
      const samePort = api.port !== 0 && previous?.port === api.port;
      if (!previous || !samePort || !(error instanceof DesksideError) || error.code !== "PORT_IN_USE") throw error;
      previous.server.stopAccepting();
      return attempt();
    }
  };

  const apply = async (): Promise<void> => {
    if (stopped) return;
    const api = settings;
    const binding = bindingOf(api);
    // A listener that could not bind is tried again on the next change, as a restart would.
    if (binding === applied && !failed) return;
    applied = binding;
    const previous = active;
    if (!api.enabled) {
      active = null;
      failed = false;
      status.set({url: null, error: null});
      if (previous) retire(previous.server);
      return;
    }
    try {
      const next = await bind(api, previous);
      const port = Number(new URL(next.url).port);
      active = {server: next.server, url: next.url, port};
      failed = false;
      status.set({url: next.url, error: null});
    } catch (error) {
      active = null;
      failed = true;
      const info = toErrorInfo(error);
      status.set({url: null, error: info});
      services.events.emit("app.notice", {level: "error", code: info.code, message: info.message});
      if (options.throwOnError ?? true) throw error instanceof DesksideError ? error : new DesksideError(info.code, info.message);
    } finally {
      if (previous && previous !== active) retire(previous.server);
    }
  };

  // One change at a time, in order.
  let queue: Promise<void> = apply();
  await queue;
  const off = host.settings.onChange(() => {
    settings = host.settings.effective().api;
    queue = queue.then(apply).catch((error) => services.logger.error(`applying the API settings: ${String(error)}`));
  });
  return {
    get url() {
      return active ? active.url : "";
    },
    settled: () => queue.catch(() => undefined),
    async close() {
      off();
      stopped = true;
      await queue.catch(() => undefined);
      const servers = [...(active ? [active.server] : []), ...retiring];
      active = null;
      await Promise.all(servers.map((server) => server.close().catch(() => undefined)));
      status.set({url: null, error: null});
    },
  };
}
