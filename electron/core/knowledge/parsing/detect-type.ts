import {fileTypeFromBuffer} from "file-type";
import {DesksideError} from "../../../../shared/errors.js";
import {decodeText, looksBinary, sniffUnicode} from "./decode-text.js";
import {extensionOf} from "./file-name.js";
import {MIME} from "./mime.js";
import {isInfoWithMarkers, looksLikeInfo} from "./info/info-file.js";
import {looksLikeManpage} from "./manpage/manpage-detect.js";
import {isOutlookMessage} from "./outlook-msg.js";
import {sniffDelimiter} from "./sniff-delimiter.js";
import type {DocumentKind} from "./types.js";

/**
 * Decides what a file really is from its content; the extension only settles what content alone
 * cannot (a .md file that happens to have no Markdown cues). People rename files and mail systems
 * mangle names, so "report.txt" may be an executable and "export" may be a CSV.
 */

export interface DetectedType {
  kind: DocumentKind;
  mime: string;
}


const SUPPORTED = "PDF, Word (.docx), HTML, Markdown, plain text, CSV, JSON, saved emails (.eml, Outlook .msg), manual pages (man, mdoc), GNU Info manuals, reStructuredText and images of text (PNG, JPEG, TIFF), each also gzipped";
/** Text beyond this is not needed to tell the kinds apart. */
const SNIFF_BYTES = 1024 * 1024;

const WORD_MIMES = new Set([MIME.docx, "application/vnd.ms-word.document.macroenabled.12"]);
/** Images whose text is read by OCR (parse-image.ts). */
const OCR_IMAGE_MIMES = new Set<string>([MIME.png, MIME.jpeg, MIME.tiff]);
const HTML_EXTENSIONS = new Set(["html", "htm", "xhtml", "shtml", "mht"]);
const MARKDOWN_EXTENSIONS = new Set(["md", "markdown", "mdown", "mkd", "mkdn", "mdx"]);
const RST_EXTENSIONS = new Set(["rst", "rest"]);
const CSV_EXTENSIONS = new Set(["csv", "tsv", "tab"]);
const JSON_EXTENSIONS = new Set(["json", "jsonl", "ndjson"]);
const MAILBOX_EXTENSIONS = new Set(["mbox", "mbx"]);

export async function detectType(bytes: Uint8Array, fileName: string): Promise<DetectedType> {
  if (bytes.length === 0) throw new DesksideError("FILE_EMPTY", "This file is empty (0 bytes); there is nothing to import.");
  // A built Sphinx site keeps each page's source as `page.rst.txt`.
  const ext = /\.(rst|rest)\.txt$/i.test(fileName) ? "rst" : extensionOf(fileName);

  // A UTF-16 byte-order mark (FF FE) doubles as an MPEG audio frame header; text wins.
  const unicode = sniffUnicode(bytes);
  const magic = unicode && unicode.encoding !== "utf-8" ? undefined : await fileTypeFromBuffer(bytes);
  if (magic) {
    if (magic.mime === MIME.pdf) return {kind: "pdf", mime: MIME.pdf};
    if (magic.mime === "application/x-cfb" && isOutlookMessage(bytes)) return {kind: "email", mime: MIME.outlook};
    if (WORD_MIMES.has(magic.mime)) return {kind: "docx", mime: MIME.docx};
    if (OCR_IMAGE_MIMES.has(magic.mime)) return {kind: "image", mime: magic.mime};
    // file-type also recognises a few text formats (XML, for XHTML); those go on to text sniffing.
    if (!magic.mime.startsWith("text/") && magic.mime !== "application/xml") {
      throw new DesksideError("UNSUPPORTED_TYPE", unsupportedMessage(magic.ext, magic.mime), {details: {detected: magic.mime}});
    }
  } else if (!unicode && hasPdfHeaderNearStart(bytes)) {
    return {kind: "pdf", mime: MIME.pdf};
  }

  if (looksBinary(bytes)) {
    // An Info manual's index marks its entries with NUL bytes, which would otherwise say "binary".
    if (!magic && !unicode && isInfoWithMarkers(bytes)) return {kind: "info", mime: MIME.info};
    throw new DesksideError(
      "UNSUPPORTED_TYPE",
      `This file contains binary data, not text${ext ? `, although its name ends in .${ext}` : ""}; Deskside imports ${SUPPORTED}.`,
    );
  }
  const sample = bytes.subarray(0, SNIFF_BYTES);
  const text = decodeText(sample).text.replace(/^\ufeff/, "").trimStart();
  return sniffTextType(text, ext, bytes.length > sample.length);
}

/** Some generators put a few bytes of junk before the header; PDF readers accept up to 1 KB of it. */
function hasPdfHeaderNearStart(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  return head.includes("%PDF-");
}

function sniffTextType(text: string, ext: string, truncated: boolean): DetectedType {
  // Before HTML: a mail whose body is HTML starts with its headers all the same.
  if (ext === "eml" || looksLikeEmail(text)) return {kind: "email", mime: MIME.email};
  if (MAILBOX_EXTENSIONS.has(ext) || (text.startsWith("From ") && looksLikeEmail(text.slice(text.indexOf("\n") + 1)))) return {kind: "email", mime: MIME.mbox};
  if (looksLikeHtml(text, ext)) return {kind: "html", mime: MIME.html};
  if (looksLikeManpage(text)) return {kind: "manpage", mime: MIME.troff};
  if (looksLikeInfo(text)) return {kind: "info", mime: MIME.info};
  const jsonShape = sniffJson(text, truncated);
  if (jsonShape) return {kind: "json", mime: jsonShape === "jsonl" ? MIME.jsonl : MIME.json};
  // Claimed JSON that does not parse still goes to the JSON parser, which explains what is wrong.
  if (JSON_EXTENSIONS.has(ext)) return {kind: "json", mime: ext === "json" ? MIME.json : MIME.jsonl};
  if (MARKDOWN_EXTENSIONS.has(ext)) return {kind: "markdown", mime: MIME.markdown};
  if (RST_EXTENSIONS.has(ext)) return {kind: "rst", mime: MIME.rst};
  if (CSV_EXTENSIONS.has(ext)) return {kind: "csv", mime: ext === "csv" ? MIME.csv : MIME.tsv};
  if (HTML_EXTENSIONS.has(ext)) return {kind: "html", mime: MIME.html};
  // Before Markdown: reStructuredText shares its bullets, emphasis and literals.
  if (looksLikeRst(text)) return {kind: "rst", mime: MIME.rst};
  if (markdownScore(text) >= 2) return {kind: "markdown", mime: MIME.markdown};
  const delimiter = looksDelimited(text);
  if (delimiter) return {kind: "csv", mime: delimiter === "\t" ? MIME.tsv : MIME.csv};
  return {kind: "text", mime: MIME.text};
}

/** Header names of mail messages; a saved mail without its .eml name still starts with several. */
const MAIL_HEADERS = new Set(["from", "to", "cc", "subject", "date", "message-id", "mime-version", "received", "return-path", "reply-to", "content-type", "delivered-to", "in-reply-to", "references", "thread-topic", "x-mailer", "user-agent"]);

/**
 * A header block (lines "Name: value", folded lines indented) up to the first blank line, with a
 * sender and the headers only a mail transport or client writes. A mailbox file starts with a
 * "From " line (no colon) before its first message's headers.
 */
function looksLikeEmail(text: string): boolean {
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0 || end > 64 * 1024) return false;
  const lines = text.slice(0, end).split(/\r?\n/);
  const names = new Set<string>();
  for (const line of lines) {
    if (/^[ \t]/.test(line)) continue;
    const header = /^([!-9;-~]+):/.exec(line);
    if (!header) return false;
    names.add(header[1].toLowerCase());
  }
  const known = [...names].filter((name) => MAIL_HEADERS.has(name)).length;
  return names.has("from") && known >= 3 && ["date", "message-id", "received", "mime-version"].some((name) => names.has(name));
}

function looksLikeHtml(text: string, ext: string): boolean {
  const head = text.slice(0, 4096);
  const lead = head.replace(/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*/i, "");
  if (/^<!doctype\s+html/i.test(lead) || /^<html[\s>]/i.test(lead)) return true;
  if (lead.startsWith("<") && /<(head|body)[\s>]/i.test(head)) return true;
  return HTML_EXTENSIONS.has(ext) && /<[a-z][a-z0-9]*[\s>]/i.test(head);
}

function sniffJson(text: string, truncated: boolean): "json" | "jsonl" | null {
  if (!text.startsWith("{") && !text.startsWith("[")) return null;
  if (!truncated && parses(text)) return "json";
  const lines = text
    .split(/\r?\n/)
    .slice(0, 50)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (truncated) lines.pop(); // the cut may fall inside the last line
  if (lines.length >= 2 && parses(lines[0])) {
    const good = lines.filter((line) => (line.startsWith("{") || line.startsWith("[")) && parses(line)).length;
    if (good / lines.length >= 0.5) return "jsonl";
  }
  if (truncated && /^(\[\s*[{["\d-]|\{\s*")/.test(text)) return "json";
  return null;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * reStructuredText without its extension (a README.txt, a Sphinx page's source): markup plain text
 * never has, a directive, a link target or a role, with a title or a second such cue beside it.
 * Underlined titles alone are plain text's too.
 */
function looksLikeRst(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  let score = 0;
  if (/^\.\. [A-Za-z][\w:+.-]{0,60}::(?: |$)/m.test(head)) score += 2;
  if (/^\.\. _[^:\n]{1,200}:/m.test(head)) score += 2;
  if (/(?:^|[\s(]):[a-z][\w:+.-]{0,60}:`[^`\n]+`/m.test(head)) score += 2;
  if (/^(\S.{0,200})\n([=\-~^"'`#*+])\2{2,}[ \t]*$/m.test(head)) score += 1;
  if (/(?:^|\s)``[^`\n]+``(?:\s|[.,;:)]|$)/m.test(head)) score += 1;
  if (/`[^`\n]+ <[^<>\n]+>`_/.test(head)) score += 1;
  return score >= 3;
}

/** Cues that rarely occur in plain prose; two or more make the file Markdown. */
function markdownScore(text: string): number {
  const head = text.slice(0, 64 * 1024);
  let score = 0;
  if (/^#{1,6}[ \t]+\S/m.test(head)) score += 2;
  if (/^ {0,3}(```|~~~)/m.test(head)) score += 2;
  if (/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$/m.test(head)) score += 2;
  if (/\[[^\]\n]+\]\([^)\s]+\)/.test(head)) score += 1;
  if (/(\*\*|__)[^\s*_][^*_\n]*\1/.test(head)) score += 1;
  if (/^ {0,3}[-*+][ \t]+\S/m.test(head)) score += 1;
  if (/^ {0,3}>[ \t]?\S/m.test(head)) score += 1;
  if (/`[^`\n]+`/.test(head)) score += 1;
  return score;
}

/** Without a .csv name, demand clear evidence: several records, all split alike, at least 3 columns (or tabs). */
function looksDelimited(text: string): string | null {
  const guess = sniffDelimiter(text.slice(0, 64 * 1024));
  if (!guess || guess.records < 3 || guess.consistency < 0.9) return null;
  if (guess.delimiter !== "\t" && guess.separatorsPerRecord < 2) return null;
  return guess.delimiter;
}

function unsupportedMessage(ext: string, mime: string): string {
  const label = ext.toUpperCase();
  if (mime.startsWith("image/")) return `This is a ${label} image; Deskside reads text from PNG, JPEG and TIFF images only. Save it as PNG and import that.`;
  if (mime.startsWith("audio/") || mime.startsWith("video/")) return `This is a media file (${label}); Deskside imports ${SUPPORTED}.`;
  if (mime === "application/x-cfb") {
    return "This is a legacy Office file (.doc, .xls) or a password-protected Office document; save it as .docx or PDF without a password and import that.";
  }
  if (/spreadsheet|ms-excel/.test(mime)) return `This is a spreadsheet (${label}); save it as CSV and import that.`;
  if (/presentation|powerpoint|opendocument|rtf|epub/.test(mime)) {
    return `Deskside cannot read ${label} files; save it as PDF or .docx and import that.`;
  }
  if (/zip|gzip|x-7z|x-rar|x-tar|x-bzip2|x-xz|zstd|x-lzh|vnd\.ms-cab/.test(mime)) {
    return `This is an archive (${label}); unpack it and import the documents inside.`;
  }
  if (/msdownload|x-elf|x-mach|x-executable|x-sharedlib|x-msi|java-archive|x-apple-diskimage|x-iso9660/.test(mime)) {
    return `This is a program or disk image (${label}), not a document.`;
  }
  return `Deskside cannot read ${label} files (${mime}); it imports ${SUPPORTED}.`;
}
