/**
 * Saved mails as clients write them (CRLF line ends, a multipart/mixed body): the plain-text
 * message, then each attached file base64-encoded.
 */

export interface TestAttachment {
  name: string;
  type: string;
  content: Buffer;
}

export function multipartMail(mail: {from: string; to: string; subject: string; date: string; body: string; attachments: TestAttachment[]}): string {
  return [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${mail.subject}`,
    `Date: ${mail.date}`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=utf-8",
    "",
    mail.body,
    ...mail.attachments.flatMap(({name, type, content}) => [
      "--b",
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      content.toString("base64"),
    ]),
    "--b--",
    "",
  ].join("\r\n");
}
