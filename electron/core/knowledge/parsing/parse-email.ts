import PostalMime, {type Address, type Attachment, type Email} from "postal-mime";
import {DesksideError} from "../../../../shared/errors.js";
import {fileTooComplex, formatCount, type FileLimits} from "./file-limits.js";
import {titleFromFileName} from "./file-name.js";
import {attachmentBudget, attachmentText, mailBlocks, mailDocument, sentDate, type MailAttachment, type MailMessage} from "./mail-message.js";
import {MIME} from "./mime.js";
import {isOutlookMessage} from "./outlook-msg.js";
import type {Block, ParsedDocument} from "./types.js";

/**
 * Saved emails: MIME messages (`.eml`, RFC 5322) through postal-mime, Outlook messages (`.msg`, a
 * compound file of MAPI properties) through `parse-outlook-msg.ts`, and mailbox files (`.mbox`,
 * many MIME messages one after another, as mail programs export a folder). Each message becomes a
 * section under its subject (`mail-message.ts`); a single message is a document of its own.
 */

/** MIME parts nested deeper than this are no real mail client's doing. */
const MAX_MIME_DEPTH = 64;
/** Messages read from one mailbox file; a bigger folder is exported in parts. */
const MAX_MAILBOX_MESSAGES = 20_000;

export async function parseEmail(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  if (isOutlookMessage(bytes)) return (await import("./parse-outlook-msg.js")).parseOutlookMsg(bytes, fileName, limits);
  if (isMailbox(bytes)) return parseMailbox(bytes, fileName, limits);
  return mailDocument(await readMime(bytes, limits), fileName, MIME.email, limits);
}

async function readMime(bytes: Uint8Array, limits: FileLimits): Promise<MailMessage> {
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
  return {
    subject: email.subject ?? "",
    from: addresses(email.from ? [email.from] : []).join(", "),
    to: addresses(email.to ?? []),
    cc: addresses(email.cc ?? []),
    sent: sentDate(email.date),
    text: email.text ?? "",
    html: email.html ?? "",
    attachments: attachedFiles(email.attachments),
  };
}

/** The files sent with a mail, those in plain text read (see attachmentText). */
function attachedFiles(attachments: Attachment[]): MailAttachment[] {
  const budget = attachmentBudget();
  return attachments.filter(isAttachedFile).map((attachment) => {
    const name = attachment.filename ?? `unnamed ${attachment.mimeType}`;
    const bytes = sizeOf(attachment);
    const content = attachment.content;
    const text = attachmentText({name: attachment.filename ?? "", type: attachment.mimeType, bytes}, () => (typeof content === "string" ? null : new Uint8Array(content)), budget);
    return {name, bytes, ...(text !== undefined ? {text} : {})};
  });
}

/** A mailbox file starts with the "From " line that separates its messages. */
function isMailbox(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 5)).toString("latin1") === "From ";
}

/**
 * Every message of a mailbox, each under its own subject, in the file's order. A message that
 * cannot be read is left out and counted; the others still import.
 */
async function parseMailbox(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  const messages = mailboxMessages(bytes);
  if (messages.length === 0) throw new DesksideError("FILE_EMPTY", "This mailbox holds no messages.");
  // One message saved with its mailbox "From " line is a mail like any other.
  if (messages.length === 1) return mailDocument(await readMime(messages[0], limits), fileName, MIME.email, limits);
  if (messages.length > MAX_MAILBOX_MESSAGES)
    throw fileTooComplex(`This mailbox holds ${formatCount(messages.length)} messages, more than the ${formatCount(MAX_MAILBOX_MESSAGES)} Deskside reads from one file; export the folder in parts.`, {
      messages: messages.length,
    });
  const blocks: Block[] = [];
  let unreadable = 0;
  let attachments = 0;
  let unreadAttachments = 0;
  let withUnread = 0;
  for (const message of messages) {
    let mail: MailMessage;
    try {
      mail = await readMime(message, limits);
    } catch {
      unreadable++;
      continue;
    }
    blocks.push(...mailBlocks(mail, limits).blocks);
    const unread = mail.attachments.filter((attachment) => attachment.text === undefined).length;
    attachments += mail.attachments.length;
    unreadAttachments += unread;
    if (unread > 0) withUnread++;
  }
  if (unreadable === messages.length) throw new DesksideError("PARSE_FAILED", `None of the ${formatCount(messages.length)} messages in this mailbox could be read; it may be damaged.`);
  const warnings: string[] = [];
  if (unreadable > 0) warnings.push(`${formatCount(unreadable)} of ${formatCount(messages.length)} messages could not be read (damaged) and were left out.`);
  if (unreadAttachments > 0)
    warnings.push(
      `${formatCount(unreadAttachments)} attachment${unreadAttachments === 1 ? "" : "s"} in ${formatCount(withUnread)} message${withUnread === 1 ? "" : "s"} ${unreadAttachments === 1 ? "was" : "were"} not imported; each message names its own.`,
    );
  return {title: titleFromFileName(fileName), kind: "email", mime: MIME.mbox, blocks, meta: {messages: messages.length - unreadable, attachments}, warnings};
}

/**
 * The messages of a mailbox: each starts after a "From " line at the start of the file or after a
 * blank line. Lines in a body that began "From " were written as ">From " (and ">From " as
 * ">>From "); one ">" comes off again.
 */
function mailboxMessages(bytes: Uint8Array): Uint8Array[] {
  // Latin-1 maps each byte to one character, so offsets in the text are offsets in the bytes.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const starts: number[] = [];
  const separator = /(?:^|\n\r?\n)From [^\n]*\n/g;
  for (let match = separator.exec(text); match; match = separator.exec(text)) starts.push(match.index, match.index + match[0].length);
  const messages: Uint8Array[] = [];
  for (let i = 1; i < starts.length; i += 2) {
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    const body = text.slice(starts[i], end).replace(/^>(>*From )/gm, "$1");
    if (body.trim()) messages.push(new Uint8Array(Buffer.from(body, "latin1")));
  }
  return messages;
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
