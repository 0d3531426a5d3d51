/**
 * Human-readable progress for downloads, written to stderr so stdout stays clean for scripts.
 * On a terminal one line is redrawn in place; elsewhere (CI logs) a line is printed every 10 %.
 */
import type {DownloadProgress} from "./download.js";

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export interface ProgressWriter {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  /** Free-form status line ("model.gguf: already present, verified"). */
  info(message: string): void;
  /** Returns the callback for one file's download progress. */
  start(label: string): (progress: DownloadProgress) => void;
  /** Closes the current progress line. */
  done(label: string, message: string): void;
}

export function createProgressReporter(stream: ProgressWriter = process.stderr, now: () => number = Date.now): ProgressReporter {
  const tty = stream.isTTY === true;
  let lineOpen = false;
  const closeLine = () => {
    if (lineOpen) stream.write("\n");
    lineOpen = false;
  };

  return {
    info(message) {
      closeLine();
      stream.write(`${message}\n`);
    },
    start(label) {
      closeLine();
      const startedAt = now();
      let lastDraw = 0;
      let lastDecile = -1;
      return ({received, total, resumedFrom}) => {
        const elapsed = Math.max(1, now() - startedAt) / 1000;
        const rate = (received - resumedFrom) / elapsed;
        const percent = total != null && total > 0 ? Math.floor((received / total) * 100) : null;
        const text =
          `${label}  ${formatBytes(received)}${total != null ? ` / ${formatBytes(total)}` : ""}` +
          `${percent != null ? `  ${percent}%` : ""}  ${formatBytes(rate)}/s` +
          `${resumedFrom > 0 ? `  (resumed at ${formatBytes(resumedFrom)})` : ""}`;
        if (tty) {
          const t = now();
          if (t - lastDraw < 200 && received !== total) return;
          lastDraw = t;
          stream.write(`\r\x1b[2K${text}`);
          lineOpen = true;
        } else {
          const decile = percent == null ? -1 : Math.floor(percent / 10);
          if (decile === lastDecile) return;
          lastDecile = decile;
          stream.write(`${text}\n`);
        }
      };
    },
    done(label, message) {
      closeLine();
      stream.write(`${label}  ${message}\n`);
    },
  };
}

/** A reporter that prints nothing (tests, library use). */
export const silentReporter: ProgressReporter = {
  info() {},
  start() {
    return () => {};
  },
  done() {},
};
