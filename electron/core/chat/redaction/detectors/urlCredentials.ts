import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";
import {isPlaceholder} from "../values.js";

/** scheme://user:password@host — the user name and host stay readable, the password goes. */
const URL_USERINFO = /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s:/@?#]{1,128}:([^\s/@?#]{1,256})@(?=[\w[])/gi;

// Documentation-style stand-ins that are not worth a mask.
const DOC_VALUES = /^(?:password|pass|pwd|secret|token)$/i;

export function detectUrlCredentials(text: string): Candidate[] {
  return scanGroup(text, URL_USERINFO, "password", PRIORITY.password, 1, (v) => !isPlaceholder(v) && !DOC_VALUES.test(v));
}
