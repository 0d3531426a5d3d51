import {useCallback} from "react";
import type {Citation, StoredMessage} from "../../../../shared/chat.js";
import {groundedMode} from "../../../../shared/grounding.js";
import {IconButton} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Icon, LogoMark} from "../../ui/Icon.js";
import {CitationChips} from "./CitationChips.js";
import {FeedbackControls} from "./FeedbackControls.js";
import {Markdown} from "./Markdown.js";
import {MessageMetrics} from "./MessageMetrics.js";
import {ModeBadge} from "./ModeBadge.js";
import {RedactionNotice} from "./RedactionNotice.js";

export function AssistantMessage({
  message,
  streamedText,
  queuePosition,
  isLast,
  busy,
  activeCitation,
  onOpenCitation,
  onRegenerate,
  onUpdated,
}: {
  message: StoredMessage;
  streamedText: string | undefined;
  /** Its place in line while it waits for a free generation slot. */
  queuePosition?: number;
  isLast: boolean;
  busy: boolean;
  activeCitation: number | null;
  onOpenCitation: (citation: Citation) => void;
  onRegenerate: () => void;
  onUpdated: (message: StoredMessage) => void;
}) {
  const streaming = message.status === "streaming";
  const text = streaming ? (streamedText ?? message.content) : message.content;
  const openByIndex = useCallback(
    (index: number) => {
      const citation = message.sources.find((source) => source.index === index);
      if (citation) onOpenCitation(citation);
    },
    [message.sources, onOpenCitation],
  );

  return (
    <article className="message message-assistant" aria-label="Answer" aria-busy={streaming || undefined}>
      <div className="message-avatar" aria-hidden="true">
        <LogoMark size={28} />
      </div>
      <div className="message-body">
        <div className="message-heading">
          <span className="message-author">Deskside</span>
          {/* Judged from the text too: answers stored before "uncited" existed may claim "grounded" without a citation. */}
          {message.mode && <ModeBadge mode={groundedMode(message.mode, message.content, message.sources)} />}
        </div>
        <RedactionNotice findings={message.redactions} />
        {streaming && !text ? (
          <div className="thinking" role="status">
            <span className="thinking-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {queuePosition ? `Waiting for the model: ${ordinal(queuePosition)} in line…` : "Searching the knowledge base…"}
          </div>
        ) : (
          <div className={streaming ? "answer streaming" : "answer"}>
            <Markdown text={text} citationCount={message.sources.length} onCitation={openByIndex} />
          </div>
        )}
        {message.status === "stopped" && <p className="message-note">Stopped. The partial answer was kept.</p>}
        {message.error && (
          <p className="message-error" role="alert" data-code={message.error.code}>
            <Icon name="warning" size={14} /> {message.error.message}
          </p>
        )}
        {message.notice && <p className="message-note">{message.notice}</p>}
        <CitationChips sources={message.sources} activeIndex={activeCitation} onOpen={onOpenCitation} />
        {!streaming && (
          <div className="message-footer">
            <div className="message-actions">
              <CopyButton text={message.content} label="Copy answer" iconOnly />
              {isLast && <IconButton icon="regenerate" size="sm" label="Regenerate answer" disabled={busy} onClick={onRegenerate} />}
              <FeedbackControls message={message} onUpdated={onUpdated} />
            </div>
            <MessageMetrics metrics={message.metrics} />
          </div>
        )}
      </div>
    </article>
  );
}

/** 1st, 2nd, 3rd, 4th… 11th, 12th, 13th, 21st. */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
