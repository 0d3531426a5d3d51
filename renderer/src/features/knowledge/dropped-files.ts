/** A file from a drop or picker, with its path relative to what was dropped ("runbooks/vpn.md"). */
export interface PickedFile {
  file: File;
  relativePath: string;
}

// Minimal shapes of the FileSystem Entry API (webkitGetAsEntry), which TypeScript's DOM lib types loosely.
interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FileEntry extends Entry {
  file(success: (file: File) => void, failure: (error: unknown) => void): void;
}
interface DirectoryEntry extends Entry {
  createReader(): {readEntries(success: (entries: Entry[]) => void, failure: (error: unknown) => void): void};
}

/**
 * Everything dropped, with dropped folders walked recursively. Entries must be taken from the
 * DataTransfer synchronously (it is emptied after the event), so call this inside the drop handler.
 */
export function collectDroppedFiles(data: DataTransfer): Promise<PickedFile[]> {
  const entries: Entry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const entry = (item as DataTransferItem & {webkitGetAsEntry?: () => Entry | null}).webkitGetAsEntry?.() ?? null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(data.files ?? []));
  return Promise.all(entries.map(walk)).then((nested) => [...nested.flat(), ...loose.map((file) => ({file, relativePath: file.name}))]);
}

async function walk(entry: Entry): Promise<PickedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileEntry).file(resolve, reject));
    return [{file, relativePath: entry.fullPath.replace(/^\//, "") || file.name}];
  }
  if (!entry.isDirectory) return [];
  const reader = (entry as DirectoryEntry).createReader();
  const children: Entry[] = [];
  // readEntries returns at most ~100 entries per call; keep reading until it returns none.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map(walk));
  return nested.flat();
}

/** Files from an <input type=file>, keeping folder structure when a folder was picked. */
export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map((file) => ({file, relativePath: file.webkitRelativePath || file.name}));
}

/**
 * A drop split into folders and loose files by their places on disk (desktop app), so dropped
 * folders can be watched while files dropped with them are imported once. Null when anything
 * dropped has no path (dragged from a browser, say): then the drop is imported as usual. Call
 * inside the drop handler, like collectDroppedFiles.
 */
export function splitDroppedFolders(data: DataTransfer, pathOf: (file: File) => string | null): {folders: string[]; files: string[]} | null {
  const folders: string[] = [];
  const files: string[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const entry = (item as DataTransferItem & {webkitGetAsEntry?: () => Entry | null}).webkitGetAsEntry?.() ?? null;
    const file = item.getAsFile();
    const path = file ? pathOf(file) : null;
    if (!path) return null;
    (entry?.isDirectory ? folders : files).push(path);
  }
  return folders.length + files.length > 0 ? {folders, files} : null;
}
