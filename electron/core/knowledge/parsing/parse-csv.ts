import {parse, type Options} from "csv-parse/sync";
import {DesksideError} from "../../../../shared/errors.js";
import {decodeText} from "./decode-text.js";
import {extensionOf, titleFromFileName} from "./file-name.js";
import {fileTooComplex, formatCount, type FileLimits} from "./file-limits.js";
import {MIME} from "./mime.js";
import {sniffDelimiter} from "./sniff-delimiter.js";
import type {Block, ParsedDocument} from "./types.js";

/**
 * Spreadsheet exports (asset lists, ticket dumps, phone lists): one record block per row, written
 * as "Column: value" lines so a row found by search explains itself. Damaged rows are kept when
 * they can be read at all and reported as warnings; the file only fails when nothing is readable.
 */

interface RawRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
  /** Set when the record had to be read without quote handling. */
  malformed?: boolean;
}

const MAX_LISTED_ROWS = 5;
/**
 * Each unclosed quote makes csv-parse read to the end of the text before the line is retried, so
 * retries cost the rest of the file each; past this many the remainder is read without quotes.
 */
const MAX_QUOTE_RETRIES = 100;

export async function parseCsv(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<ParsedDocument> {
  const decoded = decodeText(bytes);
  const text = decoded.text.replace(/^\ufeff/, "");
  const ext = extensionOf(fileName);
  const delimiter = sniffDelimiter(text.slice(0, 64 * 1024))?.delimiter ?? (ext === "tsv" || ext === "tab" ? "\t" : ",");
  const {records, warnings} = readRecords(text, delimiter, limits.maxCsvColumns);

  const nonEmpty = records.filter((record) => record.fields.some((field) => field.trim()));
  if (nonEmpty.length === 0) {
    if (text.trim()) throw new DesksideError("PARSE_FAILED", "No rows could be read from this CSV file.");
    throw new DesksideError("FILE_EMPTY", "This CSV file has no rows.");
  }

  if (nonEmpty.every((record) => record.malformed)) {
    throw new DesksideError("PARSE_FAILED", "None of the rows in this CSV file could be read; check its quotes and separators.");
  }
  // Rows before the header (blank lines at the top) are not data.
  const headerIndex = records.indexOf(nonEmpty[0]);
  const first = records[headerIndex];
  const hasHeader = !first.malformed && looksLikeHeader(first.fields);
  const headers = hasHeader ? uniqueHeaders(first.fields) : first.fields.map((_, i) => `Column ${i + 1}`);
  const data = records.slice(hasHeader ? headerIndex + 1 : headerIndex);

  const blocks: Block[] = [];
  const ragged: number[] = [];
  const malformed: number[] = [];
  data.forEach((record, index) => {
    const row = index + 1;
    if (!record.fields.some((field) => field.trim())) return;
    if (record.malformed) malformed.push(row);
    else if (record.fields.length !== headers.length) ragged.push(row);
    const lines = record.fields
      .map((field, i) => (field.trim() ? `${headers[i] ?? `Column ${i + 1}`}: ${field.trim()}` : ""))
      .filter((line) => line);
    blocks.push({type: "record", text: lines.join("\n"), headingPath: [], row});
  });

  if (blocks.length === 0) throw new DesksideError("FILE_EMPTY", "This CSV file has a header row but no data rows.");
  if (malformed.length > 0) warnings.push(`${rowList(malformed)} had an unclosed quote and ${malformed.length === 1 ? "was" : "were"} read without quote handling.`);
  if (ragged.length > 0) warnings.push(`${rowList(ragged)} ${ragged.length === 1 ? "has" : "have"} a different number of fields than the header (${headers.length}).`);

  return {
    title: titleFromFileName(fileName),
    kind: "csv",
    mime: delimiter === "\t" ? MIME.tsv : MIME.csv,
    blocks,
    meta: {rowCount: blocks.length, columns: headers.length, delimiter: delimiter === "\t" ? "tab" : delimiter, header: hasHeader, encoding: decoded.encoding},
    warnings: [...decoded.warnings, ...warnings],
  };
}

/**
 * csv-parse stops at an unclosed quote, which would swallow the rest of the file into one field.
 * The offending line is read again without quote handling and parsing resumes after it.
 */
function readRecords(text: string, delimiter: string, maxColumns: number): {records: RawRecord[]; warnings: string[]} {
  const records: RawRecord[] = [];
  const warnings: string[] = [];
  // A row of a million columns would become one enormous record; it fails as soon as it is read.
  const checkWidth = (fields: string[], line: number) => {
    if (fields.length > maxColumns)
      throw fileTooComplex(`Row ${formatCount(line)} of this CSV file has ${formatCount(fields.length)} columns, more than the ${formatCount(maxColumns)} Deskside reads; check the separator, or split the table.`, {
        columns: fields.length,
        maxCsvColumns: maxColumns,
      });
  };
  let rest = text;
  let lineOffset = 0;
  let retries = 0;
  while (rest.length > 0) {
    let unclosedQuote = false;
    const options: Options = {
      delimiter,
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      info: true,
      on_record: (record, context) => {
        // With `info` on, csv-parse hands over {info, record}, whatever its types say.
        const fields = Array.isArray(record) ? record : ((record as unknown as {record?: string[]}).record ?? []);
        checkWidth(fields, lineOffset + context.lines);
        return record;
      },
      on_skip: (error) => {
        if (error?.code === "CSV_QUOTE_NOT_CLOSED") unclosedQuote = true;
        else if (error) warnings.push(`A row near line ${lineOffset + Number((error as {lines?: unknown}).lines ?? 0)} was skipped: ${error.message}`);
        return undefined;
      },
    };
    const parsed = parse(rest, options) as unknown as {record: string[]; info: {lines: number}}[];
    let lastLine = 0;
    for (const {record, info} of parsed) {
      records.push({fields: record, line: lineOffset + lastLine + 1});
      lastLine = info.lines;
    }
    if (!unclosedQuote) break;

    const lines = rest.split(/\r\n|\n|\r/);
    if (++retries > MAX_QUOTE_RETRIES) {
      // Too damaged to keep retrying: the rest is read line by line without quote handling.
      const remaining = parse(lines.slice(lastLine).join("\n"), {delimiter, quote: false, relax_column_count: true, skip_empty_lines: false}) as string[][];
      remaining.forEach((fields, i) => {
        checkWidth(fields, lineOffset + lastLine + i + 1);
        records.push({fields, line: lineOffset + lastLine + i + 1, malformed: true});
      });
      break;
    }
    const badLine = lines[lastLine] ?? "";
    const retried = parse(badLine, {delimiter, quote: false, relax_column_count: true}) as string[][];
    checkWidth(retried[0] ?? [], lineOffset + lastLine + 1);
    records.push({fields: retried[0] ?? [badLine], line: lineOffset + lastLine + 1, malformed: true});
    rest = lines.slice(lastLine + 1).join("\n");
    lineOffset += lastLine + 1;
  }
  return {records, warnings};
}

/** A header row is text labels: no numbers or dates, no duplicates, mostly filled. */
function looksLikeHeader(cells: string[]): boolean {
  const filled = cells.map((cell) => cell.trim()).filter((cell) => cell);
  if (filled.length === 0 || filled.length < cells.length / 2) return false;
  if (filled.some((cell) => cell.length > 100 || /^[-+]?[\d\s.,:/%$€£]+$/.test(cell))) return false;
  return new Set(filled.map((cell) => cell.toLowerCase())).size === filled.length;
}

function uniqueHeaders(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const name = cell.trim() || `Column ${i + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

function rowList(rows: number[]): string {
  const listed = rows.slice(0, MAX_LISTED_ROWS).join(", ");
  const more = rows.length > MAX_LISTED_ROWS ? ` and ${rows.length - MAX_LISTED_ROWS} more` : "";
  return `${rows.length === 1 ? "Row" : "Rows"} ${listed}${more}`;
}
