import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/**
 * Tokens whose provider prints a recognisable prefix or shape. These are precise enough to mask
 * wherever they appear, with no label needed.
 */
const B = String.raw`(?<![A-Za-z0-9_\-])`; // left boundary: not inside a longer token
const E = String.raw`(?![A-Za-z0-9_\-])`; // right boundary

const PATTERNS: RegExp[] = [
  // AWS access key ids (long-term AKIA, temporary ASIA, and the other IAM unique-id prefixes)
  new RegExp(String.raw`${B}(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA)[A-Z0-9]{16}${E}`, "g"),
  // GitHub: classic (ghp_ gho_ ghu_ ghs_ ghr_) and fine-grained personal access tokens
  new RegExp(String.raw`${B}gh[pousr]_[A-Za-z0-9]{36,255}${E}`, "g"),
  new RegExp(String.raw`${B}github_pat_[A-Za-z0-9_]{22,255}${E}`, "g"),
  // GitLab personal, deploy, runner and trigger tokens
  new RegExp(String.raw`${B}(?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_\-]{20,}${E}`, "g"),
  // Slack bot/user/app/refresh tokens and incoming-webhook paths
  new RegExp(String.raw`${B}xox[abeoprs]-[A-Za-z0-9\-]{10,}${E}`, "g"),
  /(?<=hooks\.slack\.com\/services\/)T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g,
  // Stripe secret and restricted keys (publishable pk_ keys are public by design)
  new RegExp(String.raw`${B}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}${E}`, "g"),
  // OpenAI-style sk-…, sk-proj-…, and Anthropic sk-ant-…
  new RegExp(String.raw`${B}sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_\-]{20,}${E}`, "g"),
  // Google API keys, OAuth client secrets and short-lived access tokens
  new RegExp(String.raw`${B}AIza[0-9A-Za-z_\-]{35}${E}`, "g"),
  new RegExp(String.raw`${B}GOCSPX-[A-Za-z0-9_\-]{20,}${E}`, "g"),
  new RegExp(String.raw`${B}ya29\.[A-Za-z0-9_\-]{20,}${E}`, "g"),
  // Azure AD / Entra client secrets: three characters, a digit, "Q~", then 31–34 more
  new RegExp(String.raw`${B}[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}${E}`, "g"),
  // npm access tokens
  new RegExp(String.raw`${B}npm_[A-Za-z0-9]{36}${E}`, "g"),
  // Twilio account and API key SIDs (32 lowercase hex after AC / SK)
  new RegExp(String.raw`${B}(?:AC|SK)[0-9a-f]{32}${E}`, "g"),
  // SendGrid: SG.<22>.<43>
  new RegExp(String.raw`${B}SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}${E}`, "g"),
  // Hugging Face and Shopify access tokens, common in the same pastes
  new RegExp(String.raw`${B}hf_[A-Za-z0-9]{30,}${E}`, "g"),
  new RegExp(String.raw`${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${E}`, "g"),
];

export function detectProviderKeys(text: string): Candidate[] {
  return PATTERNS.flatMap((re) => scanGroup(text, re, "api_key", PRIORITY.providerKey));
}
