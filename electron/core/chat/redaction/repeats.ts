import {PERSONAL_KINDS, type Candidate} from "./types.js";

const MIN_LENGTH = 6;
const MAX_VALUES = 100;

/** Letters together with digits or symbols, or a long digit string such as a card number. */
function mixed(value: string): boolean {
  const letters = /\p{L}/u.test(value);
  return letters ? /[^\p{L}\s]/u.test(value) : /^[\d\s-]{12,}$/.test(value);
}

/**
 * Once a value is known to be a secret, its other appearances are too, label or not: "typed
 * Adm!n2024 at the prompt… password was Adm!n2024". Only values that cannot be an ordinary word or
 * number are echoed: "Password: example" must not mask every "example", nor a PIN "482913" every
 * "ticket 482913".
 */
export function repeatsOf(text: string, found: Candidate[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const c of found) {
    if (PERSONAL_KINDS.has(c.kind) || c.kind === "private_key") continue;
    const value = text.slice(c.start, c.end);
    if (value.length < MIN_LENGTH || value.includes("\n") || !mixed(value)) continue;
    if (!seen.has(value)) seen.set(value, c);
    if (seen.size >= MAX_VALUES) break;
  }
  const out: Candidate[] = [];
  for (const [value, c] of seen) {
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
      if (at === c.start) continue;
      // Whole occurrences only: "Welcome1" must not mask the middle of "Welcome123".
      if (/[A-Za-z0-9]/.test(text[at - 1] ?? "") || /[A-Za-z0-9]/.test(text[at + value.length] ?? "")) continue;
      out.push({...c, start: at, end: at + value.length});
    }
  }
  return out;
}
