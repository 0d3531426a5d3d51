/**
 * Secret redaction for text a technician sends to the assistant.
 *
 * Always masked when enabled: passwords after a label or in commands and URLs, provider API keys and
 * tokens, JWTs, private keys, Luhn-valid card numbers, BitLocker recovery keys, and unlabelled
 * random-looking strings. Emails and phone numbers only on request.
 *
 * Deliberately not masked: hex digests (SHA-1/SHA-256 of files, thumbprints, commit ids), GUIDs,
 * error codes, MAC/IP addresses, SIDs, hostnames, serials, asset tags and version strings. They
 * identify things rather than grant access, and the assistant needs them to help. A hex or UUID
 * value is masked only when a key/token/secret label introduces it.
 */
export {redact, DEFAULT_REDACT_OPTIONS, maskFor} from "./redact.js";
export {luhnValid} from "./luhn.js";
export {shannonEntropy} from "./entropy.js";
export type {Finding, RedactOptions, RedactResult, SecretKind} from "./types.js";
