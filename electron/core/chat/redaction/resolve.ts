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
  let accepted: Candidate[] = [];
  for (const c of ordered) {
    const hits = accepted.filter((a) => a.start < c.end && c.start < a.end);
    if (hits.length === 0) {
      accepted.push({...c});
      continue;
    }
    if (PERSONAL_KINDS.has(c.kind) || hits.some((h) => PERSONAL_KINDS.has(h.kind))) continue;
    // Merge the newcomer and every span it touches into the first (most specific) of them.
    const keep = hits[0];
    for (const h of hits) {
      keep.start = Math.min(keep.start, h.start);
      keep.end = Math.max(keep.end, h.end);
    }
    keep.start = Math.min(keep.start, c.start);
    keep.end = Math.max(keep.end, c.end);
    accepted = accepted.filter((a) => a === keep || !hits.includes(a));
  }
  return accepted.sort((a, b) => a.start - b.start);
}
