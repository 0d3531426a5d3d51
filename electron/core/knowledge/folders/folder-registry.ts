import fs from "node:fs";
import path from "node:path";
import {z} from "zod";

/** What is remembered of a watched folder between runs; its sync state is rebuilt by a rescan. */
export interface FolderRecord {
  id: string;
  path: string;
  collection: string | null;
  paused: boolean;
  addedAt: string;
  lastSyncAt: string | null;
  lastScanAt: string | null;
}

const recordSchema = z.object({
  id: z.string().min(1).max(200),
  path: z.string().min(1).max(4096),
  collection: z.string().max(200).nullable(),
  paused: z.boolean(),
  addedAt: z.string(),
  lastSyncAt: z.string().nullable(),
  lastScanAt: z.string().nullable(),
});
const fileSchema = z.object({version: z.literal(1), folders: z.array(recordSchema)});

export const REGISTRY_FILE = "watched-folders.json";

/**
 * The list of watched folders, in `<data>/watched-folders.json`. Written whole to a temporary file
 * and renamed over the old one, so a crash leaves either list. A file that cannot be read as one is
 * moved aside (kept, never deleted) and reported; the app then starts with no watched folders.
 */
export class FolderRegistry {
  private readonly file: string;
  /** Set when the file was unreadable at load: where it was moved and why. */
  readonly warning: string | null;
  private folders: FolderRecord[];

  constructor(dataDir: string) {
    this.file = path.join(dataDir, REGISTRY_FILE);
    const loaded = this.load();
    this.folders = loaded.folders;
    this.warning = loaded.warning;
  }

  private load(): {folders: FolderRecord[]; warning: string | null} {
    try {
      return {folders: fileSchema.parse(JSON.parse(fs.readFileSync(this.file, "utf8"))).folders, warning: null};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {folders: [], warning: null};
      // Unreadable, not JSON, not the list, or not even a file (a folder by that name).
      const movedTo = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      let kept = path.basename(movedTo);
      try {
        fs.renameSync(this.file, movedTo);
      } catch {
        // Left where it is (the next save replaces it), so a copy is kept first where one can be made.
        try {
          fs.copyFileSync(this.file, movedTo);
        } catch {
          kept = `${REGISTRY_FILE}, where it is`;
        }
      }
      return {folders: [], warning: `The list of watched folders could not be read; it was kept as ${kept} and no folder is watched. Add the folders again.`};
    }
  }

  list(): FolderRecord[] {
    return this.folders.map((folder) => ({...folder}));
  }

  get(id: string): FolderRecord | null {
    const found = this.folders.find((folder) => folder.id === id);
    return found ? {...found} : null;
  }

  add(record: FolderRecord): void {
    this.folders = [...this.folders, record];
    this.save();
  }

  update(id: string, change: Partial<Omit<FolderRecord, "id" | "path" | "addedAt">>): FolderRecord | null {
    let updated: FolderRecord | null = null;
    this.folders = this.folders.map((folder) => (folder.id === id ? (updated = {...folder, ...change}) : folder));
    if (updated) this.save();
    return updated;
  }

  remove(id: string): void {
    this.folders = this.folders.filter((folder) => folder.id !== id);
    this.save();
  }

  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({version: 1, folders: this.folders}, null, 2));
    fs.renameSync(temporary, this.file);
  }
}
