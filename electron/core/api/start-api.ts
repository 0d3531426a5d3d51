import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import type {Settings} from "../../../shared/settings.js";
import {apiOptionsFromSettings} from "./api-options.js";
import type {ApiServices} from "./api-services.js";
import type {ApiStatus} from "./api-status.js";
import {createApiServer} from "./server.js";

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
  close(): Promise<void>;
}

/**
 * Starts the HTTP API when it is enabled and keeps it in step with the settings: a new port, token,
 * binding or CORS list restarts it. A failure to bind (port in use) is recorded for the UI.
 */
export async function startApi(host: ApiHost, options: {rendererDir: string | null; throwOnError?: boolean}): Promise<RunningApi> {
  const {services, status} = host;
  let server: ReturnType<typeof createApiServer> | null = null;
  let url = "";
  let applied = "";

  const apply = async (): Promise<void> => {
    const api = host.settings.effective().api;
    const key = JSON.stringify(api);
    if (key === applied) return;
    applied = key;
    await server?.close().catch(() => undefined);
    server = null;
    status.set({url: null, error: null});
    if (!api.enabled) return;
    try {
      const next = createApiServer(services, apiOptionsFromSettings(api, {}, {rendererDir: options.rendererDir ?? undefined}));
      url = (await next.listen()).url;
      server = next;
      status.set({url, error: null});
    } catch (error) {
      const info = toErrorInfo(error);
      status.set({url: null, error: info});
      services.events.emit("app.notice", {level: "error", code: info.code, message: info.message});
      if (options.throwOnError ?? true) throw error instanceof DesksideError ? error : new DesksideError(info.code, info.message);
    }
  };

  await apply();
  const off = host.settings.onChange(() => {
    void apply().catch((error) => services.logger.error(`restarting the API: ${String(error)}`));
  });
  return {
    get url() {
      return server ? url : "";
    },
    async close() {
      off();
      if (!server) return;
      await server.close();
      status.set({url: null, error: null});
    },
  };
}
