import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";
import {isPlaceholder} from "../values.js";

/**
 * HTTP authorisation values pasted from browser dev tools, curl or Postman. A Bearer token that
 * is also a JWT is claimed by jwt.ts with a higher priority, so it is reported as a JWT.
 */
const BEARER = /\bBearer[ \t]+([A-Za-z0-9\-._~+/]{16,}=*)/gi;
// Basic carries base64("user:password"), i.e. a password in thin disguise.
const BASIC = /\bAuthorization["']?[ \t]*[:=][ \t]*["']?Basic[ \t]+([A-Za-z0-9+/]{8,}={0,2})/gi;
// GitHub-style "Authorization: token …" and custom key headers.
const TOKEN_HEADER = /\bAuthorization["']?[ \t]*[:=][ \t]*["']?(?:token|apikey|api-key|key)[ \t]+([A-Za-z0-9\-._~+/]{12,}=*)/gi;

const hasDigit = (v: string) => /\d/.test(v) && !isPlaceholder(v);

export function detectAuthHeaders(text: string): Candidate[] {
  return [
    ...scanGroup(text, BEARER, "api_key", PRIORITY.labelledSecret, 1, hasDigit),
    ...scanGroup(text, BASIC, "password", PRIORITY.password, 1, (v) => !isPlaceholder(v)),
    ...scanGroup(text, TOKEN_HEADER, "api_key", PRIORITY.labelledSecret, 1, hasDigit),
  ];
}
