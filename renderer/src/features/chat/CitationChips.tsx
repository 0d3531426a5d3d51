import type {Citation} from "../../../../shared/chat.js";
import {OcrBadge} from "../../ui/OcrBadge.js";

/**
 * What tells a citation apart from others of the same document: its section (the last heading, if
 * it is not just the title again), else its page or row. Where two chips would still read the same,
 * the page or row is added.
 */
export function citationDetails(sources: Citation[]): Map<number, string | null> {
  const place = (citation: Citation) => (citation.page !== null ? `p. ${citation.page}` : citation.row !== null ? `row ${citation.row}` : null);
  const section = (citation: Citation) => {
    const last = citation.headingPath.at(-1)?.trim();
    return last && last.toLowerCase() !== citation.title.trim().toLowerCase() ? last : null;
  };
  const details = new Map(sources.map((citation) => [citation.index, section(citation) ?? place(citation)]));
  const labels = new Map(sources.map((citation) => [citation.index, `${citation.title}|${details.get(citation.index) ?? ""}`]));
  for (const citation of sources) {
    const twins = sources.filter((other) => labels.get(other.index) === labels.get(citation.index));
    const where = place(citation);
    const detail = details.get(citation.index);
    if (twins.length > 1 && where && detail !== where) details.set(citation.index, detail ? `${detail} · ${where}` : where);
  }
  return details;
}

export function CitationChips({sources, activeIndex, onOpen}: {sources: Citation[]; activeIndex: number | null; onOpen: (citation: Citation) => void}) {
  if (sources.length === 0) return null;
  const details = citationDetails(sources);
  return (
    <div className="citations" role="group" aria-label="Sources">
      {sources.map((citation) => {
        const detail = details.get(citation.index) ?? null;
        return (
          <button
            key={citation.index}
            type="button"
            className={`citation-chip${activeIndex === citation.index ? " active" : ""}`}
            aria-label={`Source ${citation.index}: ${citation.title}${detail ? ` › ${detail}` : ""}${citation.ocr ? " (recognised by OCR)" : ""}`}
            aria-pressed={activeIndex === citation.index}
            title={[citation.title, ...citation.headingPath.filter((heading) => heading !== citation.title)].join(" › ")}
            onClick={() => onOpen(citation)}
          >
            <span className="citation-number">{citation.index}</span>
            <span className="citation-title">{citation.title}</span>
            {detail && <span className="citation-detail">› {detail}</span>}
            {citation.ocr && <OcrBadge />}
          </button>
        );
      })}
    </div>
  );
}
