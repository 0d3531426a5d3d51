/**
 * Helpers for detectors that find a label ("password:", "api_key=") and then have to decide where
 * the value ends and whether it is a value at all rather than prose or a placeholder.
 */

const OPEN_QUOTES: Record<string, string> = {'"': '"', "'": "'", "`": "`", "\u201C": "\u201D", "\u2018": "\u2019"};
const MAX_VALUE = 200;

export interface ValueSpan {
  start: number;
  end: number;
  quoted: boolean;
}

/** Reads the value that starts at `pos`: a quoted string, or the run of non-space characters. */
export function readValue(text: string, pos: number): ValueSpan | null {
  const open = text[pos];
  const close = open === undefined ? undefined : OPEN_QUOTES[open];
  if (close) {
    const end = text.indexOf(close, pos + 1);
    if (end === -1 || end - pos > MAX_VALUE) return null;
    const inner = text.slice(pos + 1, end);
    if (inner.includes("\n") || inner.trim().length === 0) return null;
    return {start: pos + 1, end, quoted: true};
  }
  let end = pos;
  while (end < text.length && end - pos < MAX_VALUE && !/\s/.test(text[end])) end++;
  if (end === pos) return null;
  return {start: pos, end: pos + trimmedLength(text.slice(pos, end)), quoted: false};
}

/**
 * Drops what belongs to the surrounding sentence or syntax rather than the value: a following
 * `;key=` / `&key=` pair, trailing punctuation, and closing brackets or quotes with no opener.
 */
function trimmedLength(raw: string): number {
  let v = raw;
  const pair = /[;&,](?=[A-Za-z_][\w.-]*=)/.exec(v);
  if (pair) v = v.slice(0, pair.index);
  for (;;) {
    const last = v[v.length - 1];
    if (last === undefined) break;
    if (/[.,;:]/.test(last) && v.length > 1) v = v.slice(0, -1);
    else if (last === ")" && !v.includes("(")) v = v.slice(0, -1);
    else if (last === "]" && !v.includes("[")) v = v.slice(0, -1);
    else if (last === "}" && !v.includes("{")) v = v.slice(0, -1);
    else if (/["'`\u201D\u2019>]/.test(last) && !v.slice(0, -1).includes(last)) v = v.slice(0, -1);
    else break;
  }
  return v.length;
}

/** Words that follow a password label in status lines and prose, not secrets. */
const STOPWORDS = new Set([
  "expired", "expires", "expiry", "expiration", "reset", "resets", "required", "optional", "incorrect", "invalid",
  "wrong", "changed", "change", "unchanged", "never", "none", "null", "nil", "n/a", "na", "empty", "blank",
  "unknown", "hidden", "masked", "redacted", "removed", "set", "unset", "notset", "ok", "okay", "yes", "no",
  "true", "false", "locked", "unlocked", "disabled", "enabled", "default", "same", "ask", "prompted",
  "see", "below", "above", "sent", "provided", "attached", "correct", "strong", "weak", "complex", "policy",
  "length", "updated", "verified", "mismatch", "forgotten", "forgot", "protected", "saved", "stored", "cached",
  "encrypted", "pending", "temporary", "new", "old", "current", "not", "must", "should", "will", "was", "is",
  "has", "the", "a", "an", "it", "this", "that", "your", "their", "his", "her", "my", "our", "for", "and", "or",
  "to", "be", "been", "being", "in", "on", "of", "with", "when", "if", "manager", "vault", "field", "prompt",
  "sync", "synced", "rotation", "rotated", "history", "hash", "hashes", "complexity", "requirements",
  "password", "passwd", "pwd", "pass", "secret", "token", "key", "value", "string", "here", "there",
]);

export function isStopword(value: string): boolean {
  return STOPWORDS.has(value.toLowerCase());
}

/** Stand-ins that mean "a secret goes here" rather than a secret: masks, templates, variables. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (/^[*•x#.\-_?…]+$/i.test(v)) return true; // ****, xxxx, ...
  if (/^[<[({]/.test(v)) return true; // <password>, [hidden], (see vault), {{secret}}
  if (/^\$\{|^\$\(|^\$env:|^%[^%\s]+%$/i.test(v)) return true; // ${PW}, $(cat f), $env:PW, %PW%
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return true; // $password
  if (/redacted|placeholder|(?:your|my)[_-]?(?:password|pass|secret|token|key|api[_-]?key)/i.test(v)) return true;
  return isCodeReference(v);
}

/**
 * Code that fetches a secret rather than the secret itself: `$pw = Read-Host -AsSecureString`,
 * `password = getPassword()`, `password: process.env.DB_PASS`, `os.environ["PW"]`.
 */
function isCodeReference(v: string): boolean {
  if (/^[A-Z][A-Za-z]+-[A-Z][A-Za-z]+$/.test(v)) return true; // PowerShell Verb-Noun
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\(/.test(v)) return true; // call
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\[|$)/.test(v) && /^(?:process|os|env|config|settings|self|this|secrets|vars|context|args|props)\b/i.test(v);
}

/** Prose-proof test for values met without an explicit `:` or `=`: they must not read like a word. */
export function looksLikePassword(value: string): boolean {
  if (value.length < 4 || isStopword(value) || isPlaceholder(value)) return false;
  const letter = /\p{L}/u.test(value);
  const digit = /\d/.test(value);
  const symbol = /[^\p{L}\p{N}\-']/u.test(value);
  const innerUpper = /\p{Ll}.*\p{Lu}/u.test(value);
  if (letter && (digit || symbol || innerUpper)) return true;
  // No letters: a long PIN-like number or a keypad code ("4471#"), never a date, time or version.
  return !letter && digit && (/^\d{6,}$/.test(value) || /^(?:\d{4,}[*#!@$%&+]+|[*#!@$%&+]+\d{4,})$/.test(value));
}
