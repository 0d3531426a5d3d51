import {PERSONAL_KINDS, type Candidate} from "./types.js";

/**
 * Turns overlapping candidates into disjoint spans so every character is masked at most once.
 * Candidates are taken most specific first (priority, then length). When two credential spans
 * overlap they are merged into their union under the more specific kind, so a looser detector that
 * saw a longer value (a password label whose value ends in "!") never leaves a tail of the secret
 * in clear. Personal data never merges: an email or phone span that touches a credential is
 * dropped, so `https://jdoe:pw@host` does not turn into a masked email.
 */
export function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const ordered = [...candidates].sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  // Accepted spans stay disjoint and sorted by start, so overlaps are found by binary search.
  const accepted: Candidate[] = [];
  for (const c of ordered) {
    const first = firstEndingAfter(accepted, c.start);
    let last = first;
    while (last < accepted.length && accepted[last].start < c.end) last++;
    if (last === first) {
      accepted.splice(first, 0, {...c});
      continue;
    }
    const hits = accepted.slice(first, last);
    if (PERSONAL_KINDS.has(c.kind) || hits.some((h) => PERSONAL_KINDS.has(h.kind))) continue;
    // Merge the newcomer and every span it touches into the most specific of them.
    const keep = hits.reduce((best, h) => (h.priority > best.priority ? h : best));
    const merged: Candidate = {
      ...keep,
      start: Math.min(c.start, hits[0].start),
      end: Math.max(c.end, hits[hits.length - 1].end),
    };
    accepted.splice(first, last - first, merged);
  }
  return accepted;
}

/** Index of the first span whose end lies after `pos` (spans are disjoint and sorted). */
function firstEndingAfter(spans: Candidate[], pos: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
