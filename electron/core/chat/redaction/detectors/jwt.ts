import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/**
 * JSON Web Tokens: base64url header and payload (a JSON object, so "eyJ"), then a signature that is
 * empty only for unsigned tokens.
 */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

export function detectJwts(text: string): Candidate[] {
  return scanGroup(text, JWT, "jwt", PRIORITY.jwt);
}
