import zlib from "node:zlib";
import {PDFDocument, StandardFonts} from "pdf-lib";
import type {ErrorCode} from "../../shared/errors.js";
import {damagedOutlookMsg} from "./outlook-msg.js";
import {HELVETICA, makeRawPdf, textContent} from "./pdf-writer.js";
import {deflateRepeated, docxParts, makeZip, wordDocument} from "./zip-writer.js";

/**
 * Files built to hurt an importer: giant lines, text without sentence ends, deep nesting, archive
 * and stream bombs, absurd counts, binary junk behind text extensions, broken encodings. Each case
 * says how it may end: a per-file error with one of `codes`, or (when `mayImport`) a bounded import.
 */

export interface HostileCase {
  name: string;
  /** What makes it hostile, for failure messages and the report. */
  why: string;
  make: () => Uint8Array | Promise<Uint8Array>;
  /** Error codes this file may fail with. */
  codes: ErrorCode[];
  /** True when importing it (bounded) is also a correct outcome. */
  mayImport: boolean;
}

const MB = 1024 * 1024;
const utf8 = (text: string) => new TextEncoder().encode(text);
const LIMIT_CODES: ErrorCode[] = ["FILE_TOO_LARGE", "FILE_TOO_COMPLEX"];
const READ_CODES: ErrorCode[] = ["PARSE_FAILED", "FILE_EMPTY", "UNSUPPORTED_TYPE"];

/** Deterministic bytes: the same suite run sees the same junk. */
function junk(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** Words without a single full stop: one endless sentence. */
function proseWithoutStops(bytes: number): string {
  const words = ["printer", "spooler", "queue", "restart", "service", "driver", "network", "adapter", "reset", "cache", "token", "session"];
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const word = words[(i * 7 + (i >> 3)) % words.length];
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(" ");
}

function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length));
}

async function manyPagePdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = pdf.addPage([595, 842]);
    for (let line = 0; line < 12; line++)
      page.drawText(`Page ${i} line ${line}: restart the spooler, clear the queue and check driver ${i % 17}.`, {x: 56, y: 780 - line * 14, size: 11, font});
  }
  return pdf.save();
}

/** A one-page PDF whose catalog claims `count` pages. */
function absurdPageCountPdf(count: number): Uint8Array {
  return makeRawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [3 0 R] /Count ${count} >>`,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    {dict: "", stream: textContent(["Only one page really exists."])},
    HELVETICA,
  ]);
}

function flateBombPdf(): Uint8Array {
  const bomb = deflateRepeated(new Uint8Array(MB), 400);
  // The deflated bytes are raw deflate; a PDF Flate stream needs the zlib wrapper.
  const header = Buffer.from([0x78, 0x9c]);
  const adler = Buffer.alloc(4);
  const data = Buffer.concat([header, Buffer.from(bomb.deflated), adler]);
  return makeRawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>",
    {dict: "/Filter /FlateDecode", stream: data},
    HELVETICA,
    {dict: "", stream: textContent(["Text after a bomb."])},
  ]);
}

/** A `.gz` whose text inflates to `megabytes` MB of one letter, written as a stream so the test costs no memory. */
function gzipBomb(megabytes: number): Uint8Array {
  const bomb = deflateRepeated(new Uint8Array(MB).fill(0x61), megabytes);
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(bomb.crc >>> 0, 0);
  trailer.writeUInt32LE(bomb.size % 2 ** 32, 4);
  return new Uint8Array(Buffer.concat([header, Buffer.from(bomb.deflated), trailer]));
}

/** A manual page whose strings name each other ten times over, eight levels deep (10^8 characters if expanded), used on every line. */
function roffStringFanOut(): Uint8Array {
  const names = ["A", "B", "C", "D", "E", "F", "G", "H"];
  const definitions = names.map((name, i) => `.ds ${name} ${i + 1 < names.length ? `\\*${names[i + 1]}`.repeat(10) : "spooler"}`);
  const lines = Array.from({length: 2_000}, (_, i) => `Queue ${i} uses \\*A today.`);
  return utf8([".TH FANOUT 5", ...definitions, ".SH NAME", "fanout \\- strings that name each other", ".SH DESCRIPTION", ...lines, ""].join("\n"));
}

function kidsLoopPdf(): Uint8Array {
  return makeRawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    {dict: "", stream: textContent(["A page tree that contains itself."])},
    HELVETICA,
  ]);
}

function deepPageTreePdf(depth: number): Uint8Array {
  const objects: string[] = ["<< /Type /Catalog /Pages 2 0 R >>"];
  for (let level = 0; level < depth; level++) {
    const self = level + 2;
    const parent = level === 0 ? "" : ` /Parent ${self - 1} 0 R`;
    objects.push(`<< /Type /Pages /Kids [${self + 1} 0 R] /Count 1${parent} >>`);
  }
  const pageNumber = depth + 2;
  objects.push(`<< /Type /Page /Parent ${pageNumber - 1} 0 R /MediaBox [0 0 595 842] /Contents ${pageNumber + 1} 0 R /Resources << /Font << /F1 ${pageNumber + 2} 0 R >> >> >>`);
  return makeRawPdf([...objects, {dict: "", stream: textContent(["Deep inside the page tree."])}, HELVETICA]);
}

function hugeTextLinePdf(bytes: number): Uint8Array {
  return makeRawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    {dict: "", stream: textContent([proseWithoutStops(bytes)]), deflate: true},
    HELVETICA,
  ]);
}

function manyTextItemsPdf(items: number): Uint8Array {
  const ops: string[] = [];
  for (let i = 0; i < items; i++) ops.push(`BT /F1 4 Tf ${(i * 7) % 580} ${(i * 3) % 830} Td (w${i % 100}) Tj ET`);
  return makeRawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    {dict: "", stream: Buffer.from(ops.join("\n"), "latin1"), deflate: true},
    HELVETICA,
  ]);
}

function docx(body: string, extra: Parameters<typeof docxParts>[1] = []): Uint8Array {
  return makeZip(docxParts(wordDocument(body), extra));
}

function paragraphXml(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
}

export const HOSTILE_CASES: HostileCase[] = [
  // ---- plain text: lines, sentences, words ---------------------------------------------------
  {name: "no-full-stops-192k.txt", why: "192 KB of prose without a sentence end (stalled the chunker 19.5 s)", make: () => utf8(proseWithoutStops(192 * 1024)), codes: LIMIT_CODES, mayImport: true},
  {name: "no-full-stops-384k.md", why: "384 KB without a sentence end (72 s before)", make: () => utf8(proseWithoutStops(384 * 1024)), codes: LIMIT_CODES, mayImport: true},
  {name: "no-full-stops-1mb.txt", why: "1 MB of one sentence", make: () => utf8(proseWithoutStops(MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "giant-word-2mb.txt", why: "one 2 MB word: no sentence, no word boundary", make: () => utf8("x".repeat(2 * MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "base64-blob.txt", why: "a pasted 192 KB base64 blob (slow for word-piece tokenizers)", make: () => utf8(Buffer.from(junk(144 * 1024)).toString("base64")), codes: LIMIT_CODES, mayImport: true},
  {name: "giant-line-words-3mb.txt", why: "3 MB on a single line", make: () => utf8(repeatTo("lorem ipsum dolor sit amet ", 3 * MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "only-newlines.txt", why: "2 MB of line breaks and nothing else", make: () => utf8("\n".repeat(2 * MB)), codes: ["FILE_EMPTY", ...LIMIT_CODES], mayImport: false},
  {name: "only-spaces.txt", why: "4 MB of spaces", make: () => utf8(" ".repeat(4 * MB)), codes: ["FILE_EMPTY", ...LIMIT_CODES], mayImport: false},
  {name: "tiny-paragraphs.txt", why: "100,000 one-letter paragraphs", make: () => utf8("a\n\n".repeat(100_000)), codes: LIMIT_CODES, mayImport: true},
  {name: "combining-marks.txt", why: "one letter carrying 200,000 combining marks (one grapheme)", make: () => utf8("a" + "\u0301".repeat(200_000)), codes: LIMIT_CODES, mayImport: true},
  {name: "zwj-emoji.txt", why: "1 MB of joined emoji sequences", make: () => utf8(repeatTo("👩\u200d👩\u200d👧\u200d👦", MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "bidi-controls.txt", why: "bidirectional override characters everywhere", make: () => utf8(repeatTo("\u202e\u2066abc\u2069\u202c ", MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "cjk-no-spaces.txt", why: "768 KB of Chinese without punctuation", make: () => utf8(repeatTo("打印机队列服务重新启动网络适配器", 768 * 1024)), codes: LIMIT_CODES, mayImport: true},
  {name: "thai-no-spaces.txt", why: "1 MB of Thai (dictionary word breaking) without spaces", make: () => utf8(repeatTo("เครื่องพิมพ์ไม่ทำงานให้รีสตาร์ทบริการ", MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "caps-headings.txt", why: "30,000 shouted headings", make: () => utf8("NETWORK SETUP\nsome text\n\n".repeat(30_000)), codes: LIMIT_CODES, mayImport: true},
  {name: "underline-headings.txt", why: "alternating underlines: a heading on every line", make: () => utf8("Title\n=====\n".repeat(50_000)), codes: LIMIT_CODES, mayImport: true},

  // ---- broken encodings ----------------------------------------------------------------------
  {name: "invalid-utf8.txt", why: "1 MB of invalid UTF-8 sequences", make: () => new Uint8Array(Buffer.from(repeatTo("\xc3\x28\xa0\xa1\xe2\x28\xa1 ", MB), "latin1")), codes: [...READ_CODES, ...LIMIT_CODES], mayImport: true},
  {name: "utf16-odd-length.txt", why: "a UTF-16 byte-order mark and an odd number of bytes", make: () => new Uint8Array([0xff, 0xfe, ...Buffer.from("Printer offline ".repeat(5000), "utf16le"), 0x41]), codes: [...READ_CODES, ...LIMIT_CODES], mayImport: true},
  {name: "utf8-surrogates.txt", why: "UTF-8-encoded surrogate halves and overlong forms", make: () => new Uint8Array(Buffer.from(repeatTo("ok \xed\xa0\x80 \xc0\xaf \xf8\x88\x80\x80\x80 ", MB), "latin1")), codes: [...READ_CODES, ...LIMIT_CODES], mayImport: true},
  {name: "utf32-garbage.txt", why: "a UTF-32 byte-order mark over random bytes", make: () => new Uint8Array([0xff, 0xfe, 0, 0, ...junk(MB, 3)]), codes: [...READ_CODES, ...LIMIT_CODES], mayImport: true},
  {name: "mixed-encodings.txt", why: "Latin-1, UTF-8 and Shift-JIS bytes in one file", make: () => new Uint8Array(Buffer.concat([Buffer.from("caf\xe9 r\xe9seau ".repeat(20000), "latin1"), Buffer.from("café réseau ".repeat(20000)), Buffer.from([0x83, 0x76, 0x83, 0x8a, 0x83, 0x93, 0x83, 0x5e].flatMap((b) => Array(2000).fill(b)))])), codes: [...READ_CODES, ...LIMIT_CODES], mayImport: true},
  {name: "bom-only.txt", why: "a byte-order mark and nothing else", make: () => new Uint8Array([0xef, 0xbb, 0xbf]), codes: ["FILE_EMPTY", "PARSE_FAILED"], mayImport: false},

  // ---- binary junk behind text extensions ----------------------------------------------------
  {name: "random.txt", why: "1 MB of random bytes named .txt", make: () => junk(MB, 11), codes: READ_CODES, mayImport: false},
  {name: "random.md", why: "random bytes named .md", make: () => junk(512 * 1024, 12), codes: READ_CODES, mayImport: false},
  {name: "random.csv", why: "random bytes named .csv", make: () => junk(512 * 1024, 13), codes: READ_CODES, mayImport: false},
  {name: "random.json", why: "random bytes named .json", make: () => junk(512 * 1024, 14), codes: READ_CODES, mayImport: false},
  {name: "random.html", why: "random bytes named .html", make: () => junk(512 * 1024, 15), codes: READ_CODES, mayImport: false},
  {name: "random.pdf", why: "random bytes named .pdf", make: () => junk(512 * 1024, 16), codes: READ_CODES, mayImport: false},
  {name: "random.docx", why: "random bytes named .docx", make: () => junk(512 * 1024, 17), codes: READ_CODES, mayImport: false},
  {name: "nul-bytes.txt", why: "text with NUL bytes between every letter run", make: () => utf8(repeatTo("printer\u0000queue\u0000", MB)), codes: [...READ_CODES, ...LIMIT_CODES], mayImport: true},
  {name: "elf-binary.md", why: "an ELF executable header named .md", make: () => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...junk(64 * 1024, 18)]), codes: READ_CODES, mayImport: false},
  {name: "gzip.txt", why: "a gzip stream named .txt", make: () => new Uint8Array(zlib.gzipSync(Buffer.alloc(4 * MB))), codes: READ_CODES, mayImport: false},
  {name: "png.pdf", why: "a PNG named .pdf", make: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...junk(4096, 19)]), codes: READ_CODES, mayImport: false},
  {name: "plain.zip.docx", why: "a ZIP without word/document.xml named .docx", make: () => makeZip([{name: "notes.txt", data: utf8("hello")}]), codes: READ_CODES, mayImport: false},

  // ---- Markdown ------------------------------------------------------------------------------
  {name: "nested-quotes.md", why: "blockquotes nested 20,000 deep", make: () => utf8(">".repeat(20_000) + " deep\n"), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "nested-lists.md", why: "a list nested 5,000 deep", make: () => utf8(Array.from({length: 5000}, (_, i) => `${"  ".repeat(i)}- item ${i}`).join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "emphasis-storm.md", why: "30,000 unmatched emphasis markers (backtracking bait)", make: () => utf8("*a **a ".repeat(30_000)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "link-brackets.md", why: "200,000 unclosed link brackets", make: () => utf8("[".repeat(200_000) + "x"), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "wide-table.md", why: "a table row with 20,000 columns", make: () => utf8(`| ${Array.from({length: 20_000}, (_, i) => `c${i}`).join(" | ")} |\n|${" --- |".repeat(20_000)}\n| ${"x | ".repeat(20_000)}\n`), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "many-headings.md", why: "30,000 headings", make: () => utf8(Array.from({length: 30_000}, (_, i) => `${"#".repeat((i % 6) + 1)} Heading ${i}`).join("\n")), codes: LIMIT_CODES, mayImport: true},
  {name: "unclosed-fence.md", why: "a code fence opened and never closed over 1 MB", make: () => utf8("# Setup\n\n```\n" + repeatTo("echo restart; ", MB)), codes: LIMIT_CODES, mayImport: true},
  {name: "html-in-md.md", why: "20,000 nested <div>s inside Markdown", make: () => utf8("<div>".repeat(20_000) + "text" + "</div>".repeat(20_000)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},

  // ---- HTML ----------------------------------------------------------------------------------
  {name: "nested-divs.html", why: "100,000 nested <div>s", make: () => utf8("<!doctype html><html><body>" + "<div>".repeat(100_000) + "deep" + "</div>".repeat(100_000) + "</body></html>"), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "nested-tables.html", why: "20,000 nested tables", make: () => utf8("<!doctype html><html><body>" + "<table><tr><td>".repeat(20_000) + "x" + "</td></tr></table>".repeat(20_000) + "</body></html>"), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "many-paragraphs.html", why: "30,000 paragraphs", make: () => utf8("<!doctype html><html><body>" + "<p>Restart the spooler.</p>".repeat(30_000) + "</body></html>"), codes: LIMIT_CODES, mayImport: true},
  {name: "huge-script.html", why: "a 2 MB script and one sentence of text", make: () => utf8(`<!doctype html><html><body><script>${repeatTo("var a=1;", 2 * MB)}</script><p>Visible text.</p></body></html>`), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "unclosed-tags.html", why: "200,000 unclosed <b> tags", make: () => utf8("<!doctype html><html><body><p>" + "<b>x".repeat(200_000) + "</p></body></html>"), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "entity-flood.html", why: "400,000 character references", make: () => utf8("<!doctype html><html><body><p>" + "&#x41;&amp;".repeat(200_000) + "</p></body></html>"), codes: LIMIT_CODES, mayImport: true},
  {name: "huge-attribute.html", why: "a 2 MB attribute value", make: () => utf8(`<!doctype html><html><body><p title="${"a".repeat(2 * MB)}">short text here.</p></body></html>`), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "open-comment.html", why: "a comment opened and never closed over 1 MB", make: () => utf8("<!doctype html><html><body><p>before</p><!--" + "x".repeat(MB)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},

  // ---- CSV -----------------------------------------------------------------------------------
  {name: "million-columns.csv", why: "one row of 1,000,000 columns, 9.9 MB (stalled the server for minutes, 4.3 GB)", make: () => utf8(Array.from({length: 1_000_000}, (_, i) => `val${i}`).join(",")), codes: LIMIT_CODES, mayImport: false},
  {name: "wide-header.csv", why: "a 20,000-column header over 10 rows", make: () => utf8(Array.from({length: 11}, (_, r) => Array.from({length: 20_000}, (_, c) => (r === 0 ? `col${c}` : `${r}x${c}`)).join(",")).join("\n")), codes: LIMIT_CODES, mayImport: false},
  {name: "unclosed-quote-start.csv", why: "a quote opened in the first field and never closed, over 2 MB", make: () => utf8('name,notes\n"' + repeatTo("a,b\n", 2 * MB)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "unclosed-quote-every-line.csv", why: "30,000 lines, each with an unclosed quote (quadratic retry bait)", make: () => utf8("name,notes\n" + 'x,"broken\n'.repeat(30_000)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "giant-cell.csv", why: "one 1 MB cell", make: () => utf8(`name,notes\nprinter,"${proseWithoutStops(MB)}"\n`), codes: LIMIT_CODES, mayImport: true},
  {name: "many-rows.csv", why: "60,000 tiny rows", make: () => utf8("id,state\n" + Array.from({length: 60_000}, (_, i) => `${i},ok`).join("\n")), codes: LIMIT_CODES, mayImport: true},
  {name: "delimiter-soup.csv", why: "commas, tabs, semicolons and pipes mixed on 30,000 lines", make: () => utf8(Array.from({length: 30_000}, (_, i) => ["a,b;c", "d\te|f", "g;h,i|j"][i % 3]).join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},

  // ---- JSON ----------------------------------------------------------------------------------
  {name: "deep-arrays.json", why: "arrays nested 200,000 deep", make: () => utf8("[".repeat(200_000) + "1" + "]".repeat(200_000)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: false},
  {name: "deep-objects.json", why: "objects nested 100,000 deep", make: () => utf8('{"a":'.repeat(100_000) + "1" + "}".repeat(100_000)), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: false},
  {name: "moderately-deep.json", why: "records nested 2,000 deep", make: () => utf8(`[${'{"q":"reset","a":'.repeat(2000)}"done"${"}".repeat(2000)}]`), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "many-keys.json", why: "one object with 100,000 keys", make: () => utf8(`{${Array.from({length: 100_000}, (_, i) => `"k${i}":${i}`).join(",")}}`), codes: LIMIT_CODES, mayImport: true},
  {name: "huge-string.json", why: "one 1 MB string value", make: () => utf8(`[{"question":"why","answer":"${proseWithoutStops(MB)}"}]`), codes: LIMIT_CODES, mayImport: true},
  {name: "number-array.json", why: "an array of 100,000 numbers", make: () => utf8(`[${Array.from({length: 100_000}, (_, i) => i).join(",")}]`), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "broken-lines.jsonl", why: "10,000 JSON Lines, every other one damaged", make: () => utf8(Array.from({length: 10_000}, (_, i) => (i % 2 ? `{"q": "broken ${i}"` : `{"q":"reset ${i}","a":"ok"}`)).join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "proto-keys.json", why: "__proto__ and constructor keys", make: () => utf8(`[{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"question":"reset password","answer":"use the portal"}]`), codes: READ_CODES, mayImport: true},

  // ---- Word documents and ZIP bombs ----------------------------------------------------------
  {name: "zeros-500mb.docx", why: "document.xml inflates to 500 MB of zeros (peaked at 2.07 GB before)", make: () => makeZip(docxParts(deflateRepeated(new Uint8Array(MB), 500))), codes: LIMIT_CODES, mayImport: false},
  {name: "lying-sizes.docx", why: "headers declare 1 KB, the entry inflates to 300 MB", make: () => makeZip(docxParts({...deflateRepeated(utf8(repeatTo("<w:p/>", MB)), 300), size: 1024})), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: false},
  {name: "many-entries.docx", why: "a valid document plus 60,000 extra entries", make: () => docx(paragraphXml("Restart the spooler."), Array.from({length: 60_000}, (_, i) => ({name: `word/media/x${i}.bin`, data: utf8("x"), store: true}))), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "deep-xml.docx", why: "document.xml nested 100,000 elements deep", make: () => docx("<w:p>" + "<w:r>".repeat(100_000) + "<w:t>x</w:t>" + "</w:r>".repeat(100_000) + "</w:p>"), codes: [...LIMIT_CODES, "PARSE_FAILED", "FILE_EMPTY"], mayImport: true},
  {name: "many-paragraphs.docx", why: "20,000 paragraphs", make: () => docx(paragraphXml("Restart the print spooler and clear the queue.").repeat(20_000)), codes: LIMIT_CODES, mayImport: true},
  {name: "one-huge-run.docx", why: "one 1 MB run of text without a sentence end", make: () => docx(paragraphXml(proseWithoutStops(MB))), codes: LIMIT_CODES, mayImport: true},
  {name: "entity-expansion.docx", why: "a DOCTYPE with nested entities (billion laughs)", make: () => makeZip(docxParts(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>`)), codes: [...LIMIT_CODES, "PARSE_FAILED", "FILE_EMPTY"], mayImport: true},
  {name: "truncated.docx", why: "a Word document cut in half", make: () => {
      const whole = docx(Array.from({length: 2000}, (_, i) => paragraphXml(`Restart spooler ${i} and clear queue ${i * 7}.`)).join(""));
      return whole.subarray(0, Math.floor(whole.length / 2));
    }, codes: READ_CODES, mayImport: false},
  {name: "nested-zip.docx", why: "a ZIP bomb stored inside the document", make: () => docx(paragraphXml("outer"), [{name: "word/embeddings/inner.zip", data: makeZip([{name: "z", ...deflateRepeated(new Uint8Array(MB), 200)}]), store: true}]), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "zip64-sizes.docx", why: "sizes set to the ZIP64 marker without a ZIP64 record", make: () => makeZip(docxParts({deflated: zlib.deflateRawSync(utf8(wordDocument(paragraphXml("hi")))), size: 0xffffffff, crc: 0})), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: false},

  // ---- PDF -----------------------------------------------------------------------------------
  {name: "pages-300.pdf", why: "a real 300-page manual (stalled the server 3.6 s)", make: () => manyPagePdf(300), codes: LIMIT_CODES, mayImport: true},
  {name: "absurd-page-count.pdf", why: "one page, a catalog that claims 100,000,000", make: () => absurdPageCountPdf(100_000_000), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "flate-bomb.pdf", why: "a content stream that inflates to 400 MB", make: () => flateBombPdf(), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: false},
  {name: "kids-loop.pdf", why: "a page tree that contains itself", make: () => kidsLoopPdf(), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "deep-page-tree.pdf", why: "a page tree 5,000 levels deep", make: () => deepPageTreePdf(5000), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "huge-text-line.pdf", why: "one 1 MB line of text on a page", make: () => hugeTextLinePdf(MB), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "many-text-items.pdf", why: "100,000 scattered text runs on one page", make: () => manyTextItemsPdf(100_000), codes: [...LIMIT_CODES, "PARSE_FAILED"], mayImport: true},
  {name: "truncated.pdf", why: "a PDF cut off after its first page", make: async () => (await manyPagePdf(3)).subarray(0, 1500), codes: READ_CODES, mayImport: true},
  {name: "header-then-junk.pdf", why: "a PDF header followed by 1 MB of junk", make: () => new Uint8Array([...utf8("%PDF-1.7\n"), ...junk(MB, 21)]), codes: READ_CODES, mayImport: false},

  // ---- Email ---------------------------------------------------------------------------------
  {name: "nested-parts.eml", why: "multipart parts nested 20,000 deep", make: () => utf8(mail(["MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b0"'], Array.from({length: 20_000}, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n`).join("\r\n"))), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: false},
  {name: "header-flood.eml", why: "200,000 header lines (4 MB) before a one-line body", make: () => utf8(mail(Array.from({length: 200_000}, (_, i) => `X-Trace-${i}: relay ${i}`), "The printer is back.")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "folded-subject.eml", why: "one Subject header folded over 100,000 lines", make: () => utf8(mail([`Subject: ${Array.from({length: 100_000}, (_, i) => `part${i}`).join("\r\n ")}`], "Restart the spooler.")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "many-attachments.eml", why: "10,000 tiny attachments beside one line of text", make: () => utf8(mail(["MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"'], ["--b\r\nContent-Type: text/plain\r\n\r\nSee the logs.", ...Array.from({length: 10_000}, (_, i) => `--b\r\nContent-Type: text/plain; name="log${i}.txt"\r\nContent-Disposition: attachment; filename="log${i}.txt"\r\n\r\nline ${i}`), "--b--"].join("\r\n"))), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "bomb.txt.gz", why: "a gzipped text that unpacks to 1 GB", make: () => gzipBomb(1024), codes: LIMIT_CODES, mayImport: false},
  {name: "roff-string-fanout.5", why: "a manual page whose strings name each other ten times over, 10^8 characters per use if expanded", make: () => roffStringFanOut(), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "roff-unclosed.8", why: "a manual page of 200,000 branches opened and never closed, and a table never ended", make: () => utf8([".TH OPEN 8", ".SH NAME", "open \\- never closed", ".TS", "tab(:);", "l l.", ...Array.from({length: 100_000}, (_, i) => `T{\ncell ${i}`), ...Array.from({length: 200_000}, () => ".if t \\{\\"), ".SH GONE", "text"].join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "info-many-nodes.info", why: "an Info file of 200,000 nodes, each a heading and one option tag over a staircase of indents", make: () => utf8(Array.from({length: 200_000}, (_, i) => `\u001f\nFile: x.info,  Node: n${i},  Up: Top\n\nN ${i}\n===${"=".repeat(String(i).length)}\n\n‘-${i}’\n    a\n        b\n            c\n`).join("")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "info-markers.info", why: "an Info file whose index markers (NUL bytes) fill 16 MB, the last never closed", make: () => utf8(`\u001f\nFile: x.info,  Node: Index,  Up: Top\n\nIndex\n*****\n\n${"\u0000\u0008[index\u0000\u0008]\n* entry:   Top.   (line 1)\n".repeat(400_000)}\u0000\u0008[index`), codes: [...LIMIT_CODES, ...READ_CODES, "FILE_EMPTY", "UNSUPPORTED_TYPE"], mayImport: true},
  {name: "rst-staircase.rst", why: "reStructuredText of 200,000 bullets, notes and block quotes, each indented one more space than the last, 200 deep and back, over and over", make: () => utf8(Array.from({length: 200_000}, (_, i) => `${" ".repeat(i % 200)}${["- ", ".. note:: ", ""][i % 3]}step ${i} \`\`x\`\` *y*`).join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "rst-directive-storm.rst", why: "reStructuredText of 100,000 substitutions defined by the previous one twice, unclosed roles, grid tables never closed, titles and list tables claiming 99 header rows", make: () => utf8(Array.from({length: 100_000}, (_, i) => `.. |a${i}| replace:: |a${Math.max(0, i - 1)}| and |a${Math.max(0, i - 1)}|\n\nUse |a${i}| :ref:\`x${i}\` \`open\n\n+---+---\n| x | y ${i}\n\n.. _x${i}:\n\nT${i}\n${"~".repeat(String(i).length + 1)}\n\n.. list-table::\n   :header-rows: 99\n\n   * - a\n     - b\n`).join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "myst-directive-storm.md", why: "MyST Markdown of 50,000 directives opened with colon fences of growing length and never closed, between unclosed roles and directive fences", make: () => utf8(Array.from({length: 100_000}, (_, i) => (i % 2 ? `{ref}\`open ${i} \`\`\`{note} {x}\`y\`` : `${":".repeat(3 + (i % 7))}{note} step ${i}`)).join("\n")), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
  {name: "sector-loop.msg", why: "an Outlook message whose sector chains loop (its reader went round for ever)", make: () => damagedOutlookMsg("sector-loop"), codes: READ_CODES, mayImport: false},
  {name: "huge-stream.msg", why: "an Outlook message whose streams claim 2 GB each", make: () => damagedOutlookMsg("huge-stream"), codes: READ_CODES, mayImport: false},
  {name: "many-messages.mbox", why: "a mailbox of 25,000 tiny messages", make: () => utf8(Array.from({length: 25_000}, (_, i) => `From a@example.com Tue Mar  5 14:02:11 2024\n${mail([`Subject: ticket ${i}`], `Reset ${i}.`)}\n`).join("\n")), codes: LIMIT_CODES, mayImport: false},
  {name: "mailbox-20k.mbox", why: "a mailbox of 20,000 short tickets, each its own section", make: () => utf8(Array.from({length: 20_000}, (_, i) => `From a@example.com Tue Mar  5 14:02:11 2024\n${mail([`Subject: printer ${i} offline`], `Restart the spooler on printer ${i}, then clear its queue.`)}\n`).join("\n")), codes: LIMIT_CODES, mayImport: true},
  {name: "mailbox-alternative.mbox", why: "5,000 messages, each with a plain and an HTML part (a DOM per message took 15 ms: 75 s, past the file's time budget)", make: () => utf8(Array.from({length: 5_000}, (_, i) => `From a@example.com Tue Mar  5 14:02:11 2024\n${mail(["MIME-Version: 1.0", 'Content-Type: multipart/alternative; boundary="b"', `Subject: printer ${i} offline`], ["--b", "Content-Type: text/plain; charset=utf-8", "", `Restart the spooler on printer ${i}, then clear its queue.`, "--b", "Content-Type: text/html; charset=utf-8", "", `<html><head><style>p {margin: 0}</style></head><body><p>Restart the spooler on printer ${i}, then clear its queue.</p></body></html>`, "--b--"].join("\r\n"))}\n`).join("\n")), codes: [], mayImport: true},
  {name: "mailbox-html-only.mbox", why: "5,000 messages with only an HTML part (a new DOM per message: 75 s, past the file's time budget)", make: () => utf8(Array.from({length: 5_000}, (_, i) => `From a@example.com Tue Mar  5 14:02:11 2024\n${mail(["MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8", `Subject: printer ${i} offline`], `<html><head><title>x</title><style>p {margin: 0}</style></head><body><h2>Printer ${i}</h2><p>Restart the spooler on printer ${i}, then clear its queue.</p></body></html>`)}\n`).join("\n")), codes: [], mayImport: true},
  {name: "only-from-lines.mbox", why: "200,000 mailbox separator lines and no message", make: () => utf8("From a@example.com Tue Mar  5 14:02:11 2024\n\n".repeat(200_000)), codes: ["FILE_EMPTY", ...READ_CODES, ...LIMIT_CODES], mayImport: false},
  {name: "base64-attachment-20mb.eml", why: "a 20 MB base64 attachment beside one line of text", make: () => utf8(mail(["MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"'], ["--b\r\nContent-Type: text/plain\r\n\r\nThe dump is attached.", '--b\r\nContent-Type: application/octet-stream; name="core.dump"\r\nContent-Disposition: attachment; filename="core.dump"\r\nContent-Transfer-Encoding: base64\r\n', (Buffer.from(junk(15 * MB, 22)).toString("base64").match(/.{1,76}/g) ?? []).join("\r\n"), "--b--"].join("\r\n"))), codes: [...LIMIT_CODES, ...READ_CODES], mayImport: true},
];

/** A mail with the usual envelope headers, the given extra headers, then the body. */
function mail(headers: string[], body: string): string {
  return ["From: Help Desk <helpdesk@example.com>", "To: ops@example.com", "Date: Tue, 05 Mar 2024 14:02:11 +0100", "Message-ID: <1@example.com>", ...headers, "", body].join("\r\n");
}
