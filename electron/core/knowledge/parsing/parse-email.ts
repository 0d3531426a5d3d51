import PostalMime, {type Address, type Attachment, type Email} from "postal-mime";
import {DesksideError} from "../../../../shared/errors.js";
import {parseHtmlDom} from "./dom.js";
import {fileTooComplex, formatCount, type FileLimits} from "./file-limits.js";
import {titleFromFileName} from "./file-name.js";
import {blocksFromHtml} from "./html-to-blocks.js";
import {MIME} from "./mime.js";
import {checkMarkupDepth} from "./nesting-guard.js";
import {textBlocks} from "./parse-text.js";
import {collapseWhitespace} from "./text-cleanup.js";
import type {Block} from "./types.js";
import type {ParsedDocument} from "./types.js";

/**
 * Saved emails (.eml, RFC 5322 with MIME): a past ticket, a vendor's answer, an escalation thread.
 * The subject is the title and the heading of every passage; one line names sender, recipients and
 * date, so "what did the vendor say in March" finds it; the body is the plain-text part, or the
 * HTML part when the plain one is missing or a stub ("view this message in a browser"). Quoted
 * replies keep their words without the ">" marks: in a ticket thread the quoted history is the
 * problem being answered. Attachments are named, not read: each is a file of its own to import.
 */

/** MIME parts nested deeper than this are no real mail client's doing. */
const MAX_MIME_DEPTH = 64;
/** A plain part shorter than this share of the HTML part's text is a stub, not the message. */
const STUB_SHARE = 0.3;
/** A subject is a title; beyond this it is something else folded into the header. */
const MAX_SUBJECT = 300;
/** Attachments named one by one; the rest are counted. */
const MAX_NAMED = 10;

export async function parseEmail(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  let email: Email;
  try {
    email = await PostalMime.parse(bytes, {attachmentEncoding: "arraybuffer", maxNestingDepth: Math.min(MAX_MIME_DEPTH, limits.maxNestingDepth), maxRfc822NestingDepth: 3});
  } catch (error) {
    if (error instanceof Error && /nesting depth/i.test(error.message))
      throw fileTooComplex(`This email nests its parts more than ${formatCount(Math.min(MAX_MIME_DEPTH, limits.maxNestingDepth))} levels deep, which no mail client does.`, {
        maxNestingDepth: MAX_MIME_DEPTH,
      });
    if (error instanceof Error && /header/i.test(error.message)) throw fileTooComplex("This email's headers are larger than any real message's.", {});
    throw new DesksideError("PARSE_FAILED", "This email could not be read; it may be damaged.", {cause: error});
  }

  const subject = shortened(collapseWhitespace(email.subject ?? ""), MAX_SUBJECT);
  const title = subject || titleFromFileName(fileName);
  const headingPath = subject ? [subject] : [];
  const blocks: Block[] = [];
  if (subject) blocks.push({type: "heading", text: subject, level: 1, headingPath: []});
  const envelope = envelopeLine(email);
  if (envelope) blocks.push({type: "paragraph", text: envelope, headingPath});
  for (const block of bodyBlocks(email, limits)) blocks.push({...block, headingPath: [...headingPath, ...block.headingPath]});

  const attached = email.attachments.filter(isAttachedFile);
  const warnings: string[] = [];
  if (attached.length > 0) {
    const shown = attached.slice(0, MAX_NAMED).map(attachmentName);
    const names = attached.length > shown.length ? `${shown.join(", ")} and ${formatCount(attached.length - shown.length)} more` : shown.join(", ");
    blocks.push({type: "paragraph", text: `Attachments: ${names}`, headingPath});
    warnings.push(`${formatCount(attached.length)} attachment${attached.length === 1 ? " was" : "s were"} not imported with the email (${names}); import ${attached.length === 1 ? "it as a file of its own" : "them as files of their own"}.`);
  }
  return {
    title,
    kind: "email",
    mime: MIME.email,
    blocks,
    meta: {attachments: attached.length, ...(email.date ? {date: email.date} : {})},
    warnings,
  };
}

/** "From: Ana Ruiz <ana@example.com> · To: helpdesk@example.com · Date: 2024-03-05 14:02 UTC" */
function envelopeLine(email: Email): string {
  const parts: string[] = [];
  const from = addresses(email.from ? [email.from] : []);
  if (from) parts.push(`From: ${from}`);
  const to = addresses(email.to ?? []);
  if (to) parts.push(`To: ${to}`);
  const cc = addresses(email.cc ?? []);
  if (cc) parts.push(`Cc: ${cc}`);
  if (email.date) parts.push(`Date: ${readableDate(email.date)}`);
  return parts.join(" · ");
}

function addresses(list: Address[]): string {
  const mailboxes = list.flatMap((address) => (address.group ? address.group : [address]));
  const shown = mailboxes.slice(0, 10).map(({name, address}) => (name && address ? `${collapseWhitespace(name)} <${address}>` : collapseWhitespace(name || address || "")));
  const rest = mailboxes.length - shown.length;
  return [...shown.filter(Boolean), ...(rest > 0 ? [`${rest} more`] : [])].join(", ");
}

/** postal-mime gives ISO 8601 when the header parses, the header itself otherwise. */
function readableDate(value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) return collapseWhitespace(value);
  return `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function bodyBlocks(email: Email, limits: FileLimits): Block[] {
  const plain = email.text?.replace(/\r\n?/g, "\n") ?? "";
  const html = email.html ?? "";
  if (html.trim()) {
    const fromHtml = htmlBlocks(html, limits);
    const htmlLength = fromHtml.reduce((sum, block) => sum + block.text.length, 0);
    if (plain.trim().length < htmlLength * STUB_SHARE) return fromHtml;
  }
  return textBlocks(withoutQuoteMarks(plain));
}

function htmlBlocks(html: string, limits: FileLimits): Block[] {
  checkMarkupDepth(html, limits, "email");
  const dom = parseHtmlDom(html);
  try {
    return blocksFromHtml(dom.document.body ?? dom.document.documentElement);
  } finally {
    dom.close();
  }
}

/** "> > text" → "text": quoted lines keep their words and their paragraph breaks. */
function withoutQuoteMarks(text: string): string {
  return text.replace(/^[ \t]*(>[ \t]?)+/gm, "");
}

/** Files sent with the message, not the pieces of its own body (inline images the HTML shows). */
function isAttachedFile(attachment: Attachment): boolean {
  if (attachment.related) return false;
  return attachment.disposition === "attachment" || attachment.filename !== null;
}

function attachmentName(attachment: Attachment): string {
  const name = collapseWhitespace(attachment.filename ?? "") || `unnamed ${attachment.mimeType}`;
  const size = attachment.content instanceof ArrayBuffer || ArrayBuffer.isView(attachment.content) ? attachment.content.byteLength : attachment.content.length;
  return `${name} (${formatSize(size)})`;
}

function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
