import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import type {DesksideCore} from "../app-core.js";
import {apiOptionsFromSettings} from "./api-options.js";
import {createApiServer} from "./server.js";

export interface RunningApi {
  /** Empty while the API is turned off or could not bind. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the HTTP API when it is enabled and keeps it in step with the settings: a new port, token,
 * binding or CORS list restarts it. A failure to bind (port in use) is recorded for the UI.
 */
export async function startApi(core: DesksideCore, options: {rendererDir: string | null; throwOnError?: boolean}): Promise<RunningApi> {
  let server: ReturnType<typeof createApiServer> | null = null;
  let url = "";
  let applied = "";

  const apply = async (): Promise<void> => {
    const api = core.effective().api;
    const key = JSON.stringify(api);
    if (key === applied) return;
    applied = key;
    await server?.close().catch(() => undefined);
    server = null;
    core.apiState = {url: null, error: null};
    if (!api.enabled) return;
    try {
      const next = createApiServer(core, apiOptionsFromSettings(api, {}, {rendererDir: options.rendererDir ?? undefined}));
      url = (await next.listen()).url;
      server = next;
      core.apiState = {url, error: null};
    } catch (error) {
      const info = toErrorInfo(error);
      core.apiState = {url: null, error: info};
      core.events.emit("app.notice", {level: "error", code: info.code, message: info.message});
      if (options.throwOnError ?? true) throw error instanceof DesksideError ? error : new DesksideError(info.code, info.message);
    }
  };

  await apply();
  const off = core.settings.onChange(() => {
    void apply().catch((error) => core.logger.error(`restarting the API: ${String(error)}`));
  });
  return {
    get url() {
      return server ? url : "";
    },
    async close() {
      off();
      await server?.close();
    },
  };
}
