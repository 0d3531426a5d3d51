/**
 * The compound file (CFB) container of Outlook messages: telling one from other compound files
 * (legacy Word and Excel files and Windows installers share the container; a message's directory
 * names MAPI property streams), and checking its allocation tables before a reader follows them.
 * A sector chain that loops, or a directory tree that reaches an entry twice, sent msgreader round
 * for ever; such a file is damaged, and says so at once.
 */

const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** "__substg1.0_" in UTF-16LE, as directory entry names are stored. */
const PROPERTY_STREAM_NAME = Buffer.from("__substg1.0_", "utf16le");
/** Sector numbers above this are markers (end of chain, free, FAT or DIFAT sector). */
const MAX_REGULAR_SECTOR = 0xfffffffa;
const NO_STREAM = 0xffffffff;
const HEADER_DIFAT_ENTRIES = 109;
const DIRECTORY_ENTRY_BYTES = 128;

function isCompoundFile(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && CFB_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

export function isOutlookMessage(bytes: Uint8Array): boolean {
  return isCompoundFile(bytes) && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(PROPERTY_STREAM_NAME);
}

/** Why the container is damaged, or null when its tables and directory are sound enough to read. */
export function compoundFileDamage(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(30, true);
  if (shift !== 9 && shift !== 12) return "its sector size is not one the format allows";
  const sectorBytes = 1 << shift;
  const sectors = Math.floor((bytes.length - sectorBytes) / sectorBytes) + 1;
  const sectorAt = (sector: number): number | null => {
    const offset = (sector + 1) * sectorBytes;
    return sector <= MAX_REGULAR_SECTOR && offset + sectorBytes <= bytes.length ? offset : null;
  };

  // The FAT's own sectors: the first 109 listed in the header, the rest in a chain of DIFAT sectors.
  const fatSectorCount = view.getUint32(44, true);
  if (fatSectorCount > sectors) return "its allocation table is larger than the file";
  const fatSectors: number[] = [];
  for (let i = 0; i < Math.min(fatSectorCount, HEADER_DIFAT_ENTRIES); i++) fatSectors.push(view.getUint32(76 + i * 4, true));
  let difat = view.getUint32(68, true);
  const seenDifat = new Set<number>();
  while (fatSectors.length < fatSectorCount) {
    const offset = sectorAt(difat);
    if (offset === null || seenDifat.has(difat)) return "its list of allocation table sectors is broken";
    seenDifat.add(difat);
    const perSector = sectorBytes / 4 - 1;
    for (let i = 0; i < perSector && fatSectors.length < fatSectorCount; i++) fatSectors.push(view.getUint32(offset + i * 4, true));
    difat = view.getUint32(offset + perSector * 4, true);
  }
  // A table of next-sector links spread over the given sectors; null when one lies outside the file.
  const readTable = (tableSectors: number[]): number[] | null => {
    const table: number[] = [];
    for (const sector of tableSectors) {
      const offset = sectorAt(sector);
      if (offset === null) return null;
      for (let i = 0; i < sectorBytes / 4; i++) table.push(view.getUint32(offset + i * 4, true));
    }
    return table;
  };
  const fat = readTable(fatSectors);
  if (fat === null) return "an allocation table sector lies outside the file";
  if (loops(fat)) return "a chain of its sectors loops";

  const chain = (start: number, table: number[]): number[] => {
    const result: number[] = [];
    for (let sector = start; sector <= MAX_REGULAR_SECTOR && sector < table.length; sector = table[sector]) result.push(sector);
    return result;
  };
  const directorySectors = chain(view.getUint32(48, true), fat);
  if (directorySectors.length === 0) return "its directory is missing";
  const miniFat = readTable(chain(view.getUint32(60, true), fat));
  if (miniFat === null) return "a sector of its small-stream table lies outside the file";
  if (loops(miniFat)) return "a chain of its small streams loops";

  // The directory is a tree of siblings and children: each entry may be reached once.
  const entryOffset = (index: number): number | null => {
    const perSector = sectorBytes / DIRECTORY_ENTRY_BYTES;
    const sector = directorySectors[Math.floor(index / perSector)];
    const base = sector === undefined ? null : sectorAt(sector);
    return base === null ? null : base + (index % perSector) * DIRECTORY_ENTRY_BYTES;
  };
  const reached = new Set<number>([0]);
  const rootOffset = entryOffset(0);
  if (rootOffset === null) return "its directory is missing";
  // The root's size is that of the small-stream container.
  if (view.getUint32(rootOffset + 124, true) !== 0 || view.getUint32(rootOffset + 120, true) > bytes.length) return "its small-stream container claims to be larger than the file";
  const pending = [view.getUint32(rootOffset + 76, true)];
  while (pending.length > 0) {
    const index = pending.pop()!;
    if (index === NO_STREAM) continue;
    const offset = entryOffset(index);
    if (offset === null || reached.has(index)) return "its directory refers to an entry twice or outside itself";
    reached.add(index);
    // A stream cannot hold more than the file does (a reader would allocate what it claims).
    if (view.getUint32(offset + 124, true) !== 0 || view.getUint32(offset + 120, true) > bytes.length) return "a stream in it claims to be larger than the file";
    pending.push(view.getUint32(offset + 68, true), view.getUint32(offset + 72, true), view.getUint32(offset + 76, true));
  }
  return null;
}

/** Whether following next-sector links from any sector comes back to one already on the way. */
function loops(table: number[]): boolean {
  // 0: not visited, 1: on the chain being followed, 2: known to end.
  const state = new Uint8Array(table.length);
  for (let start = 0; start < table.length; start++) {
    if (state[start] !== 0) continue;
    const path: number[] = [];
    let sector = start;
    while (sector <= MAX_REGULAR_SECTOR && sector < table.length && state[sector] === 0) {
      state[sector] = 1;
      path.push(sector);
      sector = table[sector];
    }
    if (sector <= MAX_REGULAR_SECTOR && sector < table.length && state[sector] === 1) return true;
    for (const visited of path) state[visited] = 2;
  }
  return false;
}
