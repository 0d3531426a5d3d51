import fs from "node:fs";
import path from "node:path";

export const TOKEN_USAGE_FILE = "api-token-usage.json";

/** Last-used times reach the disk at most this often; a crash loses at most this much of them. */
const FLUSH_AFTER_MS = 30_000;

/** Reads `<data>/api-token-usage.json` ({token id: ISO time}); missing or unreadable: nothing used yet. */
export function readTokenUsage(dataDir: string): Record<string, string> {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, TOKEN_USAGE_FILE), "utf8")) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  } catch {
    return {};
  }
}

/**
 * When each named token was last used. Kept apart from settings.json: it changes with every request,
 * and settings.json changes only when someone changes a setting (so a file written by
 * `npm run tokens` is never raced by the server's bookkeeping). Written in the background.
 */
export class TokenUsage {
  private readonly file: string;
  private readonly lastUsed: Map<string, string>;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, TOKEN_USAGE_FILE);
    this.lastUsed = new Map(Object.entries(readTokenUsage(dataDir)));
  }

  lastUsedAt(id: string): string | null {
    return this.lastUsed.get(id) ?? null;
  }

  touch(id: string, now: Date = new Date()): void {
    this.lastUsed.set(id, now.toISOString());
    this.dirty = true;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
    this.timer.unref();
  }

  /** Drops the times of tokens that no longer exist. */
  forget(keep: ReadonlySet<string>): void {
    for (const id of [...this.lastUsed.keys()])
      if (!keep.has(id)) {
        this.lastUsed.delete(id);
        this.dirty = true;
      }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.dirty = false;
    try {
      const temporary = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.lastUsed), null, 2), {mode: 0o600});
      fs.renameSync(temporary, this.file);
    } catch {
      // Bookkeeping only: a read-only or full disk must not fail a request.
    }
  }
}
