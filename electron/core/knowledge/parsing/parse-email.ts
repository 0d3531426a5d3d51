import PostalMime, {type Address, type Attachment, type Email} from "postal-mime";
import {DesksideError} from "../../../../shared/errors.js";
import {fileTooComplex, formatCount, type FileLimits} from "./file-limits.js";
import {mailDocument, sentDate} from "./mail-message.js";
import {MIME} from "./mime.js";
import {isOutlookMessage} from "./outlook-msg.js";
import type {ParsedDocument} from "./types.js";

/**
 * Saved emails: MIME messages (`.eml`, RFC 5322) through postal-mime, Outlook messages (`.msg`, a
 * compound file of MAPI properties) through `parse-outlook-msg.ts`; both become one document
 * (`mail-message.ts`).
 */

/** MIME parts nested deeper than this are no real mail client's doing. */
const MAX_MIME_DEPTH = 64;

export async function parseEmail(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  if (isOutlookMessage(bytes)) return (await import("./parse-outlook-msg.js")).parseOutlookMsg(bytes, fileName, limits);
  let email: Email;
  const maxDepth = Math.min(MAX_MIME_DEPTH, limits.maxNestingDepth);
  try {
    email = await PostalMime.parse(bytes, {attachmentEncoding: "arraybuffer", maxNestingDepth: maxDepth, maxRfc822NestingDepth: 3});
  } catch (error) {
    if (error instanceof Error && /nesting depth/i.test(error.message))
      throw fileTooComplex(`This email nests its parts more than ${formatCount(maxDepth)} levels deep, which no mail client does.`, {maxNestingDepth: maxDepth});
    if (error instanceof Error && /header/i.test(error.message)) throw fileTooComplex("This email's headers are larger than any real message's.", {});
    throw new DesksideError("PARSE_FAILED", "This email could not be read; it may be damaged.", {cause: error});
  }
  return mailDocument(
    {
      subject: email.subject ?? "",
      from: addresses(email.from ? [email.from] : []).join(", "),
      to: addresses(email.to ?? []),
      cc: addresses(email.cc ?? []),
      sent: sentDate(email.date),
      text: email.text ?? "",
      html: email.html ?? "",
      attachments: email.attachments.filter(isAttachedFile).map((attachment) => ({name: attachment.filename ?? `unnamed ${attachment.mimeType}`, bytes: sizeOf(attachment)})),
    },
    fileName,
    MIME.email,
    limits,
  );
}

function addresses(list: Address[]): string[] {
  return list.flatMap((address) => (address.group ? address.group : [address])).map(({name, address}) => (name && address ? `${name} <${address}>` : name || address || ""));
}

/** Files sent with the message, not the pieces of its own body (inline images the HTML shows). */
function isAttachedFile(attachment: Attachment): boolean {
  if (attachment.related) return false;
  return attachment.disposition === "attachment" || attachment.filename !== null;
}

function sizeOf(attachment: Attachment): number {
  const content = attachment.content;
  return typeof content === "string" ? content.length : content.byteLength;
}
