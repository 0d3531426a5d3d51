import {fileTooLarge, formatMegabytes, type FileLimits} from "./file-limits.js";
import {inflatedSize} from "./inflated-size.js";

/**
 * Finds decompression bombs in a PDF before PDF.js inflates anything. Every Flate-compressed
 * stream that text extraction may read (page contents, fonts, object streams; not images, which
 * are never decoded for text) is inflated once as a stream, counting and dropping the output, and
 * the total must stay within the file's unpack limit. A 500 KB stream that unpacks to 400 MB is
 * stopped at the limit without holding any of it.
 */

const STREAM = Buffer.from("stream", "latin1");
const END_STREAM = Buffer.from("endstream", "latin1");
/** How far back from "stream" its dictionary may start. */
const DICT_LOOKBACK = 4096;

export async function checkPdfStreams(bytes: Uint8Array, limits: FileLimits): Promise<void> {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let budget = limits.maxUnpackedBytes;
  let from = 0;
  for (;;) {
    const keyword = pdf.indexOf(STREAM, from);
    if (keyword < 0) return;
    from = keyword + STREAM.length;
    if (keyword >= 3 && pdf.toString("latin1", keyword - 3, keyword) === "end") continue;
    const dataStart = afterEndOfLine(pdf, from);
    if (dataStart < 0) continue;
    const dictionary = dictionaryBefore(pdf, keyword);
    if (!dictionary || !/\/(FlateDecode|Fl)\b/.test(dictionary) || /\/Subtype\s*\/Image\b/.test(dictionary)) continue;
    const dataEnd = pdf.indexOf(END_STREAM, dataStart);
    const data = pdf.subarray(dataStart, dataEnd < 0 ? pdf.length : dataEnd);
    from = dataEnd < 0 ? pdf.length : dataEnd + END_STREAM.length;
    budget -= await inflatedSize(data, budget, "zlib");
    if (budget < 0)
      throw fileTooLarge(`The compressed streams of this PDF unpack to more than ${formatMegabytes(limits.maxUnpackedBytes)}; it may be a decompression bomb and was not opened.`, {
        maxUnpackedBytes: limits.maxUnpackedBytes,
      });
  }
}

/** "stream" is followed by CRLF or LF before the data; anything else is the word inside text. */
function afterEndOfLine(pdf: Buffer, at: number): number {
  if (pdf[at] === 0x0d && pdf[at + 1] === 0x0a) return at + 2;
  if (pdf[at] === 0x0a || pdf[at] === 0x0d) return at + 1;
  return -1;
}

/** The text between the object header and "stream": the stream's dictionary. */
function dictionaryBefore(pdf: Buffer, keyword: number): string | null {
  const start = Math.max(0, keyword - DICT_LOOKBACK);
  const text = pdf.toString("latin1", start, keyword);
  const objectStart = text.lastIndexOf(" obj");
  const dictionary = objectStart >= 0 ? text.slice(objectStart) : text;
  return dictionary.includes("<<") ? dictionary : null;
}
