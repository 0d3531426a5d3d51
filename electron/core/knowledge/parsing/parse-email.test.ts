import {describe, expect, it} from "vitest";
import {detectType} from "./detect-type.js";
import {parseDocument} from "./parse-document.js";
import {expectDesksideError} from "../../../../test/helpers/expect-error.js";
import {multipartMail, type TestAttachment} from "../../../../test/helpers/mail-fixtures.js";
import {damagedOutlookMsg, makeOutlookMsg} from "../../../../test/helpers/outlook-msg.js";

/** Mail as clients write it: CRLF line ends, folded headers, MIME parts with their own encodings. */
const crlf = (lines: string[]): Uint8Array => new Uint8Array(Buffer.from(lines.join("\r\n"), "latin1"));

const VPN_TICKET = crlf([
  "Return-Path: <ana.ruiz@example.com>",
  "Received: from mail.example.com (mail.example.com [192.0.2.10])",
  "\tby mx.example.com with ESMTPS id 4F2; Tue, 05 Mar 2024 14:02:11 +0100",
  'From: "Ana Ruiz" <ana.ruiz@example.com>',
  "To: Help Desk <helpdesk@example.com>",
  "Cc: =?iso-8859-1?Q?Jos=E9_M=FCller?= <jose@example.com>",
  "Subject: =?utf-8?B?UmU6IFZQTiBlcnJvciA4MDkgYWZ0ZXIgdGhlIHVwZGF0ZQ==?=",
  "Date: Tue, 05 Mar 2024 14:02:11 +0100",
  "Message-ID: <20240305.1@example.com>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="outer"',
  "",
  "--outer",
  'Content-Type: multipart/alternative; boundary="alt"',
  "",
  "--alt",
  "Content-Type: text/plain; charset=iso-8859-1",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Hi Jos=E9,",
  "",
  "Allow UDP 500 and 4500 through the office firewall, then restart the VPN cl=",
  "ient. That cleared error 809 on all three laptops.",
  "",
  "On Mon, 4 Mar 2024, Jos=E9 wrote:",
  "> After the update the VPN client says error 809.",
  "> What now?",
  "",
  "--alt",
  "Content-Type: text/html; charset=utf-8",
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from("<html><body><p>Hi José,</p><p>Allow UDP 500 and 4500 through the office firewall, then restart the VPN client.</p></body></html>").toString("base64"),
  "--alt--",
  "",
  "--outer",
  'Content-Type: application/pdf; name="firewall-rules.pdf"',
  'Content-Disposition: attachment; filename="firewall-rules.pdf"',
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.alloc(3000, 1).toString("base64"),
  "--outer--",
  "",
]);

describe("email parsing", () => {
  it("reads a saved ticket reply: subject as title, sender, recipients and date, the plain body with its quoted question, attachments named", async () => {
    const doc = await parseDocument(VPN_TICKET, "ticket-4711.eml");
    expect(doc).toMatchObject({title: "Re: VPN error 809 after the update", kind: "email", mime: "message/rfc822", meta: {attachments: 1}});
    expect(doc.blocks.map((block) => [block.type, block.text])).toEqual([
      ["heading", "Re: VPN error 809 after the update"],
      ["paragraph", "From: Ana Ruiz <ana.ruiz@example.com> · To: Help Desk <helpdesk@example.com> · Cc: José Müller <jose@example.com> · Date: 2024-03-05 13:02 UTC"],
      ["paragraph", "Hi José,"],
      ["paragraph", "Allow UDP 500 and 4500 through the office firewall, then restart the VPN client. That cleared error 809 on all three laptops."],
      ["paragraph", "On Mon, 4 Mar 2024, José wrote:\nAfter the update the VPN client says error 809.\nWhat now?"],
      ["paragraph", "Attachments: firewall-rules.pdf (2.9 KB)"],
    ]);
    expect(doc.blocks.slice(1).every((block) => block.headingPath.join() === "Re: VPN error 809 after the update")).toBe(true);
    expect(doc.warnings).toEqual(["1 attachment was not imported with the email (firewall-rules.pdf (2.9 KB)); import it as a file of its own."]);
  });

  it("takes the HTML part when the plain one is missing or only a stub", async () => {
    const message = (plain: string | null): Uint8Array =>
      crlf([
        "From: Vendor Support <support@vendor.example>",
        "To: helpdesk@example.com",
        "Subject: Printer firmware 4.2",
        "Date: Wed, 06 Mar 2024 09:00:00 +0000",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b"',
        "",
        ...(plain === null ? [] : ["--b", "Content-Type: text/plain; charset=utf-8", "", plain, ""]),
        "--b",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<html><body><h2>Before you update</h2><p>Print the configuration page and note the IP address.</p><ul><li>Hold the cancel key for 10 seconds.</li><li>Wait for the green light.</li></ul></body></html>",
        "--b--",
        "",
      ]);
    for (const plain of [null, "View this message in your browser."]) {
      const doc = await parseDocument(message(plain), "vendor.eml");
      expect(doc.blocks.slice(2).map((block) => [block.type, block.text, block.headingPath.join(" › ")])).toEqual([
        ["heading", "Before you update", "Printer firmware 4.2"],
        ["paragraph", "Print the configuration page and note the IP address.", "Printer firmware 4.2 › Before you update"],
        ["list-item", "Hold the cancel key for 10 seconds.", "Printer firmware 4.2 › Before you update"],
        ["list-item", "Wait for the green light.", "Printer firmware 4.2 › Before you update"],
      ]);
    }
  });

  it("is recognised by its headers without the .eml name, and a note with a Subject line stays text", async () => {
    expect(await detectType(VPN_TICKET, "ticket 4711")).toEqual({kind: "email", mime: "message/rfc822"});
    expect(await detectType(VPN_TICKET, "ticket.txt")).toMatchObject({kind: "email"});
    // Saved again by an editor that writes a byte-order mark.
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...VPN_TICKET]);
    expect(await detectType(withBom, "ticket")).toMatchObject({kind: "email"});
    expect((await parseDocument(withBom, "ticket.eml")).blocks).toEqual((await parseDocument(VPN_TICKET, "ticket.eml")).blocks);
    const mbox = new Uint8Array(Buffer.concat([Buffer.from("From ana@example.com Tue Mar  5 14:02:11 2024\n"), Buffer.from(VPN_TICKET)]));
    expect(await detectType(mbox, "Inbox")).toEqual({kind: "email", mime: "application/mbox"});
    // One message saved with its mailbox line reads like the .eml.
    expect((await parseDocument(mbox, "ticket.mbox")).blocks).toEqual((await parseDocument(VPN_TICKET, "ticket.eml")).blocks);
    const note = new Uint8Array(Buffer.from("Subject: printer on floor 3\nFrom: the night shift\n\nThe tray jams when it holds more than 200 sheets.\n"));
    expect((await detectType(note, "note.txt")).kind).toBe("text");
  });

  it("reads an Outlook .msg like the same mail saved as .eml; inline images are no attachments", async () => {
    const msg = makeOutlookMsg({
      subject: "Re: VPN error 809 after the update",
      senderName: "Ana Ruiz",
      senderEmail: "ana.ruiz@example.com",
      recipients: [
        {name: "Help Desk", email: "helpdesk@example.com", type: "to"},
        {name: "José Müller", email: "jose@example.com", type: "cc"},
      ],
      body: "Hi José,\r\n\r\nAllow UDP 500 and 4500 through the office firewall, then restart the VPN client. That cleared error 809 on all three laptops.\r\n\r\nOn Mon, 4 Mar 2024, José wrote:\r\n> After the update the VPN client says error 809.\r\n> What now?\r\n",
      sent: new Date("2024-03-05T13:02:11Z"),
      attachments: [
        {name: "firewall-rules.pdf", data: new Uint8Array(3000).fill(1)},
        {name: "image001.png", data: new Uint8Array(200), hidden: true},
      ],
    });
    expect(await detectType(msg, "Re VPN error 809")).toEqual({kind: "email", mime: "application/vnd.ms-outlook"});
    const fromMsg = await parseDocument(msg, "Re VPN error 809.msg");
    const fromEml = await parseDocument(VPN_TICKET, "ticket-4711.eml");
    expect(fromMsg).toMatchObject({title: fromEml.title, kind: "email", mime: "application/vnd.ms-outlook", warnings: fromEml.warnings, meta: fromEml.meta});
    expect(fromMsg.blocks).toEqual(fromEml.blocks);

    // Only an RTF body: Outlook's own rich text, and HTML mail kept inside RTF.
    const person = {senderName: "Ana Ruiz", senderEmail: "ana.ruiz@example.com", recipients: []};
    const rich = await parseDocument(
      makeOutlookMsg({
        ...person,
        subject: "Spooler",
        rtf: "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Riched20;}\\pard Restart the spooler on Jos\\'e9's printer.\\par\\pard Then clear the queue \\u8212? all of it.\\par}",
      }),
      "spooler.msg",
    );
    expect(rich.blocks.slice(2).map((block) => block.text)).toEqual(["Restart the spooler on José's printer.\nThen clear the queue — all of it."]);
    const wrapped = await parseDocument(
      makeOutlookMsg({
        ...person,
        subject: "Firmware",
        rtf: "{\\rtf1\\ansi\\fbidis\\ansicpg1252\\deff0\\fromhtml1{\\fonttbl{\\f0 Arial;}}{\\*\\htmltag19 <html>}{\\*\\htmltag34 <body>}{\\*\\htmltag64 <h2>}\\htmlrtf {\\b \\htmlrtf0 Before you update\\htmlrtf }\\htmlrtf0{\\*\\htmltag72 </h2>}{\\*\\htmltag64 <p>}Print the configuration page.{\\*\\htmltag72 </p>}{\\*\\htmltag42 </body>}{\\*\\htmltag27 </html>}}",
      }),
      "firmware.msg",
    );
    expect(wrapped.blocks.slice(2).map((block) => [block.type, block.text])).toEqual([
      ["heading", "Before you update"],
      ["paragraph", "Print the configuration page."],
    ]);

    // A mail with only an HTML body (Outlook's own format) reads from the HTML.
    const htmlOnly = await parseDocument(makeOutlookMsg({subject: "Printer firmware 4.2", senderName: "Vendor", senderEmail: "support@vendor.example", recipients: [], html: "<html><body><h2>Before you update</h2><p>Print the configuration page.</p></body></html>"}), "vendor.msg");
    expect(htmlOnly.blocks.slice(1).map((block) => block.text)).toEqual(["From: Vendor <support@vendor.example>", "Before you update", "Print the configuration page."]);
  });

  it("reads a mailbox file as one section per message; a damaged message is left out and counted", async () => {
    const message = (subject: string, body: string, extra: string[] = []): string =>
      ["From: Help Desk <helpdesk@example.com>", "To: ops@example.com", `Subject: ${subject}`, "Date: Tue, 05 Mar 2024 14:02:11 +0100", "MIME-Version: 1.0", ...extra, "", body, ""].join("\n");
    const nested = message("Broken", "x", ['Content-Type: multipart/mixed; boundary="b0"']) + Array.from({length: 100}, (_, i) => `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n`).join("\n");
    const mbox = [
      "From helpdesk@example.com Tue Mar  5 14:02:11 2024",
      message("Printer on floor 3 offline", "Restart the spooler.\n>From the logs: the queue was stuck.\n"),
      "From helpdesk@example.com Tue Mar  5 15:10:00 2024",
      nested,
      "From helpdesk@example.com Wed Mar  6 09:00:00 2024",
      message("VPN error 809", "Allow UDP 500 and 4500 through the firewall."),
    ].join("\n");
    const doc = await parseDocument(new Uint8Array(Buffer.from(mbox)), "Tickets March.mbox");
    expect(doc).toMatchObject({title: "Tickets March", kind: "email", mime: "application/mbox", meta: {messages: 2, attachments: 0}});
    expect(doc.blocks.filter((block) => block.type === "heading").map((block) => block.text)).toEqual(["Printer on floor 3 offline", "VPN error 809"]);
    // The body line that began "From " was escaped in the mailbox and reads as written.
    expect(doc.blocks.find((block) => block.text.startsWith("Restart the spooler."))?.text).toBe("Restart the spooler.\nFrom the logs: the queue was stuck.");
    expect(doc.blocks.find((block) => block.text.startsWith("Allow UDP"))?.headingPath).toEqual(["VPN error 809"]);
    expect(doc.warnings).toEqual(["1 of 3 messages could not be read (damaged) and were left out."]);
  });

  it("fails alone, with a stable code, when its parts nest without end, and names the format of other compound files", async () => {
    const depth = 2000;
    const nested = crlf([
      "From: a@example.com",
      "To: b@example.com",
      "Subject: nest",
      "Date: Tue, 05 Mar 2024 14:02:11 +0100",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b0"',
      "",
      ...Array.from({length: depth}, (_, i) => [`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, ""]).flat(),
      "deep",
    ]);
    const tooDeep = await expectDesksideError(parseDocument(nested, "nested.eml"));
    expect(tooDeep.code).toBe("FILE_TOO_COMPLEX");

    // A compound file that holds no mail: a legacy Word document has the same container.
    const legacy = new Uint8Array(4096);
    legacy.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const doc = await expectDesksideError(parseDocument(legacy, "old report.doc"));
    expect(doc.code).toBe("UNSUPPORTED_TYPE");
    expect(doc.message).toMatch(/legacy Office file/);
    // A damaged .msg: the container's start, its directory gone.
    const whole = makeOutlookMsg({subject: "Cut short", senderName: "A", senderEmail: "a@example.com", recipients: [], body: "x".repeat(5000)});
    const cut = await expectDesksideError(parseDocument(whole.subarray(0, 1024), "cut.msg"));
    expect(["PARSE_FAILED", "UNSUPPORTED_TYPE"]).toContain(cut.code);
    // Tables that loop or claim gigabytes: refused before the reader follows them (it went round for ever).
    for (const damage of ["sector-loop", "directory-loop", "huge-stream"] as const) {
      const started = performance.now();
      const error = await expectDesksideError(parseDocument(damagedOutlookMsg(damage), `${damage}.msg`));
      expect(error.code, damage).toBe("PARSE_FAILED");
      expect(error.message, damage).toMatch(/^This Outlook message is damaged: /);
      expect(performance.now() - started, damage).toBeLessThan(2000);
    }
  });
});

describe("attachments read with the mail", () => {
  const part = (name: string, type: string, content: Buffer): TestAttachment => ({name, type, content});
  const ticket = (attachments: TestAttachment[]): Uint8Array =>
    new Uint8Array(
      Buffer.from(
        multipartMail({
          from: "Ana Ruiz <ana.ruiz@example.com>",
          to: "helpdesk@example.com",
          subject: "Scanner at reception freezes",
          date: "Tue, 01 Dec 2026 09:14:00 +0000",
          body: "The scanner freezes after ten pages. Log attached.",
          attachments,
        }),
      ),
    );
  const LOG = Buffer.from("09:14:02 usb 1-2: device descriptor read/64, error -71\n09:14:05 usb 1-2: reset high-speed USB device\n");

  it("reads a plain-text attachment as a section of the mail and names the others in a note", async () => {
    const doc = await parseDocument(ticket([part("scanner.log", "application/octet-stream", LOG), part("photo.png", "image/png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))]), "ticket.eml");
    const log = doc.blocks.find((block) => block.text.includes("device descriptor read/64, error -71"));
    expect(log?.headingPath).toEqual(["Scanner at reception freezes", "Attachment: scanner.log"]);
    expect(doc.blocks.some((block) => block.type === "heading" && block.text === "Attachment: scanner.log")).toBe(true);
    expect(doc.warnings).toEqual([expect.stringMatching(/^1 attachment was not imported with the email \(photo\.png \(8 B\)\)/)]);
    expect(doc.meta).toMatchObject({attachments: 2, attachmentsRead: 1});

    // The same mail as an Outlook .msg reads the same.
    const msg = makeOutlookMsg({
      subject: "Scanner at reception freezes",
      senderName: "Ana Ruiz",
      senderEmail: "ana.ruiz@example.com",
      recipients: [{name: "", email: "helpdesk@example.com", type: "to"}],
      body: "The scanner freezes after ten pages. Log attached.",
      sent: new Date("2026-12-01T09:14:00Z"),
      attachments: [
        {name: "scanner.log", data: new Uint8Array(LOG)},
        {name: "photo.png", data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])},
      ],
    });
    const fromMsg = await parseDocument(msg, "ticket.msg");
    expect(fromMsg.blocks.slice(2)).toEqual(doc.blocks.slice(2));
    expect(fromMsg.warnings).toEqual(doc.warnings);
  });

  it("reads a UTF-16 log, and names a binary file under a text name, a large log and every log past the twentieth instead", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Event 4625: an account failed to log on.\r\n", "utf16le")]);
    const binary = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(64), Buffer.from("not text")]);
    const large = Buffer.alloc(2 * 1024 * 1024, "A");
    const doc = await parseDocument(ticket([part("security.log", "text/plain", utf16), part("tool.log", "application/octet-stream", binary), part("huge.log", "text/plain", large)]), "t.eml");
    expect(doc.blocks.find((block) => block.text.includes("Event 4625: an account failed to log on."))?.headingPath.at(-1)).toBe("Attachment: security.log");
    expect(doc.warnings[0]).toMatch(/^2 attachments were not imported with the email \(tool\.log \(74 B\), huge\.log \(2\.0 MB\)\)/);

    const many = await parseDocument(ticket(Array.from({length: 41}, (_, i) => part(`node${i}.log`, "text/plain", Buffer.from(`node ${i} rebooted at 03:00\n`)))), "many.eml");
    expect(many.blocks.filter((block) => block.type === "heading" && block.text.startsWith("Attachment: "))).toHaveLength(20);
    expect(many.warnings[0]).toMatch(/^21 attachments were not imported with the email/);
  });
});
