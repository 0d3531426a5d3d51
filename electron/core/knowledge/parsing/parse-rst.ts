import {DesksideError} from "../../../../shared/errors.js";
import {decodeText} from "./decode-text.js";
import {baseNameOf, titleFromFileName} from "./file-name.js";
import {HeadingPath} from "./heading-path.js";
import {MIME} from "./mime.js";
import {expandTabs, RstReader, SUBSTITUTION_DEFINITION, titleAt} from "./rst/rst-body.js";
import type {InlineContext} from "./rst/rst-inline.js";
import type {Block, ParsedDocument} from "./types.js";

/**
 * reStructuredText, the source of Sphinx and docutils manuals (Python's tools, Read the Docs sites,
 * BorgBackup, Ansible, the Linux kernel's documentation) and of many READMEs: read as the rendered
 * page reads, with each section a heading, option and definition lists as one item per entry, code
 * as code, admonitions labelled ("Warning: …"), and without comments, link targets, tables of
 * contents, index entries or role and link syntax.
 */

export async function parseRst(bytes: Uint8Array, fileName: string): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const lines = decoded.text
    .replace(/^\ufeff/, "")
    .split(/\r\n?|\n/)
    .map((line) => expandTabs(line).trimEnd());
  const reader = new RstReader(inlineContextOf(lines));
  reader.read(lines);
  if (reader.includes.length > 0 && !reader.blocks.some((block) => block.type !== "heading")) {
    // A Sphinx page whose text comes from files it includes (generated command references, shared fragments).
    throw new DesksideError("FILE_EMPTY", `This reStructuredText file only includes other files (${reader.includes.slice(0, 5).join(", ")}), which hold its text; import those instead.`, {
      details: {includes: reader.includes},
    });
  }

  const blocks: Block[] = [];
  const headings = new HeadingPath();
  for (const block of reader.blocks) {
    if (block.type === "heading") blocks.push({type: "heading", text: block.text, level: block.level, headingPath: headings.enter(block.level ?? 1, block.text)});
    else blocks.push({type: block.type, text: block.text, headingPath: headings.current()});
  }
  // docutils makes a document's first title, when it is the only one at its level, the page title.
  const first = blocks.find((block) => block.type === "heading");
  return {
    title: first?.level === 1 ? first.text : titleFromFileName(baseNameOf(fileName).replace(/\.(rst|rest)(\.txt)?$/i, ".rst")),
    kind: "rst",
    mime: MIME.rst,
    blocks,
    meta: {encoding: decoded.encoding},
    warnings: decoded.warnings,
  };
}

/**
 * Substitutions (`.. |name| replace:: text`) and the section titles that link targets (`.. _label:`)
 * stand right above, collected before reading so that a reference before its target resolves too.
 */
function inlineContextOf(lines: string[]): InlineContext {
  const substitutions = new Map<string, string>();
  const labels = new Map<string, string>();
  const pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith("..")) {
      if (line.trim() === "") continue;
      const title = pending.length > 0 ? titleAt(lines, i) : null;
      // Titles keep their words; their markup would need the context being built.
      if (title) for (const label of pending) labels.set(label, title.title.replace(/[`*|]|:[\w:+.-]+:/g, ""));
      pending.length = 0;
      continue;
    }
    const target = /^\.\.\s+_([^:\n]{1,200}):\s*$/.exec(line);
    if (target) {
      pending.push(target[1].trim().replace(/^`|`$/g, "").toLowerCase());
      continue;
    }
    pending.length = 0;
    const substitution = SUBSTITUTION_DEFINITION.exec(line);
    if (!substitution) continue;
    const [, name, kind, value = ""] = substitution;
    let text = value;
    for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j]); j++) text += ` ${lines[j].trim()}`;
    substitutions.set(name.trim().toLowerCase(), substitutionText(kind.toLowerCase(), text.trim()));
  }
  return {substitutions, labels};
}

function substitutionText(kind: string, value: string): string {
  if (kind === "replace") return value.replace(/[`*]/g, "");
  if (kind === "unicode") {
    return value
      .replace(/\.\..*$/, "")
      .split(/\s+/)
      .map((part) => {
        const code = /^(?:U\+|u|0x|\\x|x|&#x)([0-9a-f]{1,6});?$/i.exec(part);
        const point = code ? Number.parseInt(code[1], 16) : /^\d{1,7}$/.test(part) ? Number(part) : NaN;
        return Number.isFinite(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : part;
      })
      .join("");
  }
  // Images and dates have no words to keep.
  return "";
}
