import {matchAll, scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";
import {isPlaceholder, isStopword, looksLikePassword, readValue, type ValueSpan} from "../values.js";

/**
 * Passwords typed into a message after a label: "pw: …", "password is …", "temporary password for
 * jdoe is …", "passwd=…", "Key Content : …" (netsh wlan), plus common non-English labels. The label
 * stays visible; only the value is proposed for masking.
 */

const LABEL = new RegExp(
  "(passwords?|passwd|passwort|kennwort|passphrase|passcode|pass|pwd|pw" +
    "|contrase(?:ñ|n)a|mot de passe|mdp|senha|wachtwoord|has(?:ł|l)o|l(?:ö|o)senord|salasana|adgangskode|passord" +
    "|heslo|jelsz(?:ó|o)|(?:ş|s)ifre|пароль|パスワード|密码|密碼|비밀번호" +
    "|key content|wi-?fi key|wpa2? key|network (?:security )?key|pre-?shared key|psk)",
  "giu",
);

// Labels that double as ordinary words ("pass the test", "PSK mode"): their values must look like a password.
const AMBIGUOUS = new Set(["pass", "pw", "psk", "mdp"]);
// Labels that may be joined to a word in camelCase identifiers (AdminPassword, userPwd).
const CAMEL_OK = new Set(["password", "passwords", "passwd", "pwd", "passphrase", "passcode"]);
// Labels that may be followed by the value after a mere space ("pwd Tr0ub4dor&3").
const BARE_OK = new Set(["password", "passwd", "pwd", "pw", "passwort", "kennwort", "senha", "contraseña", "contrasena"]);

const DIRECT = /[ \t]*(?::=|=>|->|==?|[:：])[ \t]*/y;
const CONNECTORS =
  "is now|is still|is set to|has been (?:re)?set to|was (?:re)?set to|(?:has been |was )?changed to|(?:re)?set to" +
  "|will be|would be|should be|is|was|ist|lautet|est|es|é|è|är|jest|to|-|–|—|是|は";
// Up to eight words between label and connector: "password for the guest wifi is …".
const GAP = new RegExp(`((?:[ \\t]+[\\p{L}\\p{N}@._()\\\\-]+){0,8}?)(?:[ \\t]*(?:[:=：]|->|=>)[ \\t]+|[ \\t]+(${CONNECTORS})[ \\t]+)`, "yiu");
const BARE = /[ \t]+(?=\S)/y;
const VERB_BEFORE = /\b(?:set|reset|change|changed|update|updated|assign|assigned)\b/i;

type Mode = "direct" | "connector" | "bare";

function stickyAt(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

function labelBoundaryOk(text: string, start: number, end: number, label: string): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (after !== undefined && /[\p{L}\p{N}]/u.test(after)) return false;
  if (before === undefined || !/[\p{L}\p{N}]/u.test(before)) {
    // "PASS:" in test logs is a verdict, not a label; DB_PASS= still counts (preceded by "_").
    return !(label === "PASS" && before !== "_");
  }
  // AdminPassword, userPwd; not "1Password", which is a product.
  return CAMEL_OK.has(label.toLowerCase()) && /[A-Z]/.test(text[start]) && /[a-z]/.test(before);
}

function valueOk(text: string, value: ValueSpan, mode: Mode, label: string): boolean {
  const v = text.slice(value.start, value.end);
  if (v.length < 3 || isPlaceholder(v) || isStopword(v) || v.includes("://")) return false;
  // PWD=/home/jdoe and "password file: C:\secure\pw.txt" name a place, not a secret.
  if (/^(?:~?\/[\w.-]+(?:\/|$)|[A-Za-z]:\\)/.test(v)) return false;
  if (mode === "bare") return v.length >= 6 && looksLikePassword(v) && !/^[/~\\.-]/.test(v) && !/[<>]|="/.test(v);
  // Quoted phrases after prose or an ambiguous label are usually code or a quotation, not a password.
  if (mode === "connector" || AMBIGUOUS.has(label.toLowerCase())) return looksLikePassword(v) && !(value.quoted && /\s/.test(v));
  // After an explicit ":" or "=", a lone value is enough unless the sentence carries on in prose
  // ("Password: must be 12 characters").
  const prose = !value.quoted && /^[ \t]+\p{Ll}/u.test(text.slice(value.end, value.end + 3));
  return !prose || looksLikePassword(v);
}

function detectLabelled(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of matchAll(LABEL, text)) {
    const label = m[1];
    const labelEnd = m.index + m[0].length;
    if (!labelBoundaryOk(text, m.index, labelEnd, label)) continue;
    // Closing quote or bracket of a key: "password": …, ['password'] = …
    let pos = labelEnd;
    while (pos < labelEnd + 2 && /["'\]]/.test(text[pos] ?? "")) pos++;
    const quotedKey = pos > labelEnd;

    let mode: Mode | null = null;
    const direct = stickyAt(DIRECT, text, pos);
    if (direct) {
      mode = "direct";
      pos += direct[0].length;
    } else if (!quotedKey) {
      // A quoted key is code or config ({name: 'Password'}); only "key: value" counts there.
      const gap = stickyAt(GAP, text, pos);
      if (gap) {
        const connector = gap[2]?.toLowerCase();
        // A bare "to" only introduces a value after a verb: "reset the password to …".
        const context = text.slice(Math.max(0, m.index - 40), m.index) + gap[1];
        if (connector === "to" && !VERB_BEFORE.test(context)) continue;
        // "pass" is mostly a verb ("pass the props type directly: …"); only "pass is …" / "pass: …".
        if (label.toLowerCase() === "pass" && gap[1].trim() !== "") continue;
        mode = "connector";
        pos += gap[0].length;
      } else {
        const bare = BARE_OK.has(label.toLowerCase()) ? stickyAt(BARE, text, pos) : null;
        if (bare) {
          mode = "bare";
          pos += bare[0].length;
        }
      }
    }
    if (!mode) continue;
    const value = readValue(text, pos);
    if (!value || !valueOk(text, value, mode, label)) continue;
    out.push({kind: "password", start: value.start, end: value.end, priority: PRIORITY.password});
  }
  return out;
}

// unattend.xml and similar: <AdministratorPassword><Value>…</Value>, <password>…</password>
const XML_VALUE = /<([\w:]*(?:Password|password|Passwd|Pwd))\b[^>\n]{0,80}>\s*(?:<Value>)?([^<\s][^<\n]{0,200}?)\s*<\//g;
// "PIN: 4821", "pin is 482193"
const PIN = /(?<![\p{L}\p{N}])pin(?:[ _-]?code)?(?:[ \t]*[:=][ \t]*|[ \t]+is[ \t]+)(\d{4,8})(?!\d)/giu;

// "credentials for the NAS are admin / Adm1n!2024", "login: svc_scan:Sc4nner#01", "u/p: jdoe/Xk29!"
const CREDENTIAL_PAIR =
  /(?:\b(?:creds?|credentials|login|logon|log-in|sign-in)\b|(?<![\w/])(?:u\/p|user(?:name)?\/pass(?:word)?)(?![\w/]))[^\n:=]{0,40}?(?:[ \t]*[:=]|[ \t]+(?:are|is)|[ \t])[ \t]*(?:[\w.-]+\\)?[\w.@$-]{1,64}(?:[ \t]*\/[ \t]*|:)(?=[^\s/])/gi;

function detectCredentialPairs(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of matchAll(CREDENTIAL_PAIR, text)) {
    const value = readValue(text, m.index + m[0].length);
    if (!value || !looksLikePassword(text.slice(value.start, value.end))) continue;
    out.push({kind: "password", start: value.start, end: value.end, priority: PRIORITY.password});
  }
  return out;
}

export function detectPasswords(text: string): Candidate[] {
  return [
    ...detectLabelled(text),
    ...detectCredentialPairs(text),
    ...scanGroup(text, XML_VALUE, "password", PRIORITY.password, 2, (v) => !isPlaceholder(v) && !isStopword(v)),
    ...scanGroup(text, PIN, "password", PRIORITY.password, 1),
  ];
}
