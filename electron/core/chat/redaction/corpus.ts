import type {SecretKind} from "./types.js";

/**
 * Labelled examples for measuring the redactor. Every secret here is fabricated: key-shaped values
 * are assembled at runtime from a seeded generator so no literal in this file looks like a live
 * credential to a secret scanner, and card numbers are the networks' published test numbers or
 * Luhn-completed from a fixed prefix.
 */

export interface PositiveCase {
  text: string;
  kind: SecretKind;
  /** The exact substring that must not survive redaction. */
  secret: string;
}

// Deterministic generator (mulberry32) so the corpus is the same on every run.
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const B64 = ALNUM + "+/";
const B64URL = ALNUM + "-_";
const HEX = "0123456789abcdef";

let seed = 1;
/** `n` pseudo-random characters from `alphabet`, always containing upper, lower and digit where the alphabet has them. */
export function fake(alphabet: string, n: number): string {
  const next = generator(seed++ * 7919);
  for (;;) {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
    const needs = [UPPER, LOWER, DIGITS].filter((set) => [...alphabet].some((c) => set.includes(c)));
    if (n < 8 || needs.every((set) => [...s].some((c) => set.includes(c)))) return s;
  }
}

/** Completes `prefix` to `length` digits with a valid Luhn check digit. */
export function luhnComplete(prefix: string, length: number): string {
  const next = generator(seed++ * 104729);
  let body = prefix;
  while (body.length < length - 1) body += String(Math.floor(next() * 10));
  for (let d = 0; d <= 9; d++) {
    const candidate = body + d;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let v = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error("unreachable");
}

const b64url = (s: string) => Buffer.from(s).toString("base64url");
const jwt = (claims: object) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.${fake(B64URL, 43)}`;
const pemBody = (lines: number) => Array.from({length: lines}, () => fake(B64, 64)).join("\n");
const ARMOUR = "-----";

function gen(kind: SecretKind, secret: string, text: (secret: string) => string): PositiveCase {
  return {text: text(secret), kind, secret};
}

// Fixed fabricated values reused by several cases below.
const awsId = "AKIA" + fake(UPPER + DIGITS, 16);
const awsTempId = "ASIA" + fake(UPPER + DIGITS, 16);
const awsSecret = fake(B64, 40);
const rsaBody = pemBody(6);
const opensshBody = pemBody(5);
const ecBody = pemBody(3);
const pkcs8Body = pemBody(4);

export const POSITIVES: PositiveCase[] = [
  // ---- passwords, labelled in prose, config and other languages
  {text: "User can log in now, pw: Tr4vel!ng22", kind: "password", secret: "Tr4vel!ng22"},
  {text: "Reset done. Her password is Summer2024! — ask her to change it at next logon.", kind: "password", secret: "Summer2024!"},
  {text: "temporary password for jdoe is Welc0me#2291.", kind: "password", secret: "Welc0me#2291"},
  {text: "passwd=Gr33nTea$Leaf", kind: "password", secret: "Gr33nTea$Leaf"},
  {text: "pwd Xk29!mQpz", kind: "password", secret: "Xk29!mQpz"},
  {text: "my password: blueberry-muffin-77", kind: "password", secret: "blueberry-muffin-77"},
  {text: "pass: Fjord7Harbor", kind: "password", secret: "Fjord7Harbor"},
  {text: "Password: hunter2", kind: "password", secret: "hunter2"},
  {text: "PASSWORD=Zq8#vL2m!", kind: "password", secret: "Zq8#vL2m!"},
  {text: 'config.json has "password": "Orb1tal-Cactus" in plain text', kind: "password", secret: "Orb1tal-Cactus"},
  {text: "db:\n  user: svc_app\n  password: Lantern!42bay", kind: "password", secret: "Lantern!42bay"},
  {text: "Server=sql01;Database=HR;User Id=sa;Password=Qu1etRiver77;", kind: "password", secret: "Qu1etRiver77"},
  {text: "The wifi password for the guest network is Coffee4Everyone", kind: "password", secret: "Coffee4Everyone"},
  {text: "I reset the password to Spring#Rain88 and unlocked the account", kind: "password", secret: "Spring#Rain88"},
  {text: "local admin password has been reset to Adm1n-Rotat3d", kind: "password", secret: "Adm1n-Rotat3d"},
  {text: "Key Content            : BlueSky2023home", kind: "password", secret: "BlueSky2023home"},
  {text: "DB_PASS=m4pleSyrup!", kind: "password", secret: "m4pleSyrup!"},
  {text: "<AdministratorPassword><Value>Unatt3nd!Pw</Value><PlainText>true</PlainText></AdministratorPassword>", kind: "password", secret: "Unatt3nd!Pw"},
  {text: "Mein Passwort ist Sonnenblume#7", kind: "password", secret: "Sonnenblume#7"},
  {text: "mot de passe : Baguette2024!", kind: "password", secret: "Baguette2024!"},
  {text: "la contraseña es Girasol_2023", kind: "password", secret: "Girasol_2023"},
  {text: "senha: Cavaquinho9!", kind: "password", secret: "Cavaquinho9!"},
  {text: "пароль: Medved2024", kind: "password", secret: "Medved2024"},
  {text: "new pw for VPN -> Kite$urf91", kind: "password", secret: "Kite$urf91"},
  {text: "PIN: 482913", kind: "password", secret: "482913"},
  {text: 'set it to password: "correct horse battery staple" for now', kind: "password", secret: "correct horse battery staple"},
  {text: "kubectl create secret generic db --from-literal=password=Kub3Secr3t!", kind: "password", secret: "Kub3Secr3t!"},
  {text: "wifi key: Bluebird2020", kind: "password", secret: "Bluebird2020"},
  {text: "passphrase is 'purple-monkey-dishwasher-42'", kind: "password", secret: "purple-monkey-dishwasher-42"},
  {text: "hasło: Zubr2024!", kind: "password", secret: "Zubr2024!"},
  {text: "user jdoe pw Fjord7Harbor, please check", kind: "password", secret: "Fjord7Harbor"},
  {text: "credentials for the NAS are admin / Adm1n!2024", kind: "password", secret: "Adm1n!2024"},
  {text: "login: svc_scan:Sc4nner#01", kind: "password", secret: "Sc4nner#01"},
  {text: "the wifi pass is Summer2024", kind: "password", secret: "Summer2024"},
  {text: "Passwort: Frühling2024!", kind: "password", secret: "Frühling2024!"},
  {text: "root pw was changed to R00tAcc3ss", kind: "password", secret: "R00tAcc3ss"},
  {text: "Use password P@ssw0rd!1 for the kiosk", kind: "password", secret: "P@ssw0rd!1"},
  {text: "Zoom meeting ID 812 3456 7890, passcode: 4821937", kind: "password", secret: "4821937"},
  {text: "TeamViewer password: h7x9k2", kind: "password", secret: "h7x9k2"},
  {text: "The new password for user jdoe is: Mar2024-xK9", kind: "password", secret: "Mar2024-xK9"},
  {text: "mongodb+srv://admin:M0ng0Pass@cluster0.abcd1.mongodb.net/test", kind: "password", secret: "M0ng0Pass"},
  // ---- passwords on command lines and in URLs
  {text: "net user jdoe NewP4ss!word /domain", kind: "password", secret: "NewP4ss!word"},
  {text: "net use Z: \\\\fs01\\finance Ledger#2024 /user:CORP\\jdoe", kind: "password", secret: "Ledger#2024"},
  {text: '$cred = ConvertTo-SecureString "Pl41nText!" -AsPlainText -Force', kind: "password", secret: "Pl41nText!"},
  {text: "mysql -u root -pDolph1nDive app_db < dump.sql", kind: "password", secret: "Dolph1nDive"},
  {text: "psexec \\\\PC-0423 -u CORP\\helpdesk -p Ps3xec!Run cmd", kind: "password", secret: "Ps3xec!Run"},
  {text: "curl -u api_user:Cur1yBraces9 https://intranet.contoso.com/api/health", kind: "password", secret: "Cur1yBraces9"},
  {text: "sqlcmd script uses --password W1nterIsHere", kind: "password", secret: "W1nterIsHere"},
  {text: "Mapped with https://backup_svc:Sup3rS3cretV4ult@files.contoso.com/share", kind: "password", secret: "Sup3rS3cretV4ult"},
  {text: "DATABASE_URL=postgres://app:Pgp4ss-Xyz9@db.internal:5432/app", kind: "password", secret: "Pgp4ss-Xyz9"},
  {text: "Authorization: Basic " + Buffer.from("jdoe:Basic4uth!").toString("base64"), kind: "password", secret: Buffer.from("jdoe:Basic4uth!").toString("base64")},
  // ---- provider keys and tokens
  ...[
    `aws configure shows aws_access_key_id = ${awsId}`,
    `keys: ${awsId} / ${fake(B64, 40)}`,
  ].map((text) => ({text, kind: "api_key" as const, secret: awsId})),
  {text: `temporary creds ${awsTempId} expired`, kind: "api_key", secret: awsTempId},
  {text: `aws_secret_access_key = ${awsSecret}`, kind: "api_key", secret: awsSecret},
  {text: `secret next to the id: ${awsId} ${awsSecret}`, kind: "api_key", secret: awsSecret},
  gen("api_key", "ghp_" + fake(ALNUM, 36), (s) => `GitHub token ${s} stopped working`),
  gen("api_key", "gho_" + fake(ALNUM, 36), (s) => `oauth token: ${s}`),
  gen("api_key", "ghs_" + fake(ALNUM, 36), (s) => `GITHUB_TOKEN=${s}`),
  gen("api_key", "ghr_" + fake(ALNUM, 36), (s) => `user-to-server ghu_${fake(ALNUM, 36)} and refresh ${s}`),
  gen("api_key", `github_pat_${fake(ALNUM, 22)}_${fake(ALNUM, 59)}`, (s) => `fine-grained: ${s}`),
  gen("api_key", "glpat-" + fake(ALNUM, 20), (s) => `git remote uses ${s}`),
  gen("api_key", `xoxb-${fake(DIGITS, 12)}-${fake(DIGITS, 13)}-${fake(ALNUM, 24)}`, (s) => `Slack bot token ${s}`),
  gen("api_key", `xoxp-${fake(DIGITS, 11)}-${fake(DIGITS, 12)}-${fake(DIGITS, 13)}-${fake(HEX, 32)}`, (s) => `${s} in the script`),
  gen("api_key", "sk_live_" + fake(ALNUM, 24), (s) => `stripe key ${s} in billing.env`),
  gen("api_key", "rk_live_" + fake(ALNUM, 24), (s) => `restricted ${s}`),
  gen("api_key", "sk_test_" + fake(ALNUM, 24), (s) => `test mode: ${s}`),
  gen("api_key", "sk-" + fake(ALNUM, 48), (s) => `OPENAI_API_KEY=${s}`),
  gen("api_key", "sk-proj-" + fake(B64URL, 64), (s) => `the plugin asks for ${s}`),
  gen("api_key", "sk-ant-api03-" + fake(B64URL, 80), (s) => `ANTHROPIC_API_KEY=${s}`),
  gen("api_key", "AIza" + fake(B64URL, 35), (s) => `maps embed key ${s}`),
  gen("api_key", fake(B64, 86) + "==", (s) => `DefaultEndpointsProtocol=https;AccountName=stcorpfiles;AccountKey=${s};EndpointSuffix=core.windows.net`),
  gen("api_key", fake(B64, 43) + "=", (s) => `Endpoint=sb://corp-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${s}`),
  gen("api_key", fake(ALNUM, 40) + "%3D", (s) => `https://stcorp.blob.core.windows.net/logs/app.zip?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-01-01T00:00:00Z&sig=${s}`),
  gen("api_key", "npm_" + fake(ALNUM, 36), (s) => `//registry.npmjs.org/:_authToken=${s}`),
  gen("api_key", "AC" + fake(HEX, 32), (s) => `Twilio SID ${s} used by the SMS gateway`),
  gen("api_key", "SK" + fake(HEX, 32), (s) => `twilio api key ${s}`),
  gen("api_key", `SG.${fake(B64URL, 22)}.${fake(B64URL, 43)}`, (s) => `SENDGRID_API_KEY=${s}`),
  gen("api_key", fake(ALNUM, 40), (s) => `curl -H "Authorization: Bearer ${s}" https://api.vendor.example/v2/tickets`),
  gen("api_key", fake(HEX, 32), (s) => `api_key=${s}`),
  gen("api_key", `${fake(ALNUM, 10)}~${fake(ALNUM, 24)}`, (s) => `"client_secret": "${s}"`),
  gen("api_key", fake(ALNUM, 32), (s) => `X-Api-Key: ${s}`),
  gen("api_key", fake(B64URL, 48), (s) => `refresh_token: ${s}`),
  gen("api_key", `${fake(ALNUM, 3)}8Q~${fake(ALNUM + "_-.", 34)}`, (s) => `app registration secret ${s}`),
  gen("api_key", fake(ALNUM, 30), (s) => `Set-Secret -Name Deploy --token ${s}`),
  gen("api_key", "hf_" + fake(ALNUM, 34), (s) => `Hugging Face ${s} for the model download`),
  gen("api_key", `T${fake(UPPER + DIGITS, 8)}/B${fake(UPPER + DIGITS, 10)}/${fake(ALNUM, 24)}`, (s) => `webhook https://hooks.slack.com/services/${s}`),
  gen("api_key", fake(HEX, 32), (s) => `TWILIO_AUTH_TOKEN=${s}`),
  gen("api_key", fake(ALNUM, 43), (s) => `password reset link https://portal.contoso.com/reset?token=${s} expired`),
  // ---- JWTs
  gen("jwt", jwt({sub: "jdoe", aud: "deskside", exp: 1735689600}), (s) => `id_token=${s}`),
  gen("jwt", jwt({upn: "jdoe@contoso.com", roles: ["Helpdesk"]}), (s) => `Authorization: Bearer ${s}`),
  gen("jwt", jwt({sid: "a1", iat: 1700000000}), (s) => `cookie session looks like ${s} in the HAR file`),
  // ---- private keys
  {text: `here is the key:\n${ARMOUR}BEGIN RSA PRIVATE KEY${ARMOUR}\n${rsaBody}\n${ARMOUR}END RSA PRIVATE KEY${ARMOUR}\nthanks`, kind: "private_key", secret: rsaBody},
  {text: `${ARMOUR}BEGIN OPENSSH PRIVATE KEY${ARMOUR}\n${opensshBody}\n${ARMOUR}END OPENSSH PRIVATE KEY${ARMOUR}`, kind: "private_key", secret: opensshBody},
  {text: `${ARMOUR}BEGIN EC PRIVATE KEY${ARMOUR}\r\n${ecBody.replace(/\n/g, "\r\n")}\r\n${ARMOUR}END EC PRIVATE KEY${ARMOUR}`, kind: "private_key", secret: ecBody.split("\n")[1]},
  {text: `pasted (cut off):\n${ARMOUR}BEGIN PRIVATE KEY${ARMOUR}\n${pkcs8Body}\n\nanyway the cert import fails`, kind: "private_key", secret: pkcs8Body},
  gen("private_key", fake(B64, 64), (s) => `"private_key": "${ARMOUR}BEGIN PRIVATE KEY${ARMOUR}\\n${s}\\n${ARMOUR}END PRIVATE KEY${ARMOUR}\\n"`),
  // ---- payment cards (network test numbers and Luhn-completed fakes)
  {text: "Customer read out card 4111 1111 1111 1111 exp 12/27", kind: "card", secret: "4111 1111 1111 1111"},
  {text: "charged to 5555-5555-5555-4444 twice", kind: "card", secret: "5555-5555-5555-4444"},
  {text: "amex 3782 822463 10005 on the expense report", kind: "card", secret: "3782 822463 10005"},
  gen("card", luhnComplete("6011", 16), (s) => `card on file: ${s}`),
  gen("card", luhnComplete("3530", 16), (s) => `JCB ${s} declined`),
  gen("card", luhnComplete("4", 16).replace(/(\d{4})(?=\d)/g, "$1 "), (s) => `visa ${s} blocked by fraud team`),
  // ---- BitLocker recovery keys
  {text: "Recovery key: 123456-654321-112233-445566-778899-998877-665544-332211", kind: "recovery_key", secret: "123456-654321-112233-445566-778899-998877-665544-332211"},
  // ---- unlabelled high-entropy strings
  gen("secret", fake(ALNUM, 32), (s) => `use this to connect: ${s}`),
  gen("secret", fake(B64, 43) + "=", (s) => `the vendor sent ${s} for the integration`),
  gen("secret", fake(ALNUM + "_-", 40), (s) => `license server handshake failed with ${s}`),
  // ---- mixed, as they arrive in tickets
  {text: "Hi team, the shared mailbox password is Reception2024! until IT rotates it", kind: "password", secret: "Reception2024!"},
  {text: "PW = Tigger#1985", kind: "password", secret: "Tigger#1985"},
  {text: "Login: jsmith Password: Autumn!Leaves9", kind: "password", secret: "Autumn!Leaves9"},
  {text: "Username jsmith, pwd: Oct0ber@2024", kind: "password", secret: "Oct0ber@2024"},
  {text: "The new password I set is 'Blu3Whale$' (without quotes)", kind: "password", secret: "Blu3Whale$"},
  {text: "set-aduser jdoe; new temp pw is Temp-4821-Xq", kind: "password", secret: "Temp-4821-Xq"},
  {text: "RDP creds: CORP\\svc_rdp / Rdp!2024secure", kind: "password", secret: "Rdp!2024secure"},
  {text: "wifi name CORP-GUEST, password Welcome2Contoso", kind: "password", secret: "Welcome2Contoso"},
  {text: "sa password=Sql$erver2019", kind: "password", secret: "Sql$erver2019"},
  {text: "contraseña: Madrid#2024", kind: "password", secret: "Madrid#2024"},
  {text: "wachtwoord: Tulp2024!", kind: "password", secret: "Tulp2024!"},
  {text: "Password for the printer admin page is 12345678", kind: "password", secret: "12345678"},
  {text: "smb://scanner:Scan2Folder!@nas01/scans", kind: "password", secret: "Scan2Folder!"},
  {text: "runas /user:CORP\\admin cmd, then typed Adm!n2024 at the prompt... password was Adm!n2024", kind: "password", secret: "Adm!n2024"},
  {text: "My password: correcthorse42", kind: "password", secret: "correcthorse42"},
  {text: "Pass: Summer24", kind: "password", secret: "Summer24"},
  {text: "the passcode for the door is 4471#", kind: "password", secret: "4471#"},
  gen("api_key", fake(HEX, 32), (s) => `Our Datadog api key: ${s}`),
  gen("api_key", fake(ALNUM, 40), (s) => `"apiKey": "${s}"`),
  gen("api_key", fake(ALNUM, 54) + "==", (s) => `x-functions-key: ${s}`),
  gen("api_key", "ghp_" + fake(ALNUM, 36), (s) => `PAT is ${s} — scope repo`),
  gen("api_key", `${fake(ALNUM, 8)}~${fake(ALNUM, 30)}`, (s) => `client secret = ${s}`),
  gen("api_key", fake(HEX, 32), (s) => `Ocp-Apim-Subscription-Key: ${s}`),
  gen("api_key", "AKIA" + fake(UPPER + DIGITS, 16), (s) => `AWS_ACCESS_KEY_ID=${s}`),
  gen("jwt", `eyJ${fake(ALNUM, 30)}.eyJ${fake(ALNUM, 60)}.${fake(ALNUM, 43)}`, (s) => `access_token: ${s}`),
  {text: "Card: 4012 8888 8888 1881, CVV 123", kind: "card", secret: "4012 8888 8888 1881"},
  {text: "payment with 5105105105105100 failed", kind: "card", secret: "5105105105105100"},
  gen("private_key", fake(B64, 64), (s) => `${ARMOUR}BEGIN ENCRYPTED PRIVATE KEY${ARMOUR}\n${s}\n${ARMOUR}END ENCRYPTED PRIVATE KEY${ARMOUR}`),
  gen("secret", fake(ALNUM, 40), (s) => `The vendor portal gave me this key to paste: ${s}`),
  {text: "BitLocker: 402347-581230-112519-393283-607816-019602-547569-251757", kind: "recovery_key", secret: "402347-581230-112519-393283-607816-019602-547569-251757"},
  // ---- personal data (detected only with the toggles on)
  {text: "Please email jane.doe@contoso.com the new laptop form", kind: "email", secret: "jane.doe@contoso.com"},
  {text: "forward to it-support+urgent@fabrikam.co.uk", kind: "email", secret: "it-support+urgent@fabrikam.co.uk"},
  {text: "Call the user back on +1 (555) 010-4477 after 3pm", kind: "phone", secret: "+1 (555) 010-4477"},
  {text: "desk phone 555-010-2231", kind: "phone", secret: "555-010-2231"},
  {text: "UK office: +44 20 7946 0958", kind: "phone", secret: "+44 20 7946 0958"},
  {text: "sein Handy: +49 151 23456789", kind: "phone", secret: "+49 151 23456789"},
  {text: "mobile 06 12 34 56 78 (France)", kind: "phone", secret: "06 12 34 56 78"},
  {text: "reach me at (555) 010.9921 ext 4", kind: "phone", secret: "(555) 010.9921"},
  {text: "tel: 0612345678", kind: "phone", secret: "0612345678"},
  {text: "From: John Doe <john.doe@fabrikam.com>", kind: "email", secret: "john.doe@fabrikam.com"},
  {text: "cmdkey /list shows Target: LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:jdoe@contoso.com", kind: "email", secret: "jdoe@contoso.com"},
];

/** Realistic help-desk messages with nothing secret in them, and no email addresses or phone numbers either. */
export const NEGATIVES: string[] = [
  "Windows Update fails with 0x80070005 on 10.0.19045.3803, tried the troubleshooter already",
  "VPN error 809 when connecting from home, router is a Fritz!Box 7590",
  "User's password is expired, she can't log in to Outlook",
  "The password is incorrect message appears even after reset",
  "Password last set            3/1/2024 9:14:07 AM\nPassword expires             Never\nPassword changeable          3/2/2024 9:14:07 AM\nPassword required            Yes",
  "User may change password     Yes",
  "Please enforce the password policy: minimum 14 characters, complexity enabled",
  "Password: ******** (hidden by the app)",
  "password: <your password here>",
  "Password: see the vault entry 'svc-backup'",
  "$password = Read-Host -AsSecureString",
  "$cred = Get-Credential -UserName CORP\\jdoe",
  "Run `pwd` and send me the output",
  "cd /var/log && pwd && ls -la",
  "ipconfig /flushdns then ipconfig /registerdns",
  "Get-WinEvent -LogName System -MaxEvents 50 | Where-Object {$_.Id -eq 41}",
  "Get-ADUser jdoe -Properties PasswordLastSet,LockedOut | Select-Object Name,PasswordLastSet,LockedOut",
  "Unlock-ADAccount -Identity jdoe; Set-ADUser jdoe -ChangePasswordAtLogon $true",
  "net user jdoe /domain",
  "net use Z: \\\\fs01\\finance /persistent:yes",
  "Device ID 3f2504e0-4f89-11d3-9a0c-0305e82c3301 is not compliant in Intune",
  "BitLocker key ID {A1B2C3D4-1234-5678-9ABC-DEF012345678}, protector is TPM",
  "Correlation ID: 7c9e6679-7425-40de-944b-e07fc1f90ae7 Timestamp: 2024-03-15 10:22:31Z",
  "AADSTS50126: Error validating credentials due to invalid username or password.",
  "AADSTS700016: Application with identifier 'a1b2c3d4-0000-4000-8000-123456789abc' was not found",
  "MAC address 00-15-5D-01-02-03, IP 192.168.1.120, gateway 192.168.1.1",
  "Wi-Fi adapter MAC 3C:52:82:4A:9F:1E keeps dropping from the SSID CORP-WLAN",
  "Ping to 10.20.30.40 times out, tracert stops at 172.16.0.1",
  "IPv6 address fe80::1ff:fe23:4567:890a%12 shows but no IPv4",
  "Installed KB5034441 and now the recovery partition is full",
  "Ticket #458213 reopened by user",
  "INC0012345 escalated to network team, related CHG0045678",
  "Microsoft support case 2403150040001234 still open",
  "Order 4000123456789 for the docking station was delayed",
  "Tracking number 1Z999AA10123456784 shows delivered",
  "Asset tag LT-2023-00457, serial PF3ABC12, model ThinkPad T14 Gen 3",
  "Dell service tag 7H2K9QX, express service code 16548297245",
  "Hostname DESKTOP-7H2K9QX joined to corp.contoso.com",
  "ws-lon-0423.corp.contoso.com cannot resolve intranet.contoso.com",
  "Chrome version 122.0.6261.112 (Official Build) (64-bit)",
  "Office build 16.0.17328.20184, channel Current",
  "Teams 24033.811.2738.2546 crashes on start",
  "Driver version 31.0.101.5333 dated 2024-02-07",
  "File path C:\\Users\\jdoe\\AppData\\Local\\Microsoft\\Outlook\\jdoe@contoso.com.ost",
  "Logs are in /var/log/nginx/error.log and /home/jdoe/.config/app/settings.json",
  "Registry HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU NoAutoUpdate=1",
  "SHA256 of the installer: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "Get-FileHash setup.exe returned E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
  "Defender flagged a file with MD5 44d88612fea8a8f36de82e1278abb02f",
  "Certificate thumbprint 3B1EFD3A66EA28B16697394703A72CA340A05BD5 expires 2025-06-30",
  "git commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 broke the login script",
  "docker pull mcr.microsoft.com/windows/servercore@sha256:2f4c1d5e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f",
  'script integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" fails',
  "powershell.exe -NoProfile -EncodedCommand " + Buffer.from("Get-Service | Where-Object Status -eq 'Stopped'", "utf16le").toString("base64"),
  "Event ID 4625, Logon Type 3, Status 0xC000006D, Sub Status 0xC000006A",
  "Event 41 Kernel-Power after the BIOS update to 1.18.0",
  "Security ID: S-1-5-21-3623811015-3361044348-30300820-1013",
  "Product code {90160000-008C-0000-1000-0000000FF1CE} failed to install",
  "Meeting at 14:30 on 15.03.2024, room B-204",
  "Scheduled for 03/15/2024 10:00 AM EST, maintenance window 22:00-02:00",
  "The printer HP LaserJet M404dn at 10.1.4.22 shows error 49.4C02",
  "Error code 0x800F081F when enabling .NET Framework 3.5",
  "sfc /scannow found corrupt files, DISM /Online /Cleanup-Image /RestoreHealth fixed it",
  "gpupdate /force and gpresult /h C:\\temp\\gp.html",
  "Test-NetConnection mail.contoso.com -Port 587 returns TcpTestSucceeded : False",
  "robocopy \\\\fs01\\share D:\\backup /MIR /R:2 /W:5 /LOG:C:\\temp\\robo.log",
  "2024-03-15T10:22:31.456Z ERROR [AuthService] Token validation failed: token expired",
  "2024-03-15 10:22:31,456 WARN  [pool-3-thread-7] c.c.sync.Worker - retry 3/5 in 2000 ms",
  "Mar 15 10:22:31 srv-web01 sshd[2187]: Failed password for invalid user admin from 203.0.113.45 port 52144 ssh2",
  "Token: expired, please sign in again",
  "The access token lifetime is 3600 seconds",
  "Refresh token was revoked after the password change",
  "MFA token shows 'Approve sign-in?' but nothing happens",
  "Secret rotation is scheduled for next Friday",
  "API key field is empty in the connector settings",
  "Windows product key is OEM, activation error 0xC004F074",
  "Azure subscription 11111111-2222-3333-4444-555555555555, resource group rg-helpdesk-prod",
  "Storage account stcorpfiles, container logs, SAS expired yesterday",
  "Teams link https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQxYjE2ZGUtYzA2Zi00YjQ3LWI3ZTQtZWM4ZTc5NTFhNjJm%40thread.v2/0 doesn't open",
  "SharePoint URL https://contoso.sharepoint.com/sites/IT/Shared%20Documents/Forms/AllItems.aspx?id=%2Fsites%2FIT",
  "Safe link https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.com&data=05%7C02%7Cjdoe%40contoso.com%7Cb1c2d3e4f5a6",
  "Office 365 message trace ID <CY4PR04MB1234ABCD5678EF@CY4PR04MB1234.namprd04.prod.outlook.com>",
  "Class Win32_OperatingSystem returns Caption Microsoft Windows 11 Enterprise",
  "Package Microsoft.WindowsTerminal_1.19.10573.0_x64__8wekyb3d8bbwe fails to register",
  "Appx Microsoft.Windows.Photos_2024.11070.15005.0_x64__8wekyb3d8bbwe is stuck in staged state",
  "Set-ItemProperty -Path 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Advanced' -Name HideFileExt -Value 0",
  "Invoke-Command -ComputerName PC-0423 -ScriptBlock { Restart-Service Spooler -Force }",
  "wmic bios get serialnumber returned 5CG1234XYZ",
  "winget upgrade --id Microsoft.Teams --accept-package-agreements",
  "Customer phone extension is 4417, callback requested",
  "Bypass proxy for *.contoso.com;10.*;<local>",
  "Passed all health checks, DNS OK, DHCP lease renewed",
  "PASS: connectivity test 3 of 3",
  "Compass app needs location permission on iOS 17.3.1",
  "User says: my password doesn't work since this morning",
  "Reset the password for jdoe and set it to expire at next logon",
  "Please change your password before Friday; the old one will stop working",
  "Error 1603 during MSI install, log at %TEMP%\\MSI3f2a1.LOG",
  "The share \\\\nas01\\Scans$ is full (98%), 1.2 TB of 1.25 TB used",
  "Outlook stuck on 'Updating inbox' for the shared mailbox helpdesk@ (display only)",
  "Ran chkdsk C: /f /r, 0 KB in bad sectors",
  "CPU 100% from MsMpEng.exe, Defender platform 4.18.24020.7",
  "Intune sync code 0x87D1FDE8, policy ID 5e8f2c1a-9b3d-4e7f-a6c2-1d0b9e8f7a65",
  "Kerberos error KRB_AP_ERR_MODIFIED on SPN HTTP/intranet.contoso.com",
  "BIOS password prompt appears on boot after the firmware update",
  "The Wi-Fi key was changed by facilities yesterday, users need the new one from the sign at reception",
  "printenv shows PWD=/home/jdoe OLDPWD=/tmp SHELL=/bin/bash",
  `cert from the proxy:\n${ARMOUR}BEGIN CERTIFICATE${ARMOUR}\n${pemBody(4)}\n${ARMOUR}END CERTIFICATE${ARMOUR}`,
  `authorized_keys has ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA${fake(B64, 43)} jdoe@laptop`,
  `Teams log: thread 19:meeting_${Buffer.from("641b16de-c06f-4b47-b7e4-ec8e7951a62f").toString("base64").replace(/=+$/, "")}@thread.v2 not found`,
  "Password: 12 characters minimum, no reuse of the last 24",
  "password: 14+ chars and one symbol",
  "pass 2 of 3 failed on the memory test",
  "Windows Hello PIN reset required; PIN must be 6 digits",
  "RDP to 10.0.0.5:3389 fails with 0x204",
  "Build 22631.3296 (23H2), released 2024-03-12",
  "Uptime 12:04:33, load average 0.52 0.48 0.40",
  "Invoice 2024-000123-45 paid, PO 4500012345",
  "DHCP scope 192.168.10.100-192.168.10.200, mask 255.255.255.0, 10.0.0.0/8 routed",
  "Error -2147024891 (0x80070005) from msiexec",
  "HRESULT 0x8007045D after 3 retries at 02:14:55",
  "Dial-in conference ID: 123 456 789#",
  "Hardware ID PCI\\VEN_8086&DEV_9A49&SUBSYS_0A7F1028&REV_01",
  "Device instance USB\\VID_046D&PID_C52B\\5&2A3B4C5D&0&1",
  "Git tag v2.14.3-rc.1 built from main@a94a8fe",
  "New-LocalUser -Name helpdesk -NoPassword; net localgroup administrators CORP\\jdoe /add",
  "kubectl get secret app-tls -o yaml | grep tls.crt",
  "The token is in the request header, check it with Fiddler",
  "LAPS password for PC-0423 is available in Intune under Local admin password",
  "Unix timestamps 1710498151 and 1710498213 bracket the outage",
  "Password hash sync is enabled in Azure AD Connect",
  "Password never expires: checked (service account policy)",
  "User reports: 'I typed my password 3 times and now I'm locked out'",
  "password reset portal: https://passwordreset.microsoftonline.com",
  "Set-ADAccountPassword -Identity jdoe -Reset -NewPassword (Read-Host -AsSecureString 'New pw')",
  "The password must be changed at next logon: true",
  "Password: Must be at least 12 characters",
  "Password expiry: 90 days",
  "password change failed: The password does not meet the password policy requirements.",
  "Error: password complexity not met (0x800708C5)",
  "Enter password: ",
  'password=""',
  "pwd=$(pwd) && echo $PWD",
  "Passport photo upload failed in HR portal",
  "Passwordless sign-in with Authenticator is rolled out",
  "Access token acquired for https://graph.microsoft.com",
  "token_type: Bearer, expires_in: 3599",
  "Authorization: Bearer <token>",
  "API key: (stored in Key Vault kv-helpdesk-prod)",
  "api_key = os.environ['VENDOR_API_KEY']",
  "client_secret: ${{ secrets.CLIENT_SECRET }}",
  `"integrity": "sha512-${fake(B64, 86)}==" in package-lock.json`,
  "Autopilot device: serial 5CG1234XYZ, ZTDID 9b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
  "VLAN 120, switch port Gi1/0/24, trunk allowed 10,20,120",
  "Laptop model 20XW0026US, BIOS N32ET86W (1.62)",
  "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24020.7-0\\MsMpEng.exe",
  "ERROR 2024-03-15 10:22:31 [req=8f14e45fceea167a5a36dedd4bea2543] upstream timeout after 30000ms",
  "YouTube video dQw4w9WgXcQ embedded in the training page",
  "Jira ticket HELP-4521, Zendesk #884213, ServiceNow RITM0012345",
  "WinRE version 10.0.22621.2506, partition 3 of disk 0, offset 254803968000",
  "Monitor serial CN-0XYZ12-74261-2AB-03PL connected via USB-C",
  "Base64 of the JWT header from the HAR: eyJhbGciOiJSUzI1NiJ9",
  "Zoom meeting ID 812 3456 7890, passcode shared in the invite",
  "TeamViewer ID 1 234 567 890, AnyDesk address 123 456 789",
  "UPN suffix contoso.com, immutableId c2VjcmV0SWRlbnRpdHk=",
  "Can you reset my password? I forgot it after the holidays",
  "Password reset emails are going to junk for fabrikam.com users",
  "Outlook keeps asking for password every 5 minutes (Modern Auth enabled)",
  "The password for the guest Wi-Fi is on the whiteboard in the lobby",
  "Her new password works on the laptop but not on the phone",
  "password is correct but MFA prompt never arrives",
  "Token broker error 0xCAA70004 in AAD logs",
  "Error: AADSTS90072 User account from identity provider does not exist in tenant",
  "Secret Santa list is on the SharePoint, not an IT issue",
  "The API key rotation runbook is KB-0042 in the wiki",
  "Reboot required after installing 2024-03 Cumulative Update (KB5035845)",
  "ping -t 8.8.8.8 shows 30% packet loss, MTR attached",
  "Excel file Q1_Forecast_v7_FINAL.xlsx is locked for editing by jdoe",
  "Laptop asset LT-04521 assigned to Jane Doe, returned 2024-02-28",
  "Disk 0 partition 2 (C:) 237.9 GB NTFS healthy",
  "Outlook OST rebuilt, scanpst.exe found 12 errors",
  "BSOD DRIVER_IRQL_NOT_LESS_OR_EQUAL in Netwtw10.sys 22.250.1.2",
  "Certificate CN=*.contoso.com, issuer DigiCert TLS RSA SHA256 2020 CA1, serial 0A1B2C3D4E5F60718293A4B5C6D7E8F9",
  "Run: Get-MgUser -UserId jdoe | Select-Object Id,AccountEnabled",
  "Zoom room ZR-Lon-4B needs firmware 5.17.5 (3025)",
  "DNS record _sip._tls.contoso.com SRV 100 1 443 sipdir.online.lync.com",
  "Jamf inventory: macOS 14.3.1 (23D60), serial C02XG2JHJG5J",
  "Citrix Workspace 2311.1.0.52 crashes with exception 0xc0000409",
  "VPN profile ContosoVPN-AlwaysOn-2024 pushed via Intune",
  "Printer driver HP Universal Printing PCL 6 (v7.1.0) installed",
  "git clone from github.com:contoso/helpdesk-scripts fails: Permission denied (publickey)",
  "Windows Event 7034: The Print Spooler service terminated unexpectedly. It has done this 3 time(s).",
  "SCCM client ID GUID:8E1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8 not reporting",
  "Yubikey 5 NFC serial 18273645 registered as security key",
  "Phishing email reported, message id <20240315102231.ABC123@mail.badguy.example> quarantined",
  "We use 1Password for the team vault; the 1Password extension is blocked by policy",
  "Pass the credential explicitly: `Invoke-Command -ComputerName PC-0423 -Credential $cred`",
  "Header 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' rejected by the proxy",
  `Subject arrives as =?utf-8?B?${Buffer.from("Störung: Drucker im 3. Stock – bitte prüfen").toString("base64")}?= in the ticket`,
];
