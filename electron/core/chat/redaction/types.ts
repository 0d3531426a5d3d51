/**
 * What the redactor can recognise. `secret` is an unlabelled high-entropy string whose provider is
 * unknown; `recovery_key` is a BitLocker recovery password, which technicians paste surprisingly often.
 */
export type SecretKind =
  | "password"
  | "api_key"
  | "jwt"
  | "private_key"
  | "card"
  | "recovery_key"
  | "secret"
  | "email"
  | "phone";

export interface Finding {
  kind: SecretKind;
  /** Offsets into the input text (UTF-16 code units), end exclusive. */
  start: number;
  end: number;
  /** The mask that replaced the span in the output, e.g. `[REDACTED:password]`. */
  replacement: string;
  /** A hint the UI may show; never the whole secret (see preview.ts). */
  preview: string;
}

export interface RedactOptions {
  /** false returns the text untouched, with no findings. */
  enabled: boolean;
  /** Personal data is masked only on request: addresses and numbers are often what the ticket is about. */
  emails: boolean;
  phones: boolean;
}

export interface RedactResult {
  text: string;
  findings: Finding[];
}

/** A span a detector proposes; resolve.ts turns overlapping candidates into final findings. */
export interface Candidate {
  kind: SecretKind;
  start: number;
  end: number;
  /** Higher wins when spans overlap; see PRIORITY. */
  priority: number;
}

export type Detector = (text: string) => Candidate[];

/**
 * Specificity ranking for overlap resolution: a format with a fixed shape or prefix says more about
 * what a string is than a label or an entropy score does. Personal data ranks last so it never
 * swallows part of a credential.
 */
export const PRIORITY = {
  privateKey: 100,
  jwt: 90,
  providerKey: 80,
  recoveryKey: 75,
  card: 70,
  password: 60,
  labelledSecret: 50,
  highEntropy: 40,
  email: 20,
  phone: 10,
} as const;

/** Kinds that are personal data rather than credentials; they never merge with credential spans. */
export const PERSONAL_KINDS: ReadonlySet<SecretKind> = new Set<SecretKind>(["email", "phone"]);
