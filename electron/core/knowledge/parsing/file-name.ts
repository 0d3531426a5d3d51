/** Helpers for the only thing every parser knows besides the bytes: the file's name, and when to prefer it. */

/** Lower-case extension without the dot ("" when there is none); works for Windows and POSIX paths. */
export function extensionOf(fileName: string): string {
  const base = baseNameOf(fileName);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

export function baseNameOf(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] ?? "";
}

/** The title shown when a document carries none of its own: the name without folder and extension. */
export function titleFromFileName(fileName: string): string {
  const base = baseNameOf(fileName).normalize("NFC").trim();
  const dot = base.lastIndexOf(".");
  const stem = (dot > 0 ? base.slice(0, dot) : base).trim();
  return stem || base || "Untitled";
}

/**
 * A first heading that names a part every document has ("Name" and "Synopsis" of a manual page,
 * "Contents", "Introduction", "Chapter 1") says less about the document than its file name does.
 */
export function headingAsTitle(heading: string | undefined): string | undefined {
  if (!heading) return undefined;
  return GENERIC_SECTION.test(heading.trim()) ? undefined : heading;
}

const GENERIC_SECTION =
  /^((table of )?contents|index|name|synopsis|description|abstract|summary|introduction|preface|foreword|overview|acknowledg(e)?ments|(chapter|part|section|appendix) [\divxlc]+\.?)$/i;
