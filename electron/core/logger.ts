import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import {ensureFolder} from "./storage/ensure-folder.js";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  close(): void;
}

/**
 * Full detail (stack traces, paths) goes to `<data>/logs/deskside.log`, never to the UI or HTTP
 * responses. Warnings and errors are also echoed to stderr for the headless server's operator.
 */
export function createLogger(dataDir: string, options: {stderr?: boolean} = {}): Logger {
  const dir = path.join(dataDir, "logs");
  const movedAside = ensureFolder(dir);
  // Opened here, synchronously: a destination that opens its file later is not ready when a failed
  // start exits at once, and flushing it then throws instead of writing the cause.
  const fd = fs.openSync(path.join(dir, "deskside.log"), "a", 0o600);
  const destination = pino.destination({fd, sync: false});
  const log = pino({level: "info", base: undefined}, destination);
  const echo = options.stderr ?? false;
  if (movedAside) {
    const note = `a file named "logs" was in the way of the log folder; it was kept as ${path.basename(movedAside)}`;
    log.warn(note);
    if (echo) process.stderr.write(`warning: ${note}\n`);
  }
  return {
    info: (message) => log.info(message),
    warn: (message) => {
      log.warn(message);
      if (echo) process.stderr.write(`warning: ${message}\n`);
    },
    error: (message) => {
      log.error(message);
      if (echo) process.stderr.write(`error: ${message.split("\n")[0]}\n`);
    },
    close: () => destination.flushSync?.(),
  };
}
