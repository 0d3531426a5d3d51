import {useEffect, useRef, useState} from "react";
import type {Citation} from "../../../../shared/chat.js";
import {useClient} from "../../client/context.js";
import {Button, IconButton} from "../../ui/Button.js";
import {baseName, formatScore} from "../../ui/format.js";
import {HighlightedText} from "../../ui/HighlightedText.js";
import {Icon} from "../../ui/Icon.js";
import {OcrBadge} from "../../ui/OcrBadge.js";
import {useToast} from "../../ui/Toasts.js";
import {DocumentReader} from "../knowledge/DocumentReader.js";

/** Below this width the preview is a sheet over the chat (see chat.css) rather than a column beside it. */
const SHEET_QUERY = "(max-width: 1439px)";

/**
 * The passage behind a citation chip, so a technician can check it before acting: the whole section
 * around the cited excerpt (excerpt highlighted) when retrieval sent one, else the excerpt itself;
 * and the whole document on request.
 */
export function SourcePreview({citation, onClose}: {citation: Citation; onClose: () => void}) {
  const {desktop} = useClient();
  const {notify} = useToast();
  const closeButton = useRef<HTMLButtonElement>(null);
  const [reading, setReading] = useState(false);

  // As a sheet it covers the chat, so it takes focus, and hands it back to the chip when it closes.
  useEffect(() => {
    if (typeof window.matchMedia !== "function" || !window.matchMedia(SHEET_QUERY).matches) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  async function openFile() {
    try {
      const problem = await desktop?.openPath?.(citation.sourcePath);
      if (problem) notify(problem, {tone: "error"});
    } catch {
      notify("The file could not be opened.", {tone: "error"});
    }
  }
  const location = [citation.page !== null ? `Page ${citation.page}` : null, citation.row !== null ? `Row ${citation.row}` : null].filter(Boolean).join(" · ");
  return (
    <aside className="source-preview" aria-label={`Source ${citation.index}`}>
      <header className="source-preview-header">
        <span className="citation-number citation-number-lg">{citation.index}</span>
        <h2 className="source-preview-title">{citation.title}</h2>
        <IconButton ref={closeButton} icon="close" label="Close source preview" onClick={onClose} />
      </header>
      <div className="source-preview-body">
        {citation.headingPath.length > 0 && (
          <nav className="heading-path" aria-label="Section">
            {citation.headingPath.map((heading, index) => (
              <span key={index}>
                {index > 0 && <Icon name="chevronRight" size={12} />}
                {heading}
              </span>
            ))}
          </nav>
        )}
        <dl className="source-facts">
          <div>
            <dt>File</dt>
            <dd title={citation.sourcePath}>{baseName(citation.sourcePath)}</dd>
          </div>
          {location && (
            <div>
              <dt>Location</dt>
              <dd>{location}</dd>
            </div>
          )}
          {citation.ocr && (
            <div>
              <dt>Text</dt>
              <dd>
                <OcrBadge /> read from a scan
              </dd>
            </div>
          )}
          <div>
            <dt>Relevance</dt>
            <dd>
              <span className="score-inline">
                <span className="score-bar" aria-hidden="true">
                  <span style={{width: `${Math.round(Math.min(1, Math.max(0, citation.score)) * 100)}%`}} />
                </span>
                {formatScore(citation.score)}
              </span>
            </dd>
          </div>
        </dl>
        {citation.passage ? (
          <HighlightedText as="blockquote" text={citation.passage.text} highlight={citation.passage.highlight} label="Cited passage" className="source-snippet source-passage" />
        ) : (
          <blockquote className="source-snippet">{citation.snippet}</blockquote>
        )}
        <div className="source-preview-actions">
          <Button icon="file" onClick={() => setReading(true)}>
            Open whole document
          </Button>
          {desktop?.openPath && (
            <Button icon="external" onClick={() => void openFile()}>
              Open file
            </Button>
          )}
        </div>
      </div>
      {reading && <DocumentReader documentId={citation.documentId} chunkId={citation.chunkId} title={citation.title} onClose={() => setReading(false)} />}
    </aside>
  );
}
