import type {Citation} from "../../../../shared/chat.js";

export function CitationChips({sources, activeIndex, onOpen}: {sources: Citation[]; activeIndex: number | null; onOpen: (citation: Citation) => void}) {
  if (sources.length === 0) return null;
  return (
    <div className="citations" role="group" aria-label="Sources">
      {sources.map((citation) => (
        <button
          key={citation.index}
          type="button"
          className={`citation-chip${activeIndex === citation.index ? " active" : ""}`}
          aria-label={`Source ${citation.index}: ${citation.title}`}
          aria-pressed={activeIndex === citation.index}
          title={[citation.title, ...citation.headingPath].join(" › ")}
          onClick={() => onOpen(citation)}
        >
          <span className="citation-number">{citation.index}</span>
          <span className="citation-title">{citation.title}</span>
        </button>
      ))}
    </div>
  );
}
