import {burn} from "@kenjiuno/msgreader/lib/Burner.js";

/**
 * Outlook .msg files built at test time: a compound file (CFB) holding the MAPI properties of one
 * message as [MS-OXMSG] lays them out (a `__substg1.0_<tag><type>` stream per string or binary
 * property, a `__properties_version1.0` stream for fixed-size ones, a storage per recipient and per
 * attachment). Checked once against a second, independent reader (`msgconvert` of Debian's
 * libemail-outlook-message-perl), which turned one into the same mail.
 */

export interface OutlookMessage {
  subject: string;
  senderName: string;
  senderEmail: string;
  recipients: {name: string; email: string; type: "to" | "cc"}[];
  body?: string;
  html?: string;
  /** An RTF body (stored as "compressed RTF" of the uncompressed kind), as messages without a plain body keep it. */
  rtf?: string;
  /** Sending time. */
  sent?: Date;
  attachments?: {name: string; data: Uint8Array; hidden?: boolean}[];
}

const ROOT = 5;
const STORAGE = 1;
const STREAM = 2;

const PT_LONG = 0x0003;
const PT_BOOLEAN = 0x000b;
const PT_SYSTIME = 0x0040;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;

interface Node {
  name: string;
  type: number;
  data?: Uint8Array;
  children?: Node[];
}

const utf16 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "utf16le"));
const hex = (value: number, digits: number): string => value.toString(16).toUpperCase().padStart(digits, "0");
const stringStream = (id: number, text: string): Node => ({name: `__substg1.0_${hex(id, 4)}${hex(PT_UNICODE, 4)}`, type: STREAM, data: utf16(text)});
const binaryStream = (id: number, data: Uint8Array): Node => ({name: `__substg1.0_${hex(id, 4)}${hex(PT_BINARY, 4)}`, type: STREAM, data});

/** The fixed-size properties of one object, after a header of `headerBytes` (32 top level, 8 below). */
function propertiesStream(headerBytes: number, header: number[], fixed: {id: number; type: number; value: bigint | number}[]): Node {
  const bytes = Buffer.alloc(headerBytes + fixed.length * 16);
  header.forEach((value, index) => bytes.writeUInt32LE(value, 8 + index * 4));
  fixed.forEach(({id, type, value}, index) => {
    const at = headerBytes + index * 16;
    bytes.writeUInt32LE(((id << 16) | type) >>> 0, at);
    bytes.writeUInt32LE(0x6, at + 4); // readable and writable
    if (typeof value === "bigint") bytes.writeBigUInt64LE(value, at + 8);
    else bytes.writeUInt32LE(value, at + 8);
  });
  return {name: "__properties_version1.0", type: STREAM, data: new Uint8Array(bytes)};
}

/** [MS-OXRTFCP]'s header with COMPTYPE "MELA" (stored as is), then the RTF itself. */
function uncompressedRtf(rtf: string): Uint8Array {
  const raw = Buffer.from(rtf, "latin1");
  const header = Buffer.alloc(16);
  header.writeUInt32LE(raw.length + 12, 0);
  header.writeUInt32LE(raw.length, 4);
  header.writeUInt32LE(0x414c454d, 8);
  header.writeUInt32LE(0, 12);
  return new Uint8Array(Buffer.concat([header, raw]));
}

/** 100-nanosecond intervals since 1601-01-01, as MAPI stores times. */
function fileTime(date: Date): bigint {
  return (BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n;
}

export function makeOutlookMsg(message: OutlookMessage): Uint8Array {
  const attachments = message.attachments ?? [];
  const top: Node[] = [
    stringStream(0x001a, "IPM.Note"),
    stringStream(0x0037, message.subject),
    stringStream(0x0c1a, message.senderName),
    stringStream(0x0c1f, message.senderEmail),
    stringStream(0x0c1e, "SMTP"),
    stringStream(0x5d01, message.senderEmail),
    stringStream(0x0e04, message.recipients.filter((r) => r.type === "to").map((r) => r.name).join("; ")),
    stringStream(0x0e03, message.recipients.filter((r) => r.type === "cc").map((r) => r.name).join("; ")),
  ];
  if (message.body !== undefined) top.push(stringStream(0x1000, message.body));
  if (message.html !== undefined) top.push(binaryStream(0x1013, new Uint8Array(Buffer.from(message.html, "utf8"))));
  if (message.rtf !== undefined) top.push(binaryStream(0x1009, uncompressedRtf(message.rtf)));
  const fixed: {id: number; type: number; value: bigint | number}[] = message.sent ? [{id: 0x0039, type: PT_SYSTIME, value: fileTime(message.sent)}, {id: 0x0e06, type: PT_SYSTIME, value: fileTime(message.sent)}] : [];
  // The HTML part's code page: UTF-8.
  if (message.html !== undefined) fixed.push({id: 0x3fde, type: PT_LONG, value: 65001});
  top.push(propertiesStream(32, [message.recipients.length, attachments.length, message.recipients.length, attachments.length], fixed));

  message.recipients.forEach((recipient, index) => {
    top.push({
      name: `__recip_version1.0_#${hex(index, 8)}`,
      type: STORAGE,
      children: [
        stringStream(0x3001, recipient.name),
        stringStream(0x3003, recipient.email),
        stringStream(0x3002, "SMTP"),
        stringStream(0x39fe, recipient.email),
        propertiesStream(8, [], [
          {id: 0x0c15, type: PT_LONG, value: recipient.type === "to" ? 1 : 2},
          {id: 0x3000, type: PT_LONG, value: index},
        ]),
      ],
    });
  });
  attachments.forEach((attachment, index) => {
    top.push({
      name: `__attach_version1.0_#${hex(index, 8)}`,
      type: STORAGE,
      children: [
        stringStream(0x3707, attachment.name),
        stringStream(0x3704, attachment.name.slice(0, 12)),
        stringStream(0x3703, attachment.name.includes(".") ? attachment.name.slice(attachment.name.lastIndexOf(".")) : ""),
        binaryStream(0x3701, attachment.data),
        propertiesStream(8, [], [
          {id: 0x3705, type: PT_LONG, value: 1}, // by value
          {id: 0x0e20, type: PT_LONG, value: attachment.data.length},
          {id: 0x0e21, type: PT_LONG, value: index},
          {id: 0x7ffe, type: PT_BOOLEAN, value: attachment.hidden ? 1 : 0},
        ]),
      ],
    });
  });
  return burnTree({name: "Root Entry", type: ROOT, children: top});
}

/** Flattens the tree into the burner's entry list: each storage lists its children by index. */
function burnTree(root: Node): Uint8Array {
  const entries: Parameters<typeof burn>[0] = [];
  const add = (node: Node): number => {
    const index = entries.length;
    const data = node.data;
    entries.push({name: node.name, type: node.type, length: data?.length ?? 0, ...(data ? {binaryProvider: () => data} : {})});
    if (node.children) entries[index].children = node.children.map(add);
    return index;
  };
  add(root);
  return burn(entries);
}

/**
 * A sound message damaged one way: a sector chain that loops, a directory whose entries point back
 * to the first, or streams that claim 2 GB. Readers that trust the tables go round for ever or
 * allocate what the file claims.
 */
export function damagedOutlookMsg(damage: "sector-loop" | "directory-loop" | "huge-stream"): Uint8Array {
  const bytes = makeOutlookMsg({
    subject: "Printer queue",
    senderName: "Help Desk",
    senderEmail: "helpdesk@example.com",
    recipients: [{name: "Ops", email: "ops@example.com", type: "to"}],
    body: "Restart the spooler. ".repeat(400),
    attachments: [{name: "spooler.log", data: new Uint8Array(9000).fill(65)}],
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorAt = (sector: number): number => (sector + 1) * 512;
  const directory = sectorAt(view.getUint32(48, true));
  if (damage === "sector-loop") {
    const fat = sectorAt(view.getUint32(76, true));
    for (let i = 0; i < 128; i++) view.setUint32(fat + i * 4, i, true);
  } else if (damage === "directory-loop") {
    for (let entry = 0; entry < 4; entry++) for (const field of [68, 72, 76]) view.setUint32(directory + entry * 128 + field, 0, true);
  } else {
    for (let entry = 1; entry < 4; entry++) view.setUint32(directory + entry * 128 + 120, 0x7fffffff, true);
  }
  return bytes;
}
