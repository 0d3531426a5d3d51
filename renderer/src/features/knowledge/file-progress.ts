import type {FileProgress} from "../../../../shared/knowledge.js";
import type {Tone} from "../../ui/Badge.js";

/** What a file's import state means on screen: a bar position, a sentence and a colour. */
export function describeFileProgress(file: FileProgress): {value: number | null; text: string; tone: Tone} {
  switch (file.state) {
    case "queued":
      return {value: 0, text: "Queued", tone: "neutral"};
    case "parsing": {
      // Scanned pages are read one by one, seconds each: say which, so a long scan visibly moves.
      const ocr = file.ocr;
      if (ocr && ocr.total > 0) {
        const page = Math.min(ocr.done + 1, ocr.total);
        return {value: 0.08 * (ocr.done / ocr.total), text: ocr.done < ocr.total ? `Reading text by OCR: page ${page} of ${ocr.total}` : "Parsing…", tone: "accent"};
      }
      return {value: null, text: "Parsing…", tone: "accent"};
    }
    case "embedding": {
      const total = file.total ?? 0;
      const done = file.done ?? 0;
      return {value: total > 0 ? 0.1 + 0.85 * (done / total) : null, text: total > 0 ? `Embedding ${done} of ${total} ${total === 1 ? "chunk" : "chunks"}` : "Embedding…", tone: "accent"};
    }
    case "writing":
      return {value: 0.97, text: "Writing to the index…", tone: "accent"};
    case "done": {
      const text = file.chunks !== undefined ? `Done · ${file.chunks} ${file.chunks === 1 ? "chunk" : "chunks"}` : "Done";
      // Imported, but not all of it as written: the notes below the file say what.
      const notes = file.warnings?.length ?? 0;
      return notes > 0 ? {value: 1, text: `${text} · ${notes === 1 ? "1 note" : `${notes} notes`}`, tone: "warning"} : {value: 1, text, tone: "success"};
    }
    case "skipped":
      return {value: 1, text: `Skipped: ${file.reason ?? "nothing to import"}`, tone: "neutral"};
    case "failed":
      return {value: 1, text: file.error ? `${file.error.message} (${file.error.code})` : "Failed", tone: "danger"};
    case "cancelled":
      return {value: 0, text: "Cancelled", tone: "neutral"};
  }
}
