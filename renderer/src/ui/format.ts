export {formatBytes} from "../../../shared/format-bytes.js";

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return new Intl.NumberFormat().format(value);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return date.toLocaleString(undefined, {year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"});
}

/** "just now", "5 min ago", "yesterday", then a date: for lists where recency matters. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const seconds = (now.getTime() - date.getTime()) / 1000;
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400 && date.getDate() === now.getDate()) return date.toLocaleTimeString(undefined, {hour: "2-digit", minute: "2-digit"});
  if (seconds < 2 * 86_400) return "yesterday";
  return date.toLocaleDateString(undefined, {month: "short", day: "numeric"});
}

export function formatScore(score: number | undefined): string {
  return score === undefined || !Number.isFinite(score) ? "—" : score.toFixed(3);
}

/** The last path segment, for both / and \ separators. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
