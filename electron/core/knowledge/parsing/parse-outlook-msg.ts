import {decompressRTF} from "@kenjiuno/decompressrtf";
import * as msgreader from "@kenjiuno/msgreader";
import type {FieldsData} from "@kenjiuno/msgreader";
import {DesksideError} from "../../../../shared/errors.js";
import type {FileLimits} from "./file-limits.js";
import {attachmentBudget, attachmentText, mailDocument, sentDate} from "./mail-message.js";
import {MIME} from "./mime.js";
import {compoundFileDamage} from "./outlook-msg.js";
import {rtfToText} from "./rtf-text.js";
import type {ParsedDocument} from "./types.js";

/**
 * Outlook messages (`.msg`: what dragging a mail out of Outlook saves), read with msgreader: the
 * MAPI properties of subject, sender, recipients, times, the plain body (`PR_BODY`, which Outlook
 * writes beside its RTF or HTML body) or the HTML body, or else the compressed RTF body
 * (`rtf-text.ts`), the attachments' names and sizes, and the text of those in plain text.
 * An embedded message (a forwarded mail attached whole) counts as an attachment.
 */

type Reader = new (buffer: ArrayBuffer) => {getFileData(): FieldsData; getAttachment(attachment: FieldsData): {content: Uint8Array}};

/** The package is CommonJS with a default export; loaded as ES module it arrives wrapped once more. */
const MsgReader = ((msgreader as unknown as {default: {default?: Reader} & Reader}).default.default ?? (msgreader as unknown as {default: Reader}).default) as Reader;

export function parseOutlookMsg(bytes: Uint8Array, fileName: string, limits: FileLimits): ParsedDocument {
  const damage = compoundFileDamage(bytes);
  if (damage) throw new DesksideError("PARSE_FAILED", `This Outlook message is damaged: ${damage}.`);
  let reader: InstanceType<Reader>;
  let fields: FieldsData;
  try {
    reader = new MsgReader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    fields = reader.getFileData();
  } catch (error) {
    throw new DesksideError("PARSE_FAILED", "This Outlook message could not be read; it may be damaged.", {cause: error});
  }
  if (fields.error) throw new DesksideError("PARSE_FAILED", "This Outlook message could not be read; it may be damaged.", {details: {reason: fields.error}});
  if (fields.messageClass && !/^IPM\.Note/i.test(fields.messageClass) && !fields.body && !fields.bodyHtml && !fields.html)
    throw new DesksideError("UNSUPPORTED_TYPE", `This Outlook item is not a mail (${fields.messageClass}); Deskside imports messages, not calendar items, contacts or tasks.`);

  const recipients = fields.recipients ?? [];
  let text = fields.body ?? "";
  let html = fields.bodyHtml ?? (fields.html ? new TextDecoder(codePageLabel(fields.internetCodepage)).decode(fields.html) : "");
  // No plain or HTML body: the message keeps only its compressed RTF, which may wrap HTML.
  if (!text.trim() && !html.trim() && fields.compressedRtf) {
    const body = rtfBody(fields.compressedRtf);
    if (body.isHtml) html = body.text;
    else text = body.text;
  }
  const person = (name?: string, address?: string): string => (name && address && name !== address ? `${name} <${address}>` : name || address || "");
  const budget = attachmentBudget();
  // Content is loaded only for the plain-text files read with the mail; a damaged one is named, not read.
  const contentOf = (attachment: FieldsData) => (): Uint8Array | null => {
    try {
      return reader.getAttachment(attachment).content;
    } catch {
      return null;
    }
  };
  return mailDocument(
    {
      subject: fields.subject ?? "",
      from: person(fields.senderName, fields.senderSmtpAddress || fields.senderEmail),
      to: recipients.filter((r) => r.recipType !== "cc" && r.recipType !== "bcc").map((r) => person(r.name, r.smtpAddress || r.email)),
      cc: recipients.filter((r) => r.recipType === "cc").map((r) => person(r.name, r.smtpAddress || r.email)),
      sent: sentDate(fields.clientSubmitTime ?? fields.messageDeliveryTime ?? fields.creationTime),
      text,
      html,
      attachments: (fields.attachments ?? [])
        .filter((attachment) => !attachment.attachmentHidden && !attachment.pidContentId)
        .map((attachment) => {
          const name = attachment.fileName ?? attachment.fileNameShort ?? attachment.name ?? (attachment.innerMsgContent ? "attached message" : "unnamed");
          const bytes = attachment.contentLength ?? 0;
          const text = attachment.innerMsgContent ? undefined : attachmentText({name, type: attachment.attachMimeTag, bytes}, contentOf(attachment), budget);
          return {name, bytes, ...(text !== undefined ? {text} : {})};
        }),
    },
    fileName,
    MIME.outlook,
    limits,
  );
}

function rtfBody(compressed: Uint8Array): {text: string; isHtml: boolean} {
  try {
    // RTF is 7-bit text with escapes; Latin-1 keeps every byte as one character.
    return rtfToText(Buffer.from(decompressRTF(Array.from(compressed))).toString("latin1"));
  } catch (error) {
    throw new DesksideError("PARSE_FAILED", "The body of this Outlook message could not be read; it may be damaged.", {cause: error});
  }
}

/** A Windows code page as a TextDecoder label; UTF-8 when unknown. */
function codePageLabel(codePage: number | undefined): string {
  if (codePage === undefined || codePage === 65001) return "utf-8";
  const label = codePage === 1200 ? "utf-16le" : codePage === 20127 ? "us-ascii" : codePage === 28591 ? "iso-8859-1" : `windows-${codePage}`;
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return "utf-8";
  }
}
