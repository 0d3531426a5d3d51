/**
 * The headless core: the same services as the desktop app, with the HTTP API and the renderer
 * served to a browser. For machines without a display and for a shared help-desk box.
 */
import path from "node:path";
import fs from "node:fs";
import {toErrorInfo} from "../../shared/errors.js";
import {createAppCore, readVersion} from "./app-core.js";
import {appRootFrom} from "./config/app-root.js";
import {resolveOverrides} from "./config/runtime-config.js";
import {readServeArguments, serveUsage, type ServeArguments} from "./config/serve-arguments.js";
import {startApi} from "./api/start-api.js";
import {readyLines, wantsPrintedToken} from "./serve-banner.js";
import {SETTINGS_FILE} from "./settings/settings-service.js";

const REPO_ROOT = appRootFrom(import.meta.url);
const SHUTDOWN_LIMIT_MS = 5000;

async function main(wanted: ServeArguments): Promise<void> {
  if (wanted.help) {
    process.stdout.write(serveUsage());
    return;
  }
  if (wanted.version) {
    process.stdout.write(`Deskside ${readVersion()}\n`);
    return;
  }
  const overrides = resolveOverrides(process.argv.slice(2), process.env);
  // DESKSIDE_TEST_LOAD_DELAY_MS: for the test suite only, keeps the model loading that long.
  const modelLoadDelayMs = Number(process.env.DESKSIDE_TEST_LOAD_DELAY_MS) || 0;
  const core = await createAppCore({overrides, host: "browser", echoLogs: true, modelLoadDelayMs});
  const rendererDir = [process.env.DESKSIDE_RENDERER_DIR, path.join(REPO_ROOT, "dist")].find((dir) => dir && fs.existsSync(path.join(dir, "index.html"))) ?? null;
  const api = await startApi(core.api, {rendererDir});

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Deskside stopping (${signal})…\n`);
    // Never hang a service manager: whatever is still open after the limit is abandoned.
    const force = setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS);
    force.unref();
    await api.close().catch(() => undefined);
    await core.close().catch(() => undefined);
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // Started by a launcher with an IPC channel (npm start, npm run serve): its end, even by SIGKILL, ends this server.
  if (process.send) process.on("disconnect", () => void shutdown("launcher gone"));

  if (!api.url) {
    process.stderr.write(`The HTTP API is turned off in Settings; nothing to serve. Data folder: ${core.dataDir}\n`);
    return;
  }
  const lines = readyLines({
    url: api.url,
    token: core.settings.effective().api.token,
    dataDir: core.dataDir,
    settingsFile: path.join(core.dataDir, SETTINGS_FILE),
    tokenFromEnvironment: overrides.apiToken !== undefined,
    printToken: wantsPrintedToken(process.argv.slice(2), process.env),
  });
  process.stdout.write(`${lines.join("\n")}\n`);
  core.startup.then(() => {
    const status = core.engine.status();
    process.stdout.write(status.model ? `Model ready: ${status.model.name}\n` : "No chat model loaded: answering in retrieval-only mode.\n");
  });
}

let wanted: ServeArguments;
try {
  wanted = readServeArguments(process.argv.slice(2));
} catch (error) {
  // A usage error: exit code 2, as command-line tools do, so a service manager's log tells it apart from a failed start.
  process.stderr.write(`Deskside did not start (${toErrorInfo(error).code}): ${toErrorInfo(error).message}\n`);
  process.exit(2);
}

main(wanted).catch((error) => {
  const info = toErrorInfo(error);
  process.stderr.write(`Deskside could not start (${info.code}): ${info.code === "INTERNAL" ? String((error as Error)?.message ?? error) : info.message}\n`);
  process.exit(1);
});
