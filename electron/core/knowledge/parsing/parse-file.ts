import {readFile} from "node:fs/promises";
import {DesksideError} from "../../../../shared/errors.js";
import {baseNameOf} from "./file-name.js";
import {parseDocument} from "./parse-document.js";
import type {ParsedDocument} from "./types.js";

/** Reads a file for parsing; file-system failures become FILE_UNREADABLE with a plain reason. */
export async function readDocumentFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "it no longer exists (moved or deleted?)"
      : code === "EACCES" || code === "EPERM" ? "Deskside is not allowed to read it"
      : code === "EISDIR" ? "it is a folder, not a file"
      : code === "EBUSY" ? "another program has it locked"
      : "the system refused to read it";
    throw new DesksideError("FILE_UNREADABLE", `This file could not be opened: ${reason}.`, {cause: error, details: code ? {errno: code} : undefined});
  }
}

/** Reads and parses in the calling thread; the file's own name picks the title and type hint. */
export async function parseFile(path: string, fileName: string = baseNameOf(path)): Promise<ParsedDocument> {
  return parseDocument(await readDocumentFile(path), fileName);
}
