/**
 * The layout of a GNU Info file, as makeinfo (texi2any) writes the manuals of coreutils, grep, sed,
 * find, tar, bash and most GNU software into `/usr/share/info`: a preamble, then units that each
 * start with the unit separator (0x1F). A unit is a node ("File: sed.info,  Node: Introduction,
 * Next: …,  Up: Top" and its text), or a table for the Info reader (the indirect table that lists
 * the parts a large manual is split into, the tag table of node offsets, Emacs's local variables).
 */

export interface InfoNode {
  /** The node's name from its header ("ls invocation"). */
  name: string;
  /** The Info file the header names ("coreutils.info"), shared by every part of a split manual. */
  file: string;
  /** The lines after the header line. */
  lines: string[];
}

export interface InfoFile {
  nodes: InfoNode[];
  /** The parts a split manual keeps its text in (`find.info-1`…), listed by the indirect table of its main file. */
  parts: string[];
}

const SEPARATOR = "\u001f";
/** A unit's first line: a node header, or one of the reader's tables. */
// eslint-disable-next-line no-control-regex -- Info files are laid out with control characters
const UNIT_START = /\u001f\f?\r?\n(File:[ \t]*[^,\t\n]+[,\t][ \t]*Node:|Indirect:|Tag Table:)/;
/** Markers makeinfo leaves for the Info reader around index entries and images: NUL, backspace, brackets. */
// eslint-disable-next-line no-control-regex -- Info files are laid out with control characters
export const READER_MARKERS = /\u0000\u0008\[[^\u0000\n]{0,1000}\u0000\u0008\]/g;
const SNIFF_CHARS = 256 * 1024;

/** Whether text is an Info file: a node header or the reader's tables right after a separator. */
export function looksLikeInfo(text: string): boolean {
  return UNIT_START.test(text.slice(0, SNIFF_CHARS));
}

/**
 * Whether bytes are an Info file whose only NUL bytes are the reader's markers: an index node or
 * an image is written with them, and other text with NUL bytes in it is binary.
 */
export function isInfoWithMarkers(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SNIFF_CHARS)).toString("latin1");
  if (!looksLikeInfo(head)) return false;
  // A marker cut by the end of the sample does not count against the file.
  const whole = bytes.length <= SNIFF_CHARS ? head : head.slice(0, head.lastIndexOf("\n"));
  return !whole.replace(READER_MARKERS, "").includes("\u0000");
}

export function readInfoFile(text: string): InfoFile {
  const nodes: InfoNode[] = [];
  const parts: string[] = [];
  // The first unit is the preamble (what makeinfo wrote it from, the copyright, the entries for
  // Info's directory); every part of a split manual repeats it.
  const units = text.split(SEPARATOR).slice(1);
  for (const unit of units) {
    const lines = unit.replace(/^\f?\r?\n/, "").split(/\r?\n/);
    const first = lines[0] ?? "";
    if (first.startsWith("Indirect:")) {
      for (const line of lines.slice(1)) {
        const part = /^([^:\n]+):[ \t]*\d+[ \t]*$/.exec(line);
        if (part) parts.push(part[1].trim());
      }
      continue;
    }
    const header = nodeHeader(first);
    if (header) nodes.push({...header, lines: lines.slice(1)});
    // Anything else is for the Info reader: the tag table, its end, local variables.
  }
  return {nodes, parts};
}

/** "File: sed.info,  Node: Introduction,  Next: Invoking sed,  Prev: Top,  Up: Top" (fields may be separated by tabs). */
function nodeHeader(line: string): {name: string; file: string} | null {
  if (!line.startsWith("File:")) return null;
  const fields = new Map<string, string>();
  for (const match of line.matchAll(/(File|Node|Next|Prev|Previous|Up):[ \t]*([^,\t]*)/g)) {
    if (!fields.has(match[1])) fields.set(match[1], match[2].trim());
  }
  const name = fields.get("Node");
  const file = fields.get("File");
  return name && file ? {name, file} : null;
}
