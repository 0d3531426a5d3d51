export {redact, DEFAULT_REDACT_OPTIONS, maskFor} from "./redact.js";
export {luhnValid} from "./luhn.js";
export {shannonEntropy} from "./entropy.js";
export type {Finding, RedactOptions, RedactResult, SecretKind} from "./types.js";
