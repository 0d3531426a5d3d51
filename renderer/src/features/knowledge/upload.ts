import type {PickedFile} from "./dropped-files.js";

export async function toBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  // Chunked so large files do not overflow the argument limit of String.fromCharCode.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  return btoa(binary);
}

/** Keeps each upload request under the server's body limit; a single big file still goes alone. */
export function batchBySize(files: PickedFile[], maxBytes: number, maxFiles = 1000): PickedFile[][] {
  const batches: PickedFile[][] = [];
  let current: PickedFile[] = [];
  let size = 0;
  for (const picked of files) {
    // Base64 grows the payload by a third.
    const encoded = Math.ceil(picked.file.size / 3) * 4;
    if (current.length > 0 && (size + encoded > maxBytes || current.length >= maxFiles)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(picked);
    size += encoded;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
