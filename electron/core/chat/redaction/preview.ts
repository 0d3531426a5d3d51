import type {SecretKind} from "./types.js";

/**
 * A hint for the UI that helps a technician recognise which value was masked without showing it:
 * the first and last two characters of long values, one each of medium ones, nothing of short
 * ones, so at most a third of a value is ever revealed. Private keys show their armour header.
 */
export function previewOf(kind: SecretKind, secret: string): string {
  if (kind === "private_key") {
    const header = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/.exec(secret);
    return header ? header[0] : "PuTTY private key";
  }
  const chars = [...secret];
  const n = chars.length;
  const shown = n >= 12 ? 2 : n >= 6 ? 1 : 0;
  if (shown === 0) return "…";
  return `${chars.slice(0, shown).join("")}…${chars.slice(n - shown).join("")}`;
}
