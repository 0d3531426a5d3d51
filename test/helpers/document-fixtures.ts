import {execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import {AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType} from "docx";
import {PDFDocument, StandardFonts, rgb} from "pdf-lib";

/** Real documents built at test time, so the parsers meet what Word, PDF writers and qpdf produce. */

export interface PdfPage {
  heading?: string;
  paragraphs: string[];
}

/** A PDF with a text layer: an 18 pt heading and 11 pt paragraphs (wrapped lines, gap between paragraphs). */
export async function makePdf(pages: PdfPage[], title?: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (title) pdf.setTitle(title);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (const content of pages) {
    const page = pdf.addPage([595, 842]);
    let y = 780;
    if (content.heading) {
      page.drawText(content.heading, {x: 56, y, size: 18, font: bold});
      y -= 36;
    }
    for (const paragraph of content.paragraphs) {
      for (const line of wrap(paragraph, 80)) {
        page.drawText(line, {x: 56, y, size: 11, font: regular});
        y -= 14;
      }
      y -= 12;
    }
  }
  return pdf.save();
}

/** A line placed by hand: baseline height from the page's foot, type size, left edge. */
export interface PlacedLine {
  text: string;
  y: number;
  size: number;
  x?: number;
}

/** A PDF laid out line by line, for layouts a book typesetter produces (running headers, wrapped titles, contents pages). */
export async function makeLaidOutPdf(pages: PlacedLine[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([595, 842]);
    for (const line of lines) page.drawText(line.text, {x: line.x ?? 56, y: line.y, size: line.size, font});
  }
  return pdf.save();
}

/** A page holding one gray image and no text: what a scan looks like to a text extractor. */
export async function makeImageOnlyPdf(): Promise<Uint8Array> {
  return makePdfWithBlankPages(["image"]);
}

/**
 * Text pages, and empty pages or pages with only a frame drawn (`"blank"`, `"frame"`) as books have,
 * or a scanned image (`"image"`), or one with a page number stamped in text before it (`"stamped-image"`).
 */
export async function makePdfWithBlankPages(pages: (string | "blank" | "frame" | "image" | "stamped-image")[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const content of pages) {
    const page = pdf.addPage([595, 842]);
    if (content === "stamped-image") page.drawText("12", {x: 290, y: 20, size: 9, font});
    if (content === "image" || content === "stamped-image") page.drawImage(await pdf.embedPng(grayPng(40, 60, 90)), {x: 50, y: 50, width: 400, height: 600});
    else if (content === "frame") page.drawRectangle({x: 50, y: 50, width: 495, height: 742, borderColor: rgb(0.5, 0.5, 0.5), borderWidth: 1});
    else if (content !== "blank") page.drawText(content, {x: 56, y: 780, size: 11, font});
  }
  return pdf.save();
}

/** An 8-bit grayscale PNG of one shade. */
function grayPng(width: number, height: number, shade: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  // Each row: filter type 0, then the pixels.
  const rows = Buffer.alloc((width + 1) * height, shade);
  for (let row = 0; row < height; row++) rows[row * (width + 1)] = 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]));
}

/** Encrypts with a user password through qpdf (Debian package "qpdf"), as a real protected PDF. */
export function encryptPdf(bytes: Uint8Array): Uint8Array {
  const dir = mkdtempSync(path.join(tmpdir(), "deskside-qpdf-"));
  try {
    const plain = path.join(dir, "plain.pdf");
    const locked = path.join(dir, "locked.pdf");
    writeFileSync(plain, bytes);
    execFileSync("qpdf", ["--encrypt", "user-secret", "owner-secret", "256", "--", plain, locked]);
    return new Uint8Array(readFileSync(locked));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/** Greedy word wrap for laying text out on PDF pages. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A Word document with a Title, nested headings, a bulleted list and a table with a header row. */
export async function makeDocx(): Promise<Uint8Array> {
  const cell = (text: string): TableCell => new TableCell({children: [new Paragraph(text)], width: {size: 3000, type: WidthType.DXA}});
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({text: "Printer Support Guide", heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER}),
          new Paragraph({text: "Installation", heading: HeadingLevel.HEADING_1}),
          new Paragraph({children: [new TextRun("Install the "), new TextRun({text: "PCL6 driver", bold: true}), new TextRun(" before connecting the printer.")]}),
          new Paragraph({text: "Driver download", heading: HeadingLevel.HEADING_2}),
          new Paragraph({text: "Open the vendor portal", bullet: {level: 0}}),
          new Paragraph({text: "Download the universal driver", bullet: {level: 0}}),
          new Paragraph({text: "Supported models", heading: HeadingLevel.HEADING_2}),
          new Table({
            rows: [
              new TableRow({tableHeader: true, children: [cell("Model"), cell("Driver"), cell("Tray")]}),
              new TableRow({children: [cell("LaserJet 400"), cell("PCL6"), cell("2")]}),
              new TableRow({children: [cell("OfficeJet 250"), cell("PCL3"), cell("1")]}),
            ],
          }),
          new Paragraph({text: "Troubleshooting", heading: HeadingLevel.HEADING_1}),
          new Paragraph("If the queue stalls, restart the spooler service."),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** The smallest valid PNG: signature, header, one pixel, end. */
export function makePng(): Uint8Array {
  return Uint8Array.from(
    Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
      "hex",
    ),
  );
}

/** Bytes no text encoding explains: NULs and control characters throughout. */
export function makeBinary(length = 4096): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7919 + 13) % 251 === 0 ? 0 : (i * 31) % 32;
  return bytes;
}
