import {matchAll} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/**
 * PEM/OpenSSH/PGP private key blocks and the private half of PuTTY .ppk files. The whole block is
 * masked, armour lines included. A paste cut off before the END line is masked through the last
 * line that still looks like key material.
 */
const BEGIN = /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY( BLOCK)?-----/g;
const END = /-----END [A-Z0-9 ]*?PRIVATE KEY(?: BLOCK)?-----/g;
// Base64 body lines, PEM encryption headers, and the "\n" escapes of keys stored inside JSON strings.
const BODY_LINE = /^(?:[A-Za-z0-9+/=]{16,}|Proc-Type:.*|DEK-Info:.*|Comment:.*|Version:.*|)\s*$/;
const PUTTY = /Private-Lines:[ \t]*\d+\r?\n(?:[A-Za-z0-9+/=]+(?:\r?\n|$))+(?:Private-MAC:[ \t]*[0-9a-fA-F]+)?/g;

function truncatedBlockEnd(text: string, headerEnd: number): number {
  const nl = text.indexOf("\n", headerEnd);
  if (nl === -1) return headerEnd;
  let end = headerEnd;
  let pos = nl + 1;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(pos, lineEnd);
    if (!BODY_LINE.test(line)) break;
    if (line.trim()) end = lineEnd;
    if (!line.trim() && end !== headerEnd) break; // a blank line after the body ends the paste
    pos = lineEnd + 1;
  }
  return end;
}

export function detectPrivateKeys(text: string): Candidate[] {
  const out: Candidate[] = [];
  // END lines are looked up once, in order, so a paste of many unterminated blocks stays linear.
  let end: RegExpExecArray | null | undefined;
  for (const m of matchAll(BEGIN, text)) {
    const start = m.index;
    if (end === undefined || (end !== null && end.index < start)) {
      END.lastIndex = start + m[0].length;
      end = END.exec(text);
    }
    const stop = end ? end.index + end[0].length : truncatedBlockEnd(text, start + m[0].length);
    out.push({kind: "private_key", start, end: stop, priority: PRIORITY.privateKey});
  }
  for (const m of matchAll(PUTTY, text)) {
    out.push({kind: "private_key", start: m.index, end: m.index + m[0].trimEnd().length, priority: PRIORITY.privateKey});
  }
  return out;
}
