import type {Citation} from "../../../shared/chat.js";
import type {SearchHit} from "../../../shared/knowledge.js";

export {citedIndexes} from "../../../shared/grounding.js";

const SNIPPET_CHARS = 400;

/** The section trail below the document's own title (Markdown's H1 is usually the title again). */
export function sectionTrail(title: string, headingPath: string[]): string[] {
  return headingPath[0]?.trim().toLowerCase() === title.trim().toLowerCase() ? headingPath.slice(1) : headingPath;
}

/** "Section › Subsection, page 3" for a passage, or "" when it has no place to name. */
export function describeLocation(title: string, headingPath: string[], page: number | null, row: number | null): string {
  return [sectionTrail(title, headingPath).join(" › "), page ? `page ${page}` : "", row ? `row ${row}` : ""].filter(Boolean).join(", ");
}

export function toCitations(hits: SearchHit[]): Citation[] {
  return hits.map((hit, i) => ({
    index: i + 1,
    chunkId: hit.chunkId,
    documentId: hit.documentId,
    title: hit.title,
    sourcePath: hit.sourcePath,
    headingPath: hit.headingPath,
    page: hit.page,
    row: hit.row,
    snippet: hit.text.length > SNIPPET_CHARS ? `${hit.text.slice(0, SNIPPET_CHARS).trimEnd()}…` : hit.text,
    score: hit.score,
    ...(hit.ocr ? {ocr: true} : {}),
    ...(hit.passage ? {passage: {text: hit.passage.text, highlight: hit.passage.highlight, fromOrdinal: hit.passage.fromOrdinal, toOrdinal: hit.passage.toOrdinal}} : {}),
  }));
}

/**
 * A written answer made of passages, for when no model is available: the best match as its whole
 * section (its steps included), the others as short excerpts.
 */
export function passagesAnswer(citations: Citation[]): string {
  const lines = ["Here are the best-matching passages from the knowledge base:", ""];
  for (const c of citations) {
    const where = describeLocation(c.title, c.headingPath, c.page, c.row);
    const body = c.index === 1 && c.passage ? c.passage.text : c.snippet;
    lines.push(`**[${c.index}] ${c.title}**${where ? ` — ${where}` : ""}`, "", ...body.split("\n").map((l) => `> ${l}`), "");
  }
  return lines.join("\n").trimEnd();
}

/**
 * Every chunk a reader was shown with these citations: each cited chunk and the rest of its passage
 * (chunk ids are `<document id>:<ordinal>`, see store-schema.ts).
 */
export function shownChunkIds(citations: Citation[]): string[] {
  const ids = new Set<string>();
  for (const c of citations) {
    ids.add(c.chunkId);
    const from = c.passage?.fromOrdinal;
    const to = c.passage?.toOrdinal;
    if (from === undefined || to === undefined) continue;
    for (let ordinal = from; ordinal <= to && ordinal - from < 64; ordinal++) ids.add(`${c.documentId}:${ordinal}`);
  }
  return [...ids];
}
