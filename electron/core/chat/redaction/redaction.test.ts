import {describe, expect, it} from "vitest";
import {fake, luhnComplete, NEGATIVES, POSITIVES, type PositiveCase} from "../../../../test/fixtures/redaction-corpus.js";
import {detectCards, isCardNumber} from "./detectors/cards.js";
import {detectHighEntropy, looksRandom} from "./detectors/highEntropy.js";
import {detectPasswords} from "./detectors/passwords.js";
import {detectPhones} from "./detectors/phones.js";
import {classTransitionRatio, shannonEntropy} from "./entropy.js";
import {luhnValid, redact, type RedactOptions} from "./index.js";
import {previewOf} from "./preview.js";
import {resolveOverlaps} from "./resolve.js";
import type {Candidate} from "./types.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64 = ALNUM + "+/";
const HEX = "0123456789abcdef";
const ALL_ON: Partial<RedactOptions> = {emails: true, phones: true};
const ARMOUR = "-----";

/** The output with the secret gone, and a finding of the expected kind covering it. */
function caught(c: PositiveCase): boolean {
  const r = redact(c.text, ALL_ON);
  const at = c.text.indexOf(c.secret);
  return at >= 0 && !r.text.includes(c.secret) && r.findings.some((f) => f.kind === c.kind && f.start <= at && f.end >= at + c.secret.length);
}

function masked(text: string, options: Partial<RedactOptions> = {}): string {
  return redact(text, options).text;
}

describe("corpus", () => {
  it("has at least 80 positive and 80 negative cases", () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(80);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(80);
    for (const c of POSITIVES) expect(c.text, c.text).toContain(c.secret);
  });

  it("reaches recall >= 0.98 and a false-positive rate <= 0.02", () => {
    const missed = POSITIVES.filter((c) => !caught(c));
    const recall = 1 - missed.length / POSITIVES.length;
    const flaggedDefault = NEGATIVES.filter((t) => redact(t).findings.length > 0);
    const flaggedAllOn = NEGATIVES.filter((t) => redact(t, ALL_ON).findings.length > 0);
    const fpr = flaggedAllOn.length / NEGATIVES.length;
    console.info(
      `redaction corpus: recall ${recall.toFixed(4)} (${POSITIVES.length - missed.length}/${POSITIVES.length}), ` +
        `false positives ${flaggedDefault.length}/${NEGATIVES.length} with defaults, ${flaggedAllOn.length}/${NEGATIVES.length} with emails+phones on`,
    );
    expect(recall, `missed:\n${missed.map((c) => `${c.kind}: ${c.text}`).join("\n")}`).toBeGreaterThanOrEqual(0.98);
    expect(fpr, `flagged:\n${flaggedAllOn.join("\n")}`).toBeLessThanOrEqual(0.02);
    expect(flaggedDefault.length).toBeLessThanOrEqual(flaggedAllOn.length);
  });
});

describe("redact", () => {
  it("returns the text untouched when disabled", () => {
    const text = "password: Xk29!mQpz and card 4111 1111 1111 1111";
    expect(redact(text, {enabled: false})).toEqual({text, findings: []});
  });

  it("masks with typed placeholders and reports offsets into the input", () => {
    const text = "pw: Tr4vel!ng22 then card 5555-5555-5555-4444.";
    const r = redact(text);
    expect(r.text).toBe("pw: [REDACTED:password] then card [REDACTED:card].");
    expect(r.findings.map((f) => [f.kind, text.slice(f.start, f.end), f.replacement])).toEqual([
      ["password", "Tr4vel!ng22", "[REDACTED:password]"],
      ["card", "5555-5555-5555-4444", "[REDACTED:card]"],
    ]);
  });

  it("leaves emails and phone numbers alone unless asked", () => {
    const text = "Mail jane.doe@contoso.com or call +44 20 7946 0958";
    expect(masked(text)).toBe(text);
    expect(masked(text, {emails: true})).toBe("Mail [REDACTED:email] or call +44 20 7946 0958");
    expect(masked(text, {phones: true})).toBe("Mail jane.doe@contoso.com or call [REDACTED:phone]");
    expect(masked(text, ALL_ON)).toBe("Mail [REDACTED:email] or call [REDACTED:phone]");
  });

  it("handles empty text and text without secrets", () => {
    expect(redact("")).toEqual({text: "", findings: []});
    expect(redact("ipconfig /flushdns")).toEqual({text: "ipconfig /flushdns", findings: []});
  });

  it("stays fast on a megabyte of log lines", () => {
    const line = "2024-03-15 10:22:31,456 INFO [pool-3] Worker - user jdoe@contoso.com synced 42 items from 10.20.30.40 (0x80070005)\n";
    const big = line.repeat(Math.ceil(1_000_000 / line.length)) + "password: Xk29!mQpz\n";
    const t0 = performance.now();
    const r = redact(big, ALL_ON);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.findings.filter((f) => f.kind === "password")).toHaveLength(1);
  });
});

describe("repeats", () => {
  it("masks every whole appearance of a value once it is known to be secret", () => {
    expect(masked("typed Adm!n2024 at the prompt... password was Adm!n2024")).toBe(
      "typed [REDACTED:password] at the prompt... password was [REDACTED:password]",
    );
    expect(masked("password: Welcome1x, ticket Welcome1x2 unrelated")).toBe("password: [REDACTED:password], ticket Welcome1x2 unrelated");
    expect(masked("PIN: 482913 and ticket 482913")).toBe("PIN: [REDACTED:password] and ticket 482913");
  });
});

describe("passwords", () => {
  it.each([
    ["pw: hunter22", "pw: [REDACTED:password]"],
    ["password is Summer2024!", "password is [REDACTED:password]"],
    ["passwd=Tr0ub4dor&3", "passwd=[REDACTED:password]"],
    ["pwd Xk29!mQpz", "pwd [REDACTED:password]"],
    ["my password: blueberry", "my password: [REDACTED:password]"],
    ["temporary password for jdoe is Welc0me#1.", "temporary password for jdoe is [REDACTED:password]."],
    ["pass: Fjord7Harbor", "pass: [REDACTED:password]"],
    ['"password": "two words"', '"password": "[REDACTED:password]"'],
    ["Server=sql01;User Id=sa;Password=Qu1et;Encrypt=true", "Server=sql01;User Id=sa;Password=[REDACTED:password];Encrypt=true"],
    ["I reset the password to Spring#Rain88", "I reset the password to [REDACTED:password]"],
    ["Mein Passwort ist Sonnenblume#7", "Mein Passwort ist [REDACTED:password]"],
    ["mot de passe : Baguette2024!", "mot de passe : [REDACTED:password]"],
    ["пароль: Medved2024", "пароль: [REDACTED:password]"],
    ["Key Content            : BlueSky2023home", "Key Content            : [REDACTED:password]"],
    ["<AdminPassword><Value>Unatt3nd!</Value></AdminPassword>", "<AdminPassword><Value>[REDACTED:password]</Value></AdminPassword>"],
    ["PIN: 482913", "PIN: [REDACTED:password]"],
    ["credentials are admin / Adm1n!2024", "credentials are admin / [REDACTED:password]"],
    ["the passcode for the door is 4471#", "the passcode for the door is [REDACTED:password]"],
    ["u/p: jdoe/Xk29!mQpz", "u/p: jdoe/[REDACTED:password]"],
  ])("masks only the value in %j", (input, expected) => {
    expect(masked(input)).toBe(expected);
  });

  it.each([
    "her password is expired",
    "The password is incorrect",
    "Password last set            3/1/2024 9:14:07 AM",
    "Password required            Yes",
    "Password: ********",
    "password: <your password here>",
    "$password = Read-Host -AsSecureString",
    "cd /var/log && pwd && ls",
    "printenv shows PWD=/home/jdoe",
    "PASS: connectivity test 3 of 3",
    "Bypass proxy for *.contoso.com",
    "Password: Must be at least 12 characters",
    "Pass the credential explicitly: `Invoke-Command -Credential $cred`",
    "We use 1Password for the team vault",
  ])("does not fire on %j", (text) => {
    expect(detectPasswords(text)).toEqual([]);
  });

  it("finds passwords in commands", () => {
    expect(masked("net user jdoe NewP4ss! /domain")).toBe("net user jdoe [REDACTED:password] /domain");
    expect(masked('ConvertTo-SecureString "Pl41n!" -AsPlainText -Force')).toBe('ConvertTo-SecureString "[REDACTED:password]" -AsPlainText -Force');
    expect(masked("mysql -u root -pDolph1n db")).toBe("mysql -u root -p[REDACTED:password] db");
    expect(masked("net user jdoe /domain")).toBe("net user jdoe /domain");
    expect(masked("net user jdoe * /add")).toBe("net user jdoe * /add");
  });

  it("masks the password of URL credentials and keeps user and host", () => {
    expect(masked("https://svc:Sup3r!@files.contoso.com/x")).toBe("https://svc:[REDACTED:password]@files.contoso.com/x");
    expect(masked("https://user:password@host.example")).toBe("https://user:password@host.example");
  });
});

describe("API keys and tokens", () => {
  const keys: Array<[string, string]> = [
    ["AWS access key id", "AKIA" + fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)],
    ["AWS temporary id", "ASIA" + fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)],
    ["GitHub classic", "ghp_" + fake(ALNUM, 36)],
    ["GitHub OAuth", "gho_" + fake(ALNUM, 36)],
    ["GitHub user-to-server", "ghu_" + fake(ALNUM, 36)],
    ["GitHub server-to-server", "ghs_" + fake(ALNUM, 36)],
    ["GitHub refresh", "ghr_" + fake(ALNUM, 36)],
    ["GitHub fine-grained", `github_pat_${fake(ALNUM, 22)}_${fake(ALNUM, 59)}`],
    ["GitLab", "glpat-" + fake(ALNUM, 20)],
    ["Slack", `xoxb-${fake("0123456789", 12)}-${fake(ALNUM, 24)}`],
    ["Stripe live", "sk_live_" + fake(ALNUM, 24)],
    ["Stripe restricted", "rk_live_" + fake(ALNUM, 24)],
    ["Stripe test", "sk_test_" + fake(ALNUM, 24)],
    ["OpenAI", "sk-" + fake(ALNUM, 48)],
    ["OpenAI project", "sk-proj-" + fake(ALNUM + "-_", 64)],
    ["Google", "AIza" + fake(ALNUM + "-_", 35)],
    ["npm", "npm_" + fake(ALNUM, 36)],
    ["Twilio SID", "AC" + fake(HEX, 32)],
    ["SendGrid", `SG.${fake(ALNUM, 22)}.${fake(ALNUM, 43)}`],
  ];
  it.each(keys)("masks a %s token anywhere", (_name, key) => {
    const r = redact(`see ${key} here`);
    expect(r.text).toBe("see [REDACTED:api_key] here");
  });

  it("masks an AWS secret key next to its id and under its label", () => {
    const id = "AKIA" + fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    const secret = fake(B64, 40);
    expect(masked(`${id} ${secret}`)).toBe("[REDACTED:api_key] [REDACTED:api_key]");
    expect(masked(`aws_secret_access_key = ${secret}`)).toBe("aws_secret_access_key = [REDACTED:api_key]");
  });

  it("masks Azure connection string keys and SAS signatures, keeping the rest", () => {
    const key = fake(B64, 86) + "==";
    expect(masked(`AccountName=st01;AccountKey=${key};EndpointSuffix=core.windows.net`)).toBe(
      "AccountName=st01;AccountKey=[REDACTED:api_key];EndpointSuffix=core.windows.net",
    );
    const sig = fake(ALNUM, 40) + "%3D";
    expect(masked(`https://st01.blob.core.windows.net/c/f.zip?sv=2022-11-02&sp=r&sig=${sig}`)).toBe(
      "https://st01.blob.core.windows.net/c/f.zip?sv=2022-11-02&sp=r&sig=[REDACTED:api_key]",
    );
  });

  it("masks Bearer and Basic authorization values", () => {
    expect(masked(`Authorization: Bearer ${fake(ALNUM, 40)}`)).toBe("Authorization: Bearer [REDACTED:api_key]");
    const basic = Buffer.from("jdoe:Basic4uth!").toString("base64");
    expect(masked(`Authorization: Basic ${basic}`)).toBe("Authorization: Basic [REDACTED:password]");
    expect(masked("Bearer token missing in request")).toBe("Bearer token missing in request");
  });

  it("masks labelled values, including hex and UUIDs that are otherwise left alone", () => {
    expect(masked(`api_key=${fake(HEX, 32)}`)).toBe("api_key=[REDACTED:api_key]");
    expect(masked(`Ocp-Apim-Subscription-Key: ${fake(HEX, 32)}`)).toBe("Ocp-Apim-Subscription-Key: [REDACTED:api_key]");
    expect(masked("session token: 0f8fad5b-d9cb-469f-a165-70867728950e")).toBe("session token: [REDACTED:api_key]");
    expect(masked("Token: expired, please sign in again")).toBe("Token: expired, please sign in again");
    expect(masked("api_key = os.environ['VENDOR_API_KEY']")).toBe("api_key = os.environ['VENDOR_API_KEY']");
  });

  it("masks JWTs whole", () => {
    const seg = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const token = `${seg({alg: "HS256"})}.${seg({sub: "jdoe", exp: 1735689600})}.${fake(ALNUM + "-_", 43)}`;
    const r = redact(`id_token=${token}`);
    expect(r.text).toBe("id_token=[REDACTED:jwt]");
    expect(r.findings).toHaveLength(1);
  });
});

describe("private keys", () => {
  const body = Array.from({length: 4}, () => fake(B64, 64)).join("\n");

  it("masks a whole PEM block, armour included", () => {
    const text = `key:\n${ARMOUR}BEGIN RSA PRIVATE KEY${ARMOUR}\n${body}\n${ARMOUR}END RSA PRIVATE KEY${ARMOUR}\nthanks`;
    const r = redact(text);
    expect(r.text).toBe("key:\n[REDACTED:private_key]\nthanks");
    expect(r.findings[0].preview).toBe(`${ARMOUR}BEGIN RSA PRIVATE KEY${ARMOUR}`);
  });

  it("masks OpenSSH keys and pastes cut off before the END line", () => {
    expect(masked(`${ARMOUR}BEGIN OPENSSH PRIVATE KEY${ARMOUR}\n${body}\n${ARMOUR}END OPENSSH PRIVATE KEY${ARMOUR}`)).toBe("[REDACTED:private_key]");
    expect(masked(`${ARMOUR}BEGIN PRIVATE KEY${ARMOUR}\n${body}\n\nimport fails`)).toBe("[REDACTED:private_key]\n\nimport fails");
  });

  it("masks the private lines of a PuTTY key", () => {
    const ppk = `PuTTY-User-Key-File-3: ssh-rsa\nPrivate-Lines: 2\n${fake(B64, 64)}\n${fake(B64, 40)}\nPrivate-MAC: ${fake(HEX, 64)}`;
    expect(masked(ppk)).toBe("PuTTY-User-Key-File-3: ssh-rsa\n[REDACTED:private_key]");
  });

  it("leaves certificates and public keys alone", () => {
    expect(redact(`${ARMOUR}BEGIN CERTIFICATE${ARMOUR}\n${body}\n${ARMOUR}END CERTIFICATE${ARMOUR}`).findings).toEqual([]);
    expect(redact(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA${fake(B64, 43)} jdoe@laptop`).findings).toEqual([]);
  });
});

describe("cards and Luhn", () => {
  it("computes Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("")).toBe(false);
    expect(luhnValid("4111-1111")).toBe(false);
  });

  it("accepts network test numbers and rejects wrong prefix or length", () => {
    expect(isCardNumber("4111111111111111")).toBe(true);
    expect(isCardNumber("378282246310005")).toBe(true);
    expect(isCardNumber("5555555555554444")).toBe(true);
    expect(isCardNumber("0000000000000000")).toBe(false);
    expect(isCardNumber(luhnComplete("89", 19))).toBe(false); // SIM ICCID
    expect(isCardNumber(luhnComplete("35", 15))).toBe(false); // IMEI-shaped
  });

  it("masks grouped numbers and ignores Luhn failures", () => {
    expect(masked("card 4111 1111 1111 1111 exp 12/27")).toBe("card [REDACTED:card] exp 12/27");
    expect(masked("amex 3782 822463 10005")).toBe("amex [REDACTED:card]");
    expect(masked("order 4111111111111112 shipped")).toBe("order 4111111111111112 shipped");
    const ticket = luhnComplete("4000", 16); // passes Luhn, but is introduced as a ticket number
    expect(masked(`ticket ${ticket}`)).toBe(`ticket ${ticket}`);
  });

  it("finds the card inside a longer run of digit groups", () => {
    const r = detectCards("paid 4111 1111 1111 1111 2024");
    expect(r).toHaveLength(1);
    expect("paid 4111 1111 1111 1111 2024".slice(r[0].start, r[0].end)).toBe("4111 1111 1111 1111");
  });

  it("masks BitLocker recovery keys", () => {
    expect(masked("Recovery key 123456-654321-112233-445566-778899-998877-665544-332211")).toBe("Recovery key [REDACTED:recovery_key]");
  });
});

describe("generic high-entropy detector", () => {
  it("measures entropy and class changes", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBeCloseTo(2);
    expect(classTransitionRatio("aA1aA1")).toBe(1);
    expect(classTransitionRatio("abcdef")).toBe(0);
  });

  it("flags random mixed-class strings (at the cost of missing a few that read like words)", () => {
    const tokens = Array.from({length: 500}, () => fake(ALNUM, 32));
    expect(tokens.filter(looksRandom).length / tokens.length).toBeGreaterThanOrEqual(0.95);
    expect(masked(`use this to connect: ${fake(ALNUM, 32)}`)).toBe("use this to connect: [REDACTED:secret]");
  });

  it.each([
    ["a GUID", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"],
    ["a SHA-256 file hash", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    ["an upper-case SHA-256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"],
    ["an error code", "0x80070005"],
    ["a MAC address", "3C:52:82:4A:9F:1E"],
    ["a SID", "S-1-5-21-3623811015-3361044348-30300820-1013"],
    ["a WMI class", "Win32_OperatingSystem"],
    ["a package family name", "Microsoft.WindowsTerminal_1.19.10573.0_x64__8wekyb3d8bbwe"],
    ["a header name", "X-Amz-Content-Sha256"],
    ["an encoded command", Buffer.from("Get-Service | Where-Object Status -eq 'Stopped'", "utf16le").toString("base64")],
    ["an SRI digest", `sha512-${fake(B64, 86)}==`],
    ["an SSID", "CorpWiFi5GHz_Guest2024"],
    ["a product SKU", "iPhone15ProMax_256GB_Blue"],
    ["an ISO name", "Win11_23H2_English_x64v2"],
    ["an installer name", "AdobeAcrobatDC2024_001_20604"],
    ["a camelCase identifier", "IntuneManagementExtension2"],
    ["a URL query", `https://contoso.sharepoint.com/x?id=${fake(ALNUM, 40)}`],
  ])("leaves %s alone", (_name, text) => {
    expect(detectHighEntropy(`value ${text} here`)).toEqual([]);
  });

  it("leaves a base64 digest alone when it is named as one", () => {
    expect(detectHighEntropy(`SHA256 (base64): ${fake(B64, 43)}=`)).toEqual([]);
  });

  it("reports a base64-encoded user:password pair as a password", () => {
    const token = Buffer.from("svc_backup:Sup3rS3cret!").toString("base64");
    expect(redact(`header value ${token}`).findings.map((f) => f.kind)).toEqual(["password"]);
  });
});

describe("emails and phones", () => {
  it("finds emails but not file names or Message-IDs", () => {
    expect(masked("From: John <john.doe@fabrikam.com>", {emails: true})).toBe("From: John <[REDACTED:email]>");
    expect(masked("icon@2x.png", {emails: true})).toBe("icon@2x.png");
    expect(masked("<CY4PR04MB1234ABCD5678EF@CY4PR04MB1234.namprd04.prod.outlook.com>", {emails: true})).toContain("CY4PR04MB1234ABCD5678EF");
  });

  it.each(["+1 (555) 010-4477", "555-010-2231", "(555) 010.9921", "+44 20 7946 0958", "+49 151 23456789", "06 12 34 56 78", "020 7946 0958"])(
    "finds the phone number %j",
    (phone) => {
      expect(masked(`call ${phone} today`, {phones: true})).toBe("call [REDACTED:phone] today");
    },
  );

  it.each([
    "2024-03-15",
    "03/15/2024",
    "15.03.2024",
    "14:32:05",
    "10.0.19045.3803",
    "192.168.100.200",
    "0x80070005",
    "error 809",
    "00-15-55-01-02-03",
    "KB5034441",
    "-2147024891",
    "1710498151",
    "2024-03-15T10:22:31.456Z",
  ])("does not take %j for a phone number", (text) => {
    expect(detectPhones(`at ${text} we saw it`)).toEqual([]);
  });
});

describe("overlaps", () => {
  it("merges overlapping credential spans into one mask of the most specific kind", () => {
    const c = (kind: Candidate["kind"], start: number, end: number, priority: number): Candidate => ({kind, start, end, priority});
    expect(resolveOverlaps([c("secret", 0, 10, 40), c("api_key", 2, 12, 80), c("password", 20, 25, 60)])).toEqual([
      c("api_key", 0, 12, 80),
      c("password", 20, 25, 60),
    ]);
  });

  it("drops personal data that touches a credential", () => {
    const c = (kind: Candidate["kind"], start: number, end: number, priority: number): Candidate => ({kind, start, end, priority});
    expect(resolveOverlaps([c("email", 5, 20, 20), c("password", 0, 9, 60)])).toEqual([c("password", 0, 9, 60)]);
  });

  it("reports a JWT bearer token once, as a JWT", () => {
    const seg = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const token = `${seg({alg: "RS256", typ: "JWT"})}.${seg({upn: "jdoe@contoso.com"})}.${fake(ALNUM, 43)}`;
    const r = redact(`Authorization: Bearer ${token}`, ALL_ON);
    expect(r.text).toBe("Authorization: Bearer [REDACTED:jwt]");
    expect(r.findings).toHaveLength(1);
  });

  it("lets a provider format win over the password label that introduced it", () => {
    const key = "ghp_" + fake(ALNUM, 36);
    const r = redact(`password: ${key}!`);
    expect(r.text).toBe("password: [REDACTED:api_key]");
    expect(r.findings).toHaveLength(1);
  });

  it("keeps URL credentials a password even with emails on", () => {
    const r = redact("ftp://ftpuser:Ftp2024x@ftp.contoso.com/in", ALL_ON);
    expect(r.text).toBe("ftp://ftpuser:[REDACTED:password]@ftp.contoso.com/in");
    expect(r.findings.map((f) => f.kind)).toEqual(["password"]);
  });

  it("never masks a character twice", () => {
    for (const c of POSITIVES) {
      const findings = redact(c.text, ALL_ON).findings;
      for (let i = 1; i < findings.length; i++) expect(findings[i].start).toBeGreaterThanOrEqual(findings[i - 1].end);
    }
  });
});

describe("preview", () => {
  it("shows at most two characters at each end and never the whole secret", () => {
    expect(previewOf("api_key", "ghp_abcdefghijklmnop")).toBe("gh…op");
    expect(previewOf("password", "hunter2")).toBe("h…2");
    expect(previewOf("password", "abc1")).toBe("…");
    for (const c of POSITIVES) {
      for (const f of redact(c.text, ALL_ON).findings) {
        const secret = c.text.slice(f.start, f.end);
        expect(f.preview).not.toContain(secret);
      }
    }
  });
});
