import {parse} from "csv-parse/sync";

/**
 * reStructuredText tables as rows of cells: grid tables (`+---+` borders), simple tables (`===  ===`
 * column rules), and the `csv-table` and `list-table` directives' content. The first row is the
 * header when the table marks one; cells spanning columns are read as one cell of their first column.
 */

export interface TableRows {
  headers: string[] | null;
  rows: string[][];
}

/** Cells per row read at most: a table wider than this is not a table a person wrote. */
const MAX_COLUMNS = 64;

export const GRID_BORDER = /^\+(?:[-=]+\+)+\s*$/;
export const SIMPLE_RULE = /^=+(?: +=+)*\s*$/;

/** Column spans (start, end) of a rule line's runs of `=`. */
function spansOf(border: string, run: RegExp): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of border.matchAll(run)) {
    spans.push([match.index, match.index + match[0].length]);
    if (spans.length >= MAX_COLUMNS) break;
  }
  return spans;
}

/**
 * A grid table's lines (borders included) as rows; `===` marks the end of the header. Columns are
 * where any full border has a `+`; a cell spanning several is read as one, at its first column.
 */
export function gridTableRows(lines: string[]): TableRows {
  const boundaries = new Set<number>();
  for (const line of lines) {
    if (!GRID_BORDER.test(line)) continue;
    for (let i = line.indexOf("+"); i >= 0 && boundaries.size <= MAX_COLUMNS; i = line.indexOf("+", i + 1)) boundaries.add(i);
  }
  const columns = [...boundaries].sort((a, b) => a - b);
  const columnAt = new Map(columns.map((position, i) => [position, i]));
  const rows: string[][] = [];
  let headerRows = 0;
  let current: string[][] | null = null;
  const flush = () => {
    if (current) rows.push(current.map((parts) => parts.join(" ").replace(/\s+/g, " ").trim()));
    current = null;
  };
  for (const line of lines.slice(1)) {
    if (GRID_BORDER.test(line)) {
      flush();
      if (line.includes("=")) headerRows = rows.length;
      continue;
    }
    current ??= columns.slice(0, -1).map(() => []);
    // The cell edges this line has: a boundary where it shows "|" (or "+", a row span's corner).
    const edges = columns.filter((position) => line[position] === "|" || line[position] === "+");
    for (let e = 0; e + 1 < edges.length; e++) {
      const cell = line.slice(edges[e] + 1, edges[e + 1]).trim();
      // A border inside a row is a row span's edge, not text.
      if (cell && !/^[-=+]+$/.test(cell)) current[columnAt.get(edges[e])!]?.push(cell);
    }
  }
  flush();
  // Columns only a row span's edge made are empty in every row.
  const used = columns.map((_position, i) => rows.some((row) => row[i]));
  return splitHeader(
    rows.map((row) => row.filter((_cell, i) => used[i])),
    headerRows,
  );
}

/** A simple table's lines (rules included) as rows; a line with an empty first column continues the row above. */
export function simpleTableRows(lines: string[]): TableRows {
  const spans = spansOf(lines[0], /=+/g);
  const rows: string[][] = [];
  let rules = 0;
  let headerRows = 0;
  for (const line of lines.slice(1)) {
    if (SIMPLE_RULE.test(line)) {
      rules++;
      if (rules === 1) headerRows = rows.length;
      continue;
    }
    if (/^-+(?: +-+)*\s*$/.test(line) || !line.trim()) continue;
    // The last column takes the rest of the line, as docutils reads it.
    const cells = spans.map(([start, end], i) => (i === spans.length - 1 ? line.slice(start) : line.slice(start, end)).trim());
    if (!cells[0] && rows.length > 0) {
      const previous = rows[rows.length - 1];
      cells.forEach((cell, i) => {
        if (cell) previous[i] = previous[i] ? `${previous[i]} ${cell}` : cell;
      });
    } else {
      rows.push(cells);
    }
  }
  // Two rules in all (top and bottom) means no header.
  return splitHeader(rows, rules >= 2 ? headerRows : 0);
}

function splitHeader(rows: string[][], headerRows: number): TableRows {
  if (headerRows <= 0 || headerRows >= rows.length) return {headers: null, rows};
  const header = rows.slice(0, headerRows).reduce((joined, row) => joined.map((cell, i) => [cell, row[i]].filter(Boolean).join(" ")));
  return {headers: header, rows: rows.slice(headerRows)};
}

/** CSV text's records, read as the CSV reader reads files (a damaged quote costs its row, not the table). */
function csvRecords(text: string, delimiter: string): string[][] {
  const options = {delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, trim: true, skip_records_with_error: true};
  let records: string[][];
  try {
    records = parse(text, options) as string[][];
  } catch {
    records = parse(text, {...options, quote: false}) as string[][];
  }
  return records.map((record) => record.slice(0, MAX_COLUMNS));
}

/** `csv-table` content and its `:header:` option. */
export function csvTableRows(content: string[], options: Map<string, string>): TableRows {
  const delimiter = options.get("delim") === "tab" ? "\t" : (options.get("delim") ?? ",").slice(0, 1) || ",";
  const rows = csvRecords(content.join("\n"), delimiter);
  const header = options.get("header");
  if (header) return {headers: csvRecords(header, delimiter)[0] ?? [], rows};
  return splitHeader(rows, Number(options.get("header-rows") ?? 0));
}

/**
 * `list-table` content: a bullet list of rows, each a bullet list of cells (already read as items
 * with their text), and its `:header-rows:` option.
 */
export function listTableRows(items: string[][], options: Map<string, string>): TableRows {
  return splitHeader(
    items.map((cells) => cells.slice(0, MAX_COLUMNS)),
    Number(options.get("header-rows") ?? 0),
  );
}
