import zlib from "node:zlib";

/** A hand-assembled PDF for tests that need what no PDF library writes: absurd counts, bombs, loops. */

export type PdfObject = string | {dict: string; stream: Uint8Array; deflate?: boolean};

/** Objects are numbered from 1 in order; object 1 must be the catalog. */
export function makeRawPdf(objects: PdfObject[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0].length;
  const offsets: number[] = [];
  const push = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  objects.forEach((object, index) => {
    offsets.push(length);
    if (typeof object === "string") {
      push(Buffer.from(`${index + 1} 0 obj\n${object}\nendobj\n`, "latin1"));
      return;
    }
    const data = object.deflate ? zlib.deflateSync(object.stream) : Buffer.from(object.stream);
    const filter = object.deflate ? " /Filter /FlateDecode" : "";
    push(Buffer.from(`${index + 1} 0 obj\n<< ${object.dict}${filter} /Length ${data.length} >>\nstream\n`, "latin1"));
    push(data);
    push(Buffer.from("\nendstream\nendobj\n", "latin1"));
  });
  const xrefAt = length;
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`)].join("");
  push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`, "latin1"));
  return new Uint8Array(Buffer.concat(parts));
}

/** A page content stream that writes each line with Helvetica. */
export function textContent(lines: string[]): Uint8Array {
  const escape = (text: string) => text.replace(/[\\()]/g, (char) => `\\${char}`);
  const body = lines.map((line, i) => `BT /F1 11 Tf 56 ${780 - (i % 60) * 12} Td (${escape(line)}) Tj ET`).join("\n");
  return Buffer.from(body, "latin1");
}

export const HELVETICA = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
