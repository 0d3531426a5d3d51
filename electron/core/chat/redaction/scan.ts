import type {Candidate, SecretKind} from "./types.js";

/** Every match of a global regex; the `d` flag is added so capture groups carry their offsets. */
export function* matchAll(re: RegExp, text: string): Generator<RegExpExecArray> {
  const flags = re.flags.includes("d") ? re.flags : re.flags + "d";
  const global = new RegExp(re.source, flags.includes("g") ? flags : flags + "g");
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    if (m[0].length === 0) global.lastIndex++;
    yield m;
  }
}

/** Offsets of capture group `group` (0 = whole match), or null when the group did not take part. */
export function groupSpan(m: RegExpExecArray, group = 0): [number, number] | null {
  const span = m.indices?.[group];
  return span ? [span[0], span[1]] : null;
}

/** Candidates for one capture group of every match, optionally filtered by `accept`. */
export function scanGroup(
  text: string,
  re: RegExp,
  kind: SecretKind,
  priority: number,
  group = 0,
  accept: (value: string, m: RegExpExecArray) => boolean = () => true,
): Candidate[] {
  const out: Candidate[] = [];
  for (const m of matchAll(re, text)) {
    const span = groupSpan(m, group);
    if (!span || span[1] <= span[0]) continue;
    if (!accept(text.slice(span[0], span[1]), m)) continue;
    out.push({kind, start: span[0], end: span[1], priority});
  }
  return out;
}

/**
 * Up to `max` characters before `index`, cut at the start of the line (context checks look
 * backwards). Bounded so that a megabyte-long line does not make every lookup scan it again.
 */
export function lineBefore(text: string, index: number, max = 80): string {
  const chunk = text.slice(Math.max(0, index - max), index);
  return chunk.slice(chunk.lastIndexOf("\n") + 1);
}

/** Start of the line containing `index`, or -1 when it lies more than `max` characters back. */
export function lineStart(text: string, index: number, max = 1000): number {
  const from = Math.max(0, index - max);
  const nl = text.slice(from, index).lastIndexOf("\n");
  if (nl !== -1) return from + nl + 1;
  return from === 0 ? 0 : -1;
}
