import {DesksideError} from "../../../../shared/errors.js";
import {decodeText} from "./decode-text.js";
import {extensionOf, titleFromFileName} from "./file-name.js";
import {recordText} from "./json-record-text.js";
import {treeBlocks} from "./json-tree-text.js";
import {MIME} from "./mime.js";
import type {Block, ParsedDocument} from "./types.js";

/**
 * FAQ and ticket exports as JSON or JSON Lines: each entry becomes one record block. A JSONL file
 * survives a few damaged lines (reported as warnings); a JSON document is all or nothing.
 */

/** Keys that conventionally wrap the list of entries in an export. */
const WRAPPER_KEYS = ["items", "data", "records", "faqs", "faq", "tickets", "issues", "results", "entries", "rows", "articles", "questions", "documents", "value"];
const MAX_LISTED_LINES = 5;

export async function parseJson(bytes: Uint8Array, fileName: string): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const text = decoded.text.replace(/^\ufeff/, "");
  const ext = extensionOf(fileName);
  const warnings = [...decoded.warnings];

  let entries: {value: unknown; row: number}[];
  let format: "json" | "jsonl";
  const whole = tryParse(text);
  if (whole.ok) {
    format = "json";
    entries = entriesOf(whole.value).map((value, index) => ({value, row: index + 1}));
  } else if (ext === "jsonl" || ext === "ndjson" || looksLikeJsonLines(text)) {
    format = "jsonl";
    entries = [];
    const bad: number[] = [];
    text.split(/\r?\n/).forEach((line, index) => {
      if (!line.trim()) return;
      const parsed = tryParse(line);
      if (parsed.ok) entries.push({value: parsed.value, row: index + 1});
      else bad.push(index + 1);
    });
    if (entries.length === 0) throw new DesksideError("PARSE_FAILED", "None of the lines in this JSON Lines file is valid JSON.");
    if (bad.length > 0) {
      const listed = bad.slice(0, MAX_LISTED_LINES).join(", ") + (bad.length > MAX_LISTED_LINES ? ` and ${bad.length - MAX_LISTED_LINES} more` : "");
      warnings.push(`${bad.length === 1 ? "Line" : "Lines"} ${listed} ${bad.length === 1 ? "is" : "are"} not valid JSON and ${bad.length === 1 ? "was" : "were"} skipped.`);
    }
  } else {
    throw new DesksideError("PARSE_FAILED", `This JSON file is not valid: ${whole.message}`);
  }

  const blocks: Block[] = [];
  let empty = 0;
  for (const entry of entries) {
    const body = recordText(entry.value);
    if (body.trim()) blocks.push({type: "record", text: body.trim(), headingPath: [], row: entry.row});
    else empty++;
  }
  // One nested document (an API reference) rather than records: read as a tree of named sections.
  if (blocks.length === 0 && format === "json" && whole.ok) {
    const tree = treeBlocks(whole.value);
    if (tree.some((block) => block.type === "paragraph")) {
      return {title: titleFromFileName(fileName), kind: "json", mime: MIME.json, blocks: tree, meta: {format, reading: "tree", encoding: decoded.encoding}, warnings};
    }
  }
  if (empty > 0) warnings.push(`${empty} ${empty === 1 ? "entry has" : "entries have"} no text and ${empty === 1 ? "was" : "were"} skipped.`);

  return {
    title: titleFromFileName(fileName),
    kind: "json",
    mime: format === "jsonl" ? MIME.jsonl : MIME.json,
    blocks,
    meta: {format, recordCount: blocks.length, encoding: decoded.encoding},
    warnings,
  };
}

function tryParse(text: string): {ok: true; value: unknown} | {ok: false; message: string} {
  try {
    return {ok: true, value: JSON.parse(text)};
  } catch (error) {
    // Only a syntax error says the text is not JSON; running out of memory says nothing about it.
    if (!(error instanceof SyntaxError)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return {ok: false, message: message.length > 200 ? `${message.slice(0, 200)}…` : message};
  }
}

/** More than one line, and the first one a complete object or array on its own. */
function looksLikeJsonLines(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  const first = lines[0]?.trim() ?? "";
  return lines.length >= 2 && (first.startsWith("{") || first.startsWith("[")) && tryParse(first).ok;
}

/** The list of entries: the array itself, a conventional wrapper's array, or the single object. */
function entriesOf(root: unknown): unknown[] {
  if (Array.isArray(root)) return root;
  if (root === null || typeof root !== "object") return [root];
  const object = root as Record<string, unknown>;
  const found = wrappedArray(object);
  if (found) return found;
  for (const value of Object.values(object)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const inner = wrappedArray(value as Record<string, unknown>);
      if (inner) return inner;
    }
  }
  const arraysOfObjects = Object.values(object).filter((value) => Array.isArray(value) && value.length > 0 && value.every((item) => item && typeof item === "object"));
  return arraysOfObjects.length === 1 ? (arraysOfObjects[0] as unknown[]) : [root];
}

function wrappedArray(object: Record<string, unknown>): unknown[] | null {
  const byLowerKey = new Map(Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]));
  for (const key of WRAPPER_KEYS) {
    const value = byLowerKey.get(key);
    if (Array.isArray(value)) return value;
  }
  return null;
}
