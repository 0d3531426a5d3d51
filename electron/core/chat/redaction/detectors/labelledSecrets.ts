import {shannonEntropy} from "../entropy.js";
import {matchAll} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";
import {isPlaceholder, readValue} from "../values.js";

/**
 * A key-shaped value right after a key/token/secret label: `api_key=…`, `"client_secret": "…"`,
 * `X-Api-Key: …`, `access token is …`. The label makes hex and UUID values count, which the
 * unlabelled detector leaves alone.
 */
const SEP = String.raw`[_\- ]?`;
const LABEL = new RegExp(
  String.raw`(` +
    [
      `api${SEP}(?:key|token|secret)`,
      `apikey`,
      `access${SEP}key(?:${SEP}id)?`,
      `secret${SEP}(?:access${SEP})?key`,
      `(?:client|app|consumer|shared|webhook|signing)${SEP}secret`,
      `(?:access|refresh|auth|session|id|bearer|private|personal${SEP}access|registration|bot|service)${SEP}token`,
      `(?:auth|functions?|subscription|master|host|app|client|encryption|signing|webhook)${SEP}key`,
      `secret`,
      `token`,
    ].join("|") +
    `)`,
  "gi",
);
const CONNECTOR = /["']?[ \t]*(?::=|=>|[:=])[ \t]*|[ \t]+is[ \t]+/y;
const VALUE_CHARS = /^[A-Za-z0-9_\-+/=.~%]+$/;

function boundaryOk(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (after !== undefined && /[A-Za-z0-9]/.test(after)) return false;
  if (before === undefined || !/[A-Za-z0-9]/.test(before)) return true;
  // camelCase joins: clientSecret, accessToken, xApiKey
  return /[A-Z]/.test(text[start]) && /[a-z0-9]/.test(before);
}

function keyShaped(v: string): boolean {
  if (!VALUE_CHARS.test(v) || isPlaceholder(v) || v.includes("//") || /^[/.]/.test(v)) return false;
  const core = v.replace(/=+$/, "");
  if (/^(.)\1+$/.test(core)) return false;
  const letter = /[A-Za-z]/.test(core);
  const digit = /\d/.test(core);
  if (core.length >= 16 && letter && digit) return true;
  return core.length >= 24 && shannonEntropy(core) >= 3.5;
}

export function detectLabelledSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of matchAll(LABEL, text)) {
    const end = m.index + m[0].length;
    if (!boundaryOk(text, m.index, end)) continue;
    CONNECTOR.lastIndex = end;
    const c = CONNECTOR.exec(text);
    if (!c) continue;
    const value = readValue(text, end + c[0].length);
    if (!value || !keyShaped(text.slice(value.start, value.end))) continue;
    out.push({kind: "api_key", start: value.start, end: value.end, priority: PRIORITY.labelledSecret});
  }
  return out;
}
