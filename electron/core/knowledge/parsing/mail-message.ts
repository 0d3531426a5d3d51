import {formatBytes} from "../../../../shared/format-bytes.js";
import {decodeText, looksBinary} from "./decode-text.js";
import {parseHtmlDom, type HtmlDom} from "./dom.js";
import {formatCount, type FileLimits} from "./file-limits.js";
import {titleFromFileName} from "./file-name.js";
import {blocksFromHtml} from "./html-to-blocks.js";
import {checkMarkupDepth} from "./nesting-guard.js";
import {textBlocks} from "./parse-text.js";
import {collapseWhitespace} from "./text-cleanup.js";
import type {Block, ParsedDocument} from "./types.js";

/**
 * A saved mail as both readers give it (MIME `.eml`, Outlook `.msg`), and the document made from
 * it. A past ticket, a vendor's answer, an escalation thread: the subject is the title and the
 * heading of every passage; one line names sender, recipients and date, so "what did the vendor
 * say in March" finds it; the body is the plain-text part, or the HTML part when the plain one is
 * missing or a stub ("view this message in a browser"). Quoted replies keep their words without
 * the ">" marks: in a ticket thread the quoted history is the problem being answered. Attachments
 * that are plain text (a log, a config file, a script) are read as sections of the mail, under
 * "Attachment: name": the error a ticket quotes is often only in its attached log. Others (PDFs,
 * images, documents) are named, not read: each is a file of its own to import.
 */
export interface MailMessage {
  subject: string;
  /** "Name <address>" or either alone. */
  from: string;
  to: string[];
  cc: string[];
  /** When it was sent; null when the mail does not say or says something unreadable. */
  sent: Date | null;
  text: string;
  html: string;
  /** Files sent with it, not the pieces of its own body (inline images); `text` when read (see attachmentText). */
  attachments: MailAttachment[];
}

export interface MailAttachment {
  name: string;
  bytes: number;
  text?: string;
}

/** File types read as plain text when attached; by name, or by a text/plain or text/csv type. */
const TEXT_ATTACHMENT = /\.(txt|log|csv|tsv|md|markdown|json|xml|ya?ml|ini|cfg|conf|config|ps1|psm1|sh|bat|cmd|reg|sql|out|err)$/i;
/** An attached text larger than this is a file of its own to import. */
const MAX_ATTACHMENT_TEXT_BYTES = 1024 * 1024;
/** Attached text read per mail, all attachments together. */
const MAX_MAIL_ATTACHMENT_TEXT_BYTES = 4 * 1024 * 1024;
/** Attachments read per mail; a mail with more is a bundle of files, each to import on its own. */
const MAX_READ_ATTACHMENTS = 20;

/**
 * The text of an attachment worth reading with the mail, or undefined: a text file by its name or
 * type, at most MAX_ATTACHMENT_TEXT_BYTES, not binary (as a text file is judged on import). `read`
 * is called only for such a file (a reader may have to load the content); `budget` is what this
 * mail may still read.
 */
export function attachmentText(
  file: {name: string; type?: string; bytes: number},
  read: () => Uint8Array | null,
  budget: {bytes: number; files: number},
): string | undefined {
  // Checked on the size the mail declares before loading, and on the content itself after.
  const fits = (bytes: number) => budget.files > 0 && bytes > 0 && bytes <= MAX_ATTACHMENT_TEXT_BYTES && bytes <= budget.bytes;
  if (!fits(file.bytes)) return undefined;
  if (!TEXT_ATTACHMENT.test(file.name.trim()) && !/^text\/(plain|csv)\b/i.test(file.type ?? "")) return undefined;
  const content = read();
  if (!content || !fits(content.byteLength) || looksBinary(content)) return undefined;
  const text = decodeText(content).text;
  if (!text.trim()) return undefined;
  budget.bytes -= content.byteLength;
  budget.files -= 1;
  return text;
}

/** What one mail may read of its attachments (see attachmentText). */
export function attachmentBudget(): {bytes: number; files: number} {
  return {bytes: MAX_MAIL_ATTACHMENT_TEXT_BYTES, files: MAX_READ_ATTACHMENTS};
}

/** A plain part shorter than this share of the HTML part's text is a stub, not the message. */
const STUB_SHARE = 0.3;
/** A subject is a title; beyond this it is something else folded into the header. */
const MAX_SUBJECT = 300;
/** Recipients and attachments named one by one; the rest are counted. */
const MAX_NAMED = 10;

export function mailDocument(mail: MailMessage, fileName: string, mime: string, limits: FileLimits): ParsedDocument {
  const {subject, blocks} = mailBlocks(mail, limits);
  const unread = mail.attachments.filter((attachment) => attachment.text === undefined);
  const count = unread.length;
  return {
    title: subject || titleFromFileName(fileName),
    kind: "email",
    mime,
    blocks,
    meta: {attachments: mail.attachments.length, ...(mail.attachments.length > count ? {attachmentsRead: mail.attachments.length - count} : {}), ...(mail.sent ? {date: mail.sent.toISOString()} : {})},
    warnings:
      count > 0
        ? [`${formatCount(count)} attachment${count === 1 ? " was" : "s were"} not imported with the email (${attachmentList(unread)}); import ${count === 1 ? "it as a file of its own" : "them as files of their own"}.`]
        : [],
  };
}

/**
 * One mail's blocks under its subject: the envelope line, the body, the attachments' names. A
 * mailbox file holds many, each its own section.
 */
export function mailBlocks(mail: MailMessage, limits: FileLimits): {subject: string; blocks: Block[]} {
  const subject = shortened(collapseWhitespace(mail.subject), MAX_SUBJECT);
  const headingPath = subject ? [subject] : [];
  const blocks: Block[] = [];
  if (subject) blocks.push({type: "heading", text: subject, level: 1, headingPath: []});
  const envelope = envelopeLine(mail);
  if (envelope) blocks.push({type: "paragraph", text: envelope, headingPath});
  for (const block of bodyBlocks(mail, limits)) blocks.push({...block, headingPath: [...headingPath, ...block.headingPath]});
  if (mail.attachments.length > 0) blocks.push({type: "paragraph", text: `Attachments: ${attachmentList(mail.attachments)}`, headingPath});
  for (const attachment of mail.attachments) {
    if (attachment.text === undefined) continue;
    const heading = `Attachment: ${collapseWhitespace(attachment.name) || "unnamed"}`;
    blocks.push({type: "heading", text: heading, level: 2, headingPath});
    for (const block of textBlocks(attachment.text)) blocks.push({...block, headingPath: [...headingPath, heading, ...block.headingPath]});
  }
  return {subject, blocks};
}

/** "vpn.log (2 KB), firewall-rules.pdf (1.2 MB)", the first MAX_NAMED by name. */
function attachmentList(attachments: MailAttachment[]): string {
  return named(attachments.map(({name, bytes}) => `${collapseWhitespace(name) || "unnamed"} (${formatBytes(bytes)})`));
}

/** "From: Ana Ruiz <ana@example.com> · To: helpdesk@example.com · Date: 2024-03-05 14:02 UTC" */
function envelopeLine(mail: MailMessage): string {
  const parts: string[] = [];
  const [from, to, cc] = [[mail.from], mail.to, mail.cc].map((list) => list.map(collapseWhitespace).filter(Boolean));
  if (from.length > 0) parts.push(`From: ${from[0]}`);
  if (to.length > 0) parts.push(`To: ${named(to)}`);
  if (cc.length > 0) parts.push(`Cc: ${named(cc)}`);
  if (mail.sent) parts.push(`Date: ${mail.sent.toISOString().slice(0, 16).replace("T", " ")} UTC`);
  return parts.join(" · ");
}

function named(names: string[]): string {
  const shown = names.slice(0, MAX_NAMED);
  return names.length > shown.length ? `${shown.join(", ")} and ${formatCount(names.length - shown.length)} more` : shown.join(", ");
}

function bodyBlocks(mail: MailMessage, limits: FileLimits): Block[] {
  const plain = mail.text.replace(/\r\n?/g, "\n");
  // A DOM costs about 15 ms per message, so the HTML part's text is measured roughly first: a
  // mailbox of 20,000 messages that all carry both parts reads from the plain ones.
  if (mail.html.trim() && plain.trim().length < roughTextLength(mail.html) * STUB_SHARE) {
    const fromHtml = htmlBlocks(mail.html, limits);
    const htmlLength = fromHtml.reduce((sum, block) => sum + block.text.length, 0);
    if (plain.trim().length < htmlLength * STUB_SHARE) return fromHtml;
  }
  return textBlocks(withoutQuoteMarks(plain));
}

/** Characters of HTML outside its tags, style sheets and scripts, in one pass. */
function roughTextLength(html: string): number {
  const lower = html.toLowerCase();
  let length = 0;
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf("<", at);
    if (open < 0) return length + (html.length - at);
    length += open - at;
    const hidden = /^<(style|script)\b/.exec(lower.slice(open, open + 8));
    const close = hidden ? lower.indexOf(`</${hidden[1]}`, open) : html.indexOf(">", open);
    if (close < 0) return length;
    at = hidden ? lower.indexOf(">", close) + 1 || html.length : close + 1;
  }
  return length;
}

/**
 * HTML bodies are read into one reused document: building a DOM costs about 15 ms, a mailbox of
 * HTML-only messages would spend minutes on it. The DOM is freed once no body has used it for a
 * moment, so a single mail does not keep it.
 */
let sharedDom: HtmlDom | null = null;
let releaseTimer: NodeJS.Timeout | undefined;

function htmlBlocks(html: string, limits: FileLimits): Block[] {
  checkMarkupDepth(html, limits, "email");
  const dom = (sharedDom ??= parseHtmlDom("<!doctype html><html><head></head><body></body></html>"));
  clearTimeout(releaseTimer);
  releaseTimer = setTimeout(() => {
    dom.close();
    sharedDom = null;
  }, 1000);
  releaseTimer.unref();
  const {document} = dom;
  // The body's own markup only: a full document's head (styles, title) is no content.
  document.documentElement.innerHTML = html;
  try {
    return blocksFromHtml(document.body ?? document.documentElement);
  } finally {
    document.documentElement.innerHTML = "<head></head><body></body>";
  }
}

/** "> > text" → "text": quoted lines keep their words and their paragraph breaks. */
function withoutQuoteMarks(text: string): string {
  return text.replace(/^[ \t]*(>[ \t]?)+/gm, "");
}

/** A date as a mail client writes it, or null when it does not parse. */
export function sentDate(value: string | undefined): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

