import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate, type SecretKind} from "../types.js";
import {isPlaceholder} from "../values.js";

/**
 * Credentials passed as command arguments, which technicians paste straight from a console:
 * `net user jdoe P@ss /add`, `net use Z: \\srv\share P@ss /user:CORP\jdoe`, `--password X`,
 * `ConvertTo-SecureString "X" -AsPlainText`, `mysql -pX`, `psexec -u u -p X`, `curl -u user:X`.
 */

// A quoted argument, or a bare one that is not a switch (/x), a prompt (*) or an option (-x).
// Gaps inside one command line are bounded so a long pasted line cannot make the scan quadratic.
const VALUE = String.raw`("[^"\n]{1,128}"|'[^'\n]{1,128}'|[^\s"'/*-][^\s"']{0,127})`;
const SP = String.raw`[ \t]+`;

const PATTERNS: Array<{re: RegExp; kind: SecretKind; priority: number}> = [
  {re: new RegExp(String.raw`\bnet${SP}user${SP}(?:"[^"\n]+"|[^\s/"]+)${SP}${VALUE}`, "gi"), kind: "password", priority: PRIORITY.password},
  {re: new RegExp(String.raw`\bnet${SP}use${SP}(?:[A-Z]:${SP})?\\\\\S+${SP}${VALUE}`, "gi"), kind: "password", priority: PRIORITY.password},
  {re: new RegExp(String.raw`\bnet${SP}use\b[^\n]{0,200}?/user:\S+${SP}${VALUE}`, "gi"), kind: "password", priority: PRIORITY.password},
  {
    re: new RegExp(String.raw`(?<![\w-])--?(?:[A-Za-z]*Password|password|passwd|pass|pwd)(?:=|${SP})${VALUE}`, "gi"),
    kind: "password",
    priority: PRIORITY.password,
  },
  {re: new RegExp(String.raw`\bConvertTo-SecureString\b(?:${SP}-String)?${SP}${VALUE}`, "gi"), kind: "password", priority: PRIORITY.password},
  {re: /\b(?:mysql|mysqldump|mariadb)\b[^\n]{0,200}?[ \t]-p([^\s-]\S{0,127})/g, kind: "password", priority: PRIORITY.password},
  {re: new RegExp(String.raw`\b(?:sshpass|psexec(?:64)?(?:\.exe)?)\b[^\n]{0,200}?${SP}-p${SP}${VALUE}`, "gi"), kind: "password", priority: PRIORITY.password},
  {re: /\bcurl\b[^\n]{0,200}?[ \t](?:-u|--user)[ \t]+["']?[^\s:"']+:([^\s"']{1,128})/g, kind: "password", priority: PRIORITY.password},
  {
    re: new RegExp(String.raw`(?<![\w-])--?(?:[A-Za-z]*Token|token|secret|client-secret|api-key|apikey)(?:=|${SP})${VALUE}`, "gi"),
    kind: "api_key",
    priority: PRIORITY.labelledSecret,
  },
];

function placeholderArg(raw: string): boolean {
  const v = raw.replace(/^["']|["']$/g, "");
  return v.length < 3 || isPlaceholder(v);
}

export function detectCommandLineSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const {re, kind, priority} of PATTERNS) {
    for (const c of scanGroup(text, re, kind, priority, 1, (v) => !placeholderArg(v))) {
      // Mask inside the quotes so the command keeps its shape.
      const quoted = /["']/.test(text[c.start]) && text[c.end - 1] === text[c.start] && c.end - c.start > 2;
      out.push(quoted ? {...c, start: c.start + 1, end: c.end - 1} : c);
    }
  }
  return out;
}
