/**
 * The rows of a tbl table (between `.TS` and `.TE` in a manual page), each as its cells' text
 * joined by " | ": the options line and the format lines, which say how to draw the table, are
 * skipped, as are horizontal rules; a `T{ … T}` text block is one cell spread over lines.
 */
export function tableRows(lines: string[], render: (cell: string) => string): string[] {
  let i = 0;
  let tab = "\t";
  if (lines[0] !== undefined && /;\s*$/.test(lines[0])) {
    const option = /tab\s*\(\s*(.)\s*\)/.exec(lines[0]);
    if (option) tab = option[1];
    i = 1;
  }
  i = afterFormat(lines, i);
  const rows: string[] = [];
  while (i < lines.length) {
    const line = lines[i++];
    if (line === ".T&") {
      i = afterFormat(lines, i);
      continue;
    }
    if (/^\s*(_|=|\\_)?\s*$/.test(line)) continue;
    const cells: string[] = [];
    let rest = line;
    for (;;) {
      if (rest.startsWith("T{")) {
        const parts = [rest.slice(2)];
        while (i < lines.length && !lines[i].startsWith("T}")) parts.push(lines[i++]);
        const closing = i < lines.length ? lines[i++] : "T}";
        cells.push(parts.filter((part) => !/^[.']/.test(part)).map(render).join(" "));
        const after = closing.slice(2);
        if (!after.startsWith(tab)) break;
        rest = after.slice(tab.length);
        continue;
      }
      const at = rest.indexOf(tab);
      if (at < 0) {
        cells.push(render(rest));
        break;
      }
      cells.push(render(rest.slice(0, at)));
      rest = rest.slice(at + tab.length);
    }
    const text = cells
      .map((cell) => cell.replace(/\s+/g, " ").trim())
      .filter((cell) => cell && !/^(_|=)$/.test(cell))
      .join(" | ");
    if (text) rows.push(text);
  }
  return rows;
}

/** Skips format lines (`lB lB.`), which end with a period. */
function afterFormat(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length) {
    if (/\.\s*$/.test(lines[i++])) break;
  }
  return i;
}
