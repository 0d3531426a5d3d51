import {luhnValid} from "../luhn.js";
import {lineBefore, matchAll} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/**
 * Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes, that pass Luhn and
 * carry a real network prefix with a length that network issues. Ticket, order and phone numbers
 * fail one of the three almost always; IMEIs (Luhn too) fail the prefix/length rule or their label.
 */

// Runs of digit groups joined by one space or dash, not glued to letters, dots or other digits.
const DIGIT_RUN = /(?<![\w.,/:+-])\d{1,19}(?:[ -]\d{1,19}){0,9}(?![\w]|[.,/:-]\d)/g;

// A number introduced as something else is that something else.
const NOT_A_CARD = /\b(?:ticket|case|order|invoice|tracking|serial|s\/n|imei|iccid|meid|asset|incident|request|ref(?:erence)?|po|sku|part|build|inc|req|ritm|chg|account id|customer id|id)\s*(?:#|no\.?|number|num)?\s*[:#=]?\s*$/i;

function brandFits(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p3 === 309) return n >= 14 && n <= 19; // Diners
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 13 && n <= 19; // Maestro
  return false;
}

export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && !/^(\d)\1+$/.test(digits) && brandFits(digits) && luhnValid(digits);
}

interface Group {
  start: number;
  end: number;
  sep: string;
}

/** The longest run of consecutive groups, with one kind of separator, that is a card number. */
function bestCard(groups: Group[], text: string): [number, number] | null {
  let best: [number, number] | null = null;
  for (let i = 0; i < groups.length; i++) {
    let digits = "";
    for (let j = i; j < groups.length; j++) {
      if (j > i && groups[j].sep !== groups[i + 1]?.sep) break;
      digits += text.slice(groups[j].start, groups[j].end);
      if (digits.length > 19) break;
      // Grouped numbers are printed in blocks of 3–6; single digits are list items or dates.
      const grouped = j > i;
      if (grouped && groups.slice(i, j + 1).some((g) => g.end - g.start < 3 || g.end - g.start > 6)) continue;
      if (!isCardNumber(digits)) continue;
      const span: [number, number] = [groups[i].start, groups[j].end];
      if (!best || span[1] - span[0] > best[1] - best[0]) best = span;
    }
  }
  return best;
}

export function detectCards(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of matchAll(DIGIT_RUN, text)) {
    const groups: Group[] = [];
    for (const g of m[0].matchAll(/(^|[ -])(\d+)/g)) {
      const start = m.index + (g.index ?? 0) + g[1].length;
      groups.push({start, end: start + g[2].length, sep: g[1]});
    }
    const span = bestCard(groups, text);
    if (!span || NOT_A_CARD.test(lineBefore(text, span[0], 40))) continue;
    out.push({kind: "card", start: span[0], end: span[1], priority: PRIORITY.card});
  }
  return out;
}
