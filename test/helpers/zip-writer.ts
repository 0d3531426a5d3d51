import zlib from "node:zlib";

/**
 * A minimal ZIP writer for building hostile archives in tests: entries can be stored or deflated,
 * and the sizes written into the headers can lie, as a crafted archive's do.
 */

export interface ZipEntry {
  name: string;
  /** Content; or `deflated` + `size` + `crc` for content prepared elsewhere (a streamed bomb). */
  data?: Uint8Array;
  deflated?: Uint8Array;
  size?: number;
  crc?: number;
  /** Store without compression. */
  store?: boolean;
  /** Uncompressed size written into the headers instead of the real one. */
  declaredSize?: number;
}

export function makeZip(entries: ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = entry.data ?? new Uint8Array();
    const stored = entry.store === true && entry.deflated === undefined;
    const body = entry.deflated ?? (stored ? data : zlib.deflateRawSync(data));
    const size = entry.declaredSize ?? entry.size ?? data.byteLength;
    const crc = entry.crc ?? zlib.crc32(data);
    const method = stored ? 0 : 8;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(Math.min(size, 0xffffffff), 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, Buffer.from(body.buffer, body.byteOffset, body.byteLength));

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.byteLength, 20);
    central.writeUInt32LE(Math.min(size, 0xffffffff), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.byteLength;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/**
 * `repeat` copies of `block`, deflated without ever holding them: the block is deflated once and
 * sync-flushed, and since each such piece starts afresh (no back-references across it), copies of
 * it concatenate into one valid stream that a final empty block ends.
 */
export function deflateRepeated(block: Uint8Array, repeat: number): {deflated: Uint8Array; size: number; crc: number} {
  const piece = zlib.deflateRawSync(block, {level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH});
  let crc = 0;
  for (let i = 0; i < repeat; i++) crc = zlib.crc32(block, crc);
  const parts: Buffer[] = Array.from({length: repeat}, () => piece);
  parts.push(Buffer.from([0x03, 0x00]));
  return {deflated: new Uint8Array(Buffer.concat(parts)), size: block.byteLength * repeat, crc};
}

/** The three parts Word needs around a document.xml body. */
export function docxParts(documentXml: string | {deflated: Uint8Array; size: number; crc: number}, extra: ZipEntry[] = []): ZipEntry[] {
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
  const rels =
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
  const encoder = new TextEncoder();
  const document: ZipEntry =
    typeof documentXml === "string" ? {name: "word/document.xml", data: encoder.encode(documentXml)} : {name: "word/document.xml", ...documentXml};
  return [{name: "[Content_Types].xml", data: encoder.encode(contentTypes)}, {name: "_rels/.rels", data: encoder.encode(rels)}, document, ...extra];
}

/** A WordprocessingML body around the given paragraphs' XML. */
export function wordDocument(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
}
