import chardet from "chardet";
import iconv from "iconv-lite";

/**
 * The one place where bytes become text. Runbooks arrive from every era of Windows and every
 * locale, so the order is: byte-order mark, strict UTF-8, mostly-UTF-8 with damage, the encoding the
 * document declares, then chardet's statistical guess. Decoding never fails: undecodable bytes turn
 * into U+FFFD and the caller gets a warning to show.
 */

export interface DecodedText {
  text: string;
  /** Lower-case encoding name, e.g. "utf-8", "utf-16le", "windows-1252", "shift_jis". */
  encoding: string;
  warnings: string[];
}

export interface DecodeOptions {
  /** Encoding named inside the document itself (an HTML meta charset); used before guessing. */
  declaredEncoding?: string | null;
}

interface UnicodeSniff {
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be";
  bomLength: number;
}

/** Enough bytes for statistics to settle without scanning a 100 MB file twice. */
const SAMPLE_BYTES = 64 * 1024;
const REPLACEMENT = "\ufffd";

/** Byte-order marks first; then the zero-byte pattern that BOM-less UTF-16 from Windows tools leaves. */
export function sniffUnicode(bytes: Uint8Array): UnicodeSniff | null {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return {encoding: "utf-8", bomLength: 3};
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return {encoding: "utf-32le", bomLength: 4};
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return {encoding: "utf-32be", bomLength: 4};
  if (b0 === 0xff && b1 === 0xfe) return {encoding: "utf-16le", bomLength: 2};
  if (b0 === 0xfe && b1 === 0xff) return {encoding: "utf-16be", bomLength: 2};
  const pairs = Math.floor(Math.min(bytes.length, 4096) / 2);
  if (pairs < 4) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) zeroEven++;
    if (bytes[2 * i + 1] === 0) zeroOdd++;
  }
  if (zeroOdd / pairs >= 0.4 && zeroEven / pairs <= 0.05) return {encoding: "utf-16le", bomLength: 0};
  if (zeroEven / pairs >= 0.4 && zeroOdd / pairs <= 0.05) return {encoding: "utf-16be", bomLength: 0};
  return null;
}

/**
 * True when the bytes are not text in any encoding: NUL bytes outside UTF-16/32, or too many
 * control characters. A renamed executable or database must not be indexed as gibberish.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  const unicode = sniffUnicode(sample);
  if (unicode && unicode.encoding !== "utf-8") {
    const text = iconv.decode(Buffer.from(sample.subarray(unicode.bomLength)), unicode.encoding);
    return controlRatio(text) > 0.1;
  }
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (isControlCode(byte)) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

function isControlCode(code: number): boolean {
  // Tab, line feed, vertical tab, form feed, carriage return, DOS end-of-file and ANSI escapes are
  // all common in genuine text files.
  return (code < 0x20 && code !== 9 && code !== 10 && code !== 11 && code !== 12 && code !== 13 && code !== 26 && code !== 27) || code === 0x7f;
}

function controlRatio(text: string): number {
  if (text.length === 0) return 0;
  let control = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0 || isControlCode(text.charCodeAt(i))) control++;
  return control / text.length;
}

export function decodeText(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText {
  const unicode = sniffUnicode(bytes);
  if (unicode && unicode.encoding !== "utf-8") {
    return withReplacementWarning(iconv.decode(Buffer.from(bytes.subarray(unicode.bomLength)), unicode.encoding), unicode.encoding, 0);
  }
  const body = unicode ? bytes.subarray(unicode.bomLength) : bytes;
  const strict = strictUtf8(body);
  if (strict !== null) return {text: strict, encoding: "utf-8", warnings: []};

  // Mostly valid UTF-8 with a few broken bytes (a bad copy-paste, a truncated download) is still
  // UTF-8: reading it as a legacy code page would garble every correct accented letter instead.
  // In legacy text a valid multi-byte sequence is a rare accident, while each accented letter is
  // a separate invalid run; damage in UTF-8 comes in few runs.
  const stats = utf8Stats(body.subarray(0, SAMPLE_BYTES));
  if (unicode || (stats.validMultiByte > 0 && stats.validMultiByte >= stats.invalidRuns)) {
    const before = countReplacements(body);
    return withReplacementWarning(new TextDecoder("utf-8", {fatal: false, ignoreBOM: true}).decode(body), "utf-8", before);
  }

  const encoding = supportedLegacyEncoding(options.declaredEncoding) ?? guessLegacyEncoding(body);
  return withReplacementWarning(iconv.decode(Buffer.from(body), encoding), encoding, 0);
}

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", {fatal: true, ignoreBOM: true}).decode(bytes);
  } catch {
    return null;
  }
}

/** Counts well-formed multi-byte UTF-8 sequences and runs of bytes that cannot start or continue one. */
function utf8Stats(bytes: Uint8Array): {validMultiByte: number; invalidRuns: number} {
  let validMultiByte = 0;
  let invalidRuns = 0;
  let inRun = false;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      inRun = false;
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    let ok = length > 0 && i + length <= bytes.length;
    for (let k = 1; ok && k < length; k++) ok = (bytes[i + k] & 0xc0) === 0x80;
    if (ok) {
      validMultiByte++;
      inRun = false;
      i += length;
    } else {
      if (!inRun) invalidRuns++;
      inRun = true;
      i++;
    }
  }
  return {validMultiByte, invalidRuns};
}

/** U+FFFD already present as proper UTF-8 (EF BF BD) is content, not damage. */
function countReplacements(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) count++;
  return count;
}

function withReplacementWarning(text: string, encoding: string, alreadyPresent: number): DecodedText {
  let replaced = -alreadyPresent;
  for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) replaced++;
  const warnings =
    replaced > 0
      ? [`${replaced} character${replaced === 1 ? "" : "s"} could not be decoded as ${encoding.toUpperCase()} and ${replaced === 1 ? "was" : "were"} replaced with \ufffd.`]
      : [];
  return {text, encoding, warnings};
}

/** ISO-8859-1 labels almost always mean Windows-1252 in practice (curly quotes, the euro sign). */
const ALIASES: Record<string, string> = {
  "iso-8859-1": "windows-1252",
  latin1: "windows-1252",
  "us-ascii": "windows-1252",
  ascii: "windows-1252",
  "iso-8859-8-i": "iso-8859-8",
  "iso-8859-6-i": "iso-8859-6",
};

function supportedLegacyEncoding(name: string | null | undefined): string | null {
  if (!name) return null;
  const lower = name.trim().toLowerCase();
  const mapped = ALIASES[lower] ?? lower;
  if (/^utf-?(8|16|32)/.test(mapped)) return null;
  return iconv.encodingExists(mapped) ? mapped : null;
}

function guessLegacyEncoding(bytes: Uint8Array): string {
  for (const candidate of chardet.analyse(bytes.subarray(0, SAMPLE_BYTES))) {
    const supported = supportedLegacyEncoding(candidate.name);
    if (supported) return supported;
  }
  // Short Western text (a lone "café") gives chardet nothing to go on; Windows-1252 is the safest bet.
  return "windows-1252";
}
