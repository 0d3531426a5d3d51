import {matchAll} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/**
 * Phone numbers in international and common US/EU formats. Every pattern needs the separators or
 * prefix of a written phone number, and the edges refuse to start or end inside a dotted, dashed
 * or colon-joined run of digits, so dates, times, versions, IP addresses, error codes and MAC
 * addresses do not qualify. Bare digit strings only count after a phone label.
 */

const L = String.raw`(?<![\w.:/+-])`; // left edge: not inside a date, version, IP, path or number
const R = String.raw`(?![\w]|[.:/-]\d)`; // right edge

const PATTERNS: RegExp[] = [
  // +44 20 7946 0958, +1 (555) 010-4477, +49-30-1234567, +33 6 12 34 56 78
  new RegExp(String.raw`(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}${R}`, "g"),
  // 0044 20 7946 0958 (international prefix written with 00)
  new RegExp(String.raw`${L}00[1-9]\d{0,2}(?:[ .-]\d{1,5}){2,6}${R}`, "g"),
  // (555) 010-4477, 555-010-4477, 555.010.4477, 1-555-010-4477
  new RegExp(String.raw`${L}(?:1[ .-])?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}${R}`, "g"),
  // French style: 06 12 34 56 78, 01.23.45.67.89
  new RegExp(String.raw`${L}0[1-9](?:[ .]\d{2}){4}${R}`, "g"),
  // UK / German style trunk numbers: 020 7946 0958, 07700 900123, 030 12345678, 0171/1234567
  new RegExp(String.raw`${L}0\d{2,4}[ /-]\d{3,8}(?:[ -]\d{3,4})?${R}`, "g"),
];

// "tel: 5550104477", "mobile 0612345678", "call me on 555 0104"
const LABELLED = new RegExp(
  String.raw`\b(?:phone|tel|telephone|mobile|cell|mob|fax|call me(?: at| on)?)\b\.?(?:[ \t]*(?:no\.?|number|#))?[ \t]*[:=-]?[ \t]*(\+?[\d(][\d ().-]{5,20}\d)${R}`,
  "gi",
);

function digitCount(s: string): number {
  return s.replace(/\D/g, "").length;
}

/** Six dash- or colon-separated pairs is a MAC address whatever digits it holds. */
function macLike(s: string): boolean {
  return /^\d{2}([-:])\d{2}(?:\1\d{2}){4}$/.test(s);
}

export function detectPhones(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const re of PATTERNS) {
    for (const m of matchAll(re, text)) {
      const n = digitCount(m[0]);
      if (n < 8 || n > 15 || macLike(m[0])) continue;
      out.push({kind: "phone", start: m.index, end: m.index + m[0].length, priority: PRIORITY.phone});
    }
  }
  for (const m of matchAll(LABELLED, text)) {
    const span = m.indices?.[1];
    if (!span) continue;
    const n = digitCount(m[1]);
    if (n < 7 || n > 15) continue;
    out.push({kind: "phone", start: span[0], end: span[1], priority: PRIORITY.phone});
  }
  return out;
}
