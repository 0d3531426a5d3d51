import {charClasses, classTransitionRatio, shannonEntropy, wordShare} from "../entropy.js";
import {lineBefore, lineStart, matchAll} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";
import {VOCABULARY} from "../vocabulary.js";

/**
 * Unlabelled random-looking strings. Deliberately cautious, because help-desk text is full of
 * long identifiers that are not secrets. A token is flagged only when it
 * - is at least 20 characters (padding aside) and mixes upper case, lower case and digits, which
 *   rules out hex (error codes, GUIDs, MACs, SHA-1/SHA-256 digests, thumbprints), serials, asset
 *   tags, hostnames, KB numbers and version strings, all single-case or digit-only;
 * - contains no dot, so file names, FQDNs and dotted versions are out (JWTs have their own detector);
 * - switches character class often and is not made of words, pronounceable runs or common
 *   product vocabulary (Win32_OperatingSystem, CorpWiFi5GHz_Guest2024, Win11_23H2_English_x64v2);
 * - has high Shannon entropy;
 * - is not part of a URL or path, a public certificate or SSH public key, a digest named as such
 *   (sha256:, hash, thumbprint…) or a mail header's signature/index field, and does not decode
 *   from base64 into readable text (PowerShell -EncodedCommand, Teams thread ids).
 * File hashes being discussed are therefore never masked: they identify files, they grant nothing.
 */

// A run of key characters not glued to a dotted name on either side (a sentence's full stop is fine).
const TOKEN = /(?<![A-Za-z0-9+/_\-~.])[A-Za-z0-9+/_\-~]{20,}={0,2}(?![A-Za-z0-9+/_\-~=]|\.[A-Za-z0-9])/g;
const URL = /\b[a-z][a-z0-9+.-]{1,15}:\/\/\S+/gi;
// Public material that is base64 by nature: certificates, CSRs, public keys.
const PUBLIC_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*(?:CERTIFICATE|PUBLIC KEY|CERTIFICATE REQUEST|X509 CRL|PUBLIC KEY BLOCK))-----[\s\S]*?-----END \1-----/g;
// A digest named as one ("SHA256 (base64): …", "thumbprint=…") or a public key's algorithm just before.
const PUBLIC_CONTEXT =
  /(?:\b(?:sha-?\d*|md5|hash|checksum|digest|thumbprint|fingerprint|integrity|etag)\b[^\n]{0,16}|base64,|ssh-(?:rsa|dss|ed25519)\s+|ecdsa-sha2-\S+\s+)$/i;

const MIN_LENGTH = 20;
const MIN_ENTROPY = 3.6;
const MIN_TRANSITIONS = 0.3;
const MAX_WORD_SHARE = 0.45;

// Pasted message headers carry public signatures and opaque indexes (DKIM b=, ARC-Seal, Thread-Index).
const MAIL_HEADER = /^(?:DKIM-Signature|ARC-Seal|ARC-Message-Signature|ARC-Authentication-Results|Authentication-Results|Thread-Index|Thread-Topic|Received|X-(?:MS|Microsoft|Forefront|Google|Gm|Received|Originating|Proofpoint|Mimecast|Barracuda)[\w-]*|Message-ID|References|In-Reply-To):/i;

/** The header a token sits in, following folded continuation lines back to the header name. */
function inMailHeader(text: string, index: number): boolean {
  let start = lineStart(text, index);
  for (let hops = 0; hops < 20 && start > 0 && /[ \t]/.test(text[start] ?? ""); hops++) start = lineStart(text, start - 1);
  return start !== -1 && MAIL_HEADER.test(text.slice(start, start + 80));
}

function excludedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [...matchAll(URL, text), ...matchAll(PUBLIC_BLOCK, text)].map((m) => [m.index, m.index + m[0].length]);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/**
 * The readable text a base64 token decodes to, or null for random bytes. Encoded commands and
 * documents are not keys; an encoded "user:password" pair is a password.
 */
function decodeText(token: string): string | null {
  // A prefix such as "meeting_" may precede the base64 part.
  const longest = token.split(/[_~-]/).reduce((a, b) => (b.length > a.length ? b : a), "");
  if (longest !== token && longest.length >= 16) token = longest;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 === 1) return null;
  const bytes = Buffer.from(token, "base64");
  if (bytes.length < 12) return null;
  let printable = 0;
  let zeros = 0;
  for (const b of bytes) {
    if (b === 0) zeros++;
    else if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable++;
  }
  // UTF-16LE text (PowerShell -EncodedCommand) is every other byte zero.
  const readable = (printable + zeros) / bytes.length >= 0.9 && printable / bytes.length >= 0.45;
  if (readable) return bytes.toString(zeros > 0 ? "utf16le" : "latin1");
  // Non-ASCII UTF-8 text; random bytes are practically never valid UTF-8 at this length.
  try {
    const utf8 = new TextDecoder("utf-8", {fatal: true}).decode(bytes);
    return /^[^\p{Cc}\p{Cn}]*$/u.test(utf8.replace(/[\t\r\n]/g, "")) ? utf8 : null;
  } catch {
    return null;
  }
}

/**
 * Separator-joined parts that are each simple (KB5034441, 23H2, x64v2, 2024) or wordy
 * (AdobeAcrobatDC2024) make an identifier such as "Win11_23H2_English_x64v2". Random keys that
 * happen to contain "-" or "_" have at least one part that switches class too often.
 */
function segmentedIdentifier(token: string): boolean {
  const parts = token.split(/[-_/]+/).filter(Boolean);
  return parts.length >= 2 && parts.every((p) => classRuns(p) <= 4 || wordShare(p, VOCABULARY) >= 0.5);
}

function classRuns(s: string): number {
  return Math.round(classTransitionRatio(s) * (s.length - 1)) + 1;
}

export function looksRandom(token: string): boolean {
  const core = token.replace(/=+$/, "");
  if (core.length < MIN_LENGTH) return false;
  const classes = charClasses(core);
  if (!classes.upper || !classes.lower || !classes.digit) return false;
  if (classTransitionRatio(core) < MIN_TRANSITIONS) return false;
  if (wordShare(core, VOCABULARY) >= MAX_WORD_SHARE || segmentedIdentifier(core)) return false;
  return shannonEntropy(core) >= MIN_ENTROPY;
}

export function detectHighEntropy(text: string): Candidate[] {
  const excluded = excludedRanges(text);
  let next = 0; // tokens arrive in order, so one forward pointer walks the excluded ranges
  const out: Candidate[] = [];
  for (const m of matchAll(TOKEN, text)) {
    const start = m.index;
    const end = start + m[0].length;
    const token = m[0];
    if (!looksRandom(token)) continue;
    while (next < excluded.length && excluded[next][1] <= start) next++;
    if (excluded.slice(next, next + 4).some(([s, e]) => start >= s && end <= e)) continue;
    if (/^~?\//.test(token) || text[start - 1] === "\\") continue; // path segments
    if (/^(?:sha\d*|md5)[-_]/i.test(token)) continue; // subresource-integrity digests: sha512-…
    if (PUBLIC_CONTEXT.test(lineBefore(text, start, 40)) || inMailHeader(text, start)) continue;
    const decoded = decodeText(token);
    if (decoded === null) out.push({kind: "secret", start, end, priority: PRIORITY.highEntropy});
    else if (/^[\w.@\\-]{1,64}:\S{1,128}$/.test(decoded)) out.push({kind: "password", start, end, priority: PRIORITY.highEntropy});
  }
  return out;
}
