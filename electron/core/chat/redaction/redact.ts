import {detectAuthHeaders} from "./detectors/authHeaders.js";
import {detectCards} from "./detectors/cards.js";
import {detectCloudKeys} from "./detectors/cloudKeys.js";
import {detectCommandLineSecrets} from "./detectors/commandLine.js";
import {detectEmails} from "./detectors/emails.js";
import {detectHighEntropy} from "./detectors/highEntropy.js";
import {detectJwts} from "./detectors/jwt.js";
import {detectLabelledSecrets} from "./detectors/labelledSecrets.js";
import {detectPasswords} from "./detectors/passwords.js";
import {detectPhones} from "./detectors/phones.js";
import {detectPrivateKeys} from "./detectors/privateKeys.js";
import {detectProviderKeys} from "./detectors/providerKeys.js";
import {detectRecoveryKeys} from "./detectors/recoveryKeys.js";
import {detectUrlCredentials} from "./detectors/urlCredentials.js";
import {previewOf} from "./preview.js";
import {repeatsOf} from "./repeats.js";
import {resolveOverlaps} from "./resolve.js";
import type {Candidate, Detector, Finding, RedactOptions, RedactResult} from "./types.js";

export const DEFAULT_REDACT_OPTIONS: RedactOptions = {enabled: true, emails: false, phones: false};

/** Credential detectors always run when redaction is on; personal data is opt-in. */
const CREDENTIAL_DETECTORS: Detector[] = [
  detectPrivateKeys,
  detectJwts,
  detectProviderKeys,
  detectCloudKeys,
  detectRecoveryKeys,
  detectCards,
  detectPasswords,
  detectCommandLineSecrets,
  detectUrlCredentials,
  detectAuthHeaders,
  detectLabelledSecrets,
  detectHighEntropy,
];

export function maskFor(kind: Finding["kind"]): string {
  return `[REDACTED:${kind}]`;
}

/**
 * Replaces every secret in `text` with a typed mask such as `[REDACTED:password]` and reports
 * where each one was (offsets into the input) with a safe preview for the UI.
 */
export function redact(text: string, options: Partial<RedactOptions> = {}): RedactResult {
  const opts = {...DEFAULT_REDACT_OPTIONS, ...options};
  if (!opts.enabled || text.length === 0) return {text, findings: []};

  const detectors = [...CREDENTIAL_DETECTORS];
  if (opts.emails) detectors.push(detectEmails);
  if (opts.phones) detectors.push(detectPhones);
  const candidates: Candidate[] = detectors.flatMap((detect) => detect(text));
  candidates.push(...repeatsOf(text, candidates));

  const findings: Finding[] = resolveOverlaps(candidates).map((c) => ({
    kind: c.kind,
    start: c.start,
    end: c.end,
    replacement: maskFor(c.kind),
    preview: previewOf(c.kind, text.slice(c.start, c.end)),
  }));

  let out = "";
  let pos = 0;
  for (const f of findings) {
    out += text.slice(pos, f.start) + f.replacement;
    pos = f.end;
  }
  return {text: out + text.slice(pos), findings};
}
