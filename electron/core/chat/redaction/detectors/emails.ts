import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/** Email addresses (only when the caller asks: they are often the subject of the ticket). */
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.([A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])/g;

// "icon@2x.png" is a retina asset, not an address.
const FILE_EXTENSIONS = /^(?:png|jpe?g|gif|svg|webp|ico|bmp|js|ts|css|json|xml|txt|log|exe|dll|msi|zip|pdf|ost|pst)$/i;
// Message-IDs (<CY4PR04MB1234ABCD@…outlook.com>) have long machine-made local parts, not people's names.
const MACHINE_LOCAL_PART = /^(?=[^@]*\d)[A-Z0-9._%+-]{16,}@/;

export function detectEmails(text: string): Candidate[] {
  return scanGroup(text, EMAIL, "email", PRIORITY.email, 0, (v, m) => !FILE_EXTENSIONS.test(m[1]) && !MACHINE_LOCAL_PART.test(v));
}
