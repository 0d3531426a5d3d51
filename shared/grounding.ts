/**
 * Whether an answer is grounded, judged from what it actually cites. Pure: the core decides an
 * answer's mode with it, and the renderer applies it again to answers stored before it existed.
 */
import type {AnswerMode, Citation} from "./chat.js";

/** `[3]` or a list such as `[1, 2]`, the forms the answer renderer turns into citation chips. */
const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/** The [n] numbers an answer uses, in order of first use. */
export function citedIndexes(text: string): number[] {
  const seen: number[] = [];
  for (const match of text.matchAll(MARKER)) {
    for (const part of match[1].split(",")) {
      const n = Number(part.trim());
      if (!seen.includes(n)) seen.push(n);
    }
  }
  return seen;
}

/** The sources an answer cites by a marker that matches one of them; numbers with no source do not count. */
export function citedSources<S extends Pick<Citation, "index">>(text: string, sources: readonly S[]): S[] {
  const cited = new Set(citedIndexes(text));
  return sources.filter((source) => cited.has(source.index));
}

/**
 * The mode to show for an answer: one written from knowledge-base passages that cites none of the
 * sources shown with it is "uncited", not "grounded". Other modes are kept as they are.
 */
export function groundedMode(mode: AnswerMode, text: string, sources: readonly Pick<Citation, "index">[]): AnswerMode {
  if (mode !== "grounded") return mode;
  return citedSources(text, sources).length > 0 ? "grounded" : "uncited";
}
