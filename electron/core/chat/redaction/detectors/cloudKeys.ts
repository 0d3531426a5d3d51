import {matchAll, scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/**
 * Cloud secrets that have no prefix of their own and are recognised by what stands next to them:
 * an AWS secret access key near an access key id or an "aws" label, and the key parts of Azure
 * storage / Service Bus connection strings and SAS URLs.
 */

const AWS_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const AWS_SECRET = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const AWS_LABELLED = /aws[\w .-]{0,20}secret[\w .-]{0,20}?["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/gi;
const NEAR = 200;

const AZURE = /(?:AccountKey|SharedAccessKey|SharedAccessSignature|SharedSecret)\s*=\s*([^;\s"'<]{8,})/gi;
// SAS signature in a blob URL: ...?sv=2022-11-02&...&sig=<base64, url-encoded>
const SAS_SIG = /[?&]sig=([A-Za-z0-9%+/=]{16,})/g;

function awsSecretsNearIds(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const id of matchAll(AWS_ID, text)) {
    const from = Math.max(0, id.index - NEAR);
    const window = text.slice(from, id.index + id[0].length + NEAR);
    for (const m of matchAll(AWS_SECRET, window)) {
      // Random 40-character base64 mixes cases and digits; a path or a word list does not.
      if (!/[a-z]/.test(m[0]) || !/[A-Z]/.test(m[0]) || !/\d/.test(m[0])) continue;
      out.push({kind: "api_key", start: from + m.index, end: from + m.index + 40, priority: PRIORITY.providerKey});
    }
  }
  return out;
}

export function detectCloudKeys(text: string): Candidate[] {
  return [
    ...awsSecretsNearIds(text),
    ...scanGroup(text, AWS_LABELLED, "api_key", PRIORITY.providerKey, 1),
    ...scanGroup(text, AZURE, "api_key", PRIORITY.providerKey, 1),
    ...scanGroup(text, SAS_SIG, "api_key", PRIORITY.providerKey, 1),
  ];
}
