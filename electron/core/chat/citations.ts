import type {Citation} from "../../../shared/chat.js";
import type {SearchHit} from "../../../shared/knowledge.js";

const SNIPPET_CHARS = 400;

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
  }));
}

/** The [n] markers an answer actually uses, in order of first use. */
export function citedIndexes(text: string): number[] {
  const seen: number[] = [];
  for (const match of text.matchAll(/\[(\d{1,2})\]/g)) {
    const n = Number(match[1]);
    if (!seen.includes(n)) seen.push(n);
  }
  return seen;
}

/** A written answer made of passages, for when no model is available. */
export function passagesAnswer(citations: Citation[]): string {
  const lines = ["Here are the best-matching passages from the knowledge base:", ""];
  for (const c of citations) {
    const where = [c.headingPath.join(" › "), c.page ? `page ${c.page}` : "", c.row ? `row ${c.row}` : ""].filter(Boolean).join(", ");
    lines.push(`**[${c.index}] ${c.title}**${where ? ` — ${where}` : ""}`, "", ...c.snippet.split("\n").map((l) => `> ${l}`), "");
  }
  return lines.join("\n").trimEnd();
}
