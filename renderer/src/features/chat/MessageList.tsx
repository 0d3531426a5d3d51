import {useEffect, useRef} from "react";
import type {Citation, EarlierSummary, StoredMessage} from "../../../../shared/chat.js";
import {AssistantMessage} from "./AssistantMessage.js";
import {UserMessage} from "./UserMessage.js";

/** Keeps the newest text in view while streaming, unless the reader scrolled up to read. */
export function MessageList({
  earlier = null,
  messages,
  streams,
  queue = {},
  pendingQuestion,
  streaming,
  activeCitation,
  onOpenCitation,
  onRegenerate,
  onEditLast,
  onUpdated,
}: {
  /** What the model is told of the conversation's first messages, once they were summarised. */
  earlier?: EarlierSummary | null;
  messages: StoredMessage[];
  streams: Record<string, string>;
  /** Places in line of answers waiting for a free generation slot, by message id. */
  queue?: Record<string, number>;
  pendingQuestion: string | null;
  streaming: boolean;
  activeCitation: {messageId: string; index: number} | null;
  onOpenCitation: (messageId: string, citation: Citation) => void;
  onRegenerate: () => void;
  onEditLast: (text: string) => Promise<void>;
  onUpdated: (message: StoredMessage) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const lastScrollTop = useRef(0);
  const lastUser = messages.findLastIndex((message) => message.role === "user");
  const lastAssistant = messages.findLastIndex((message) => message.role === "assistant");
  const streamedLength = Object.values(streams).reduce((sum, text) => sum + text.length, 0);

  useEffect(() => {
    const element = scroller.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [messages, streamedLength, pendingQuestion]);

  return (
    <div
      ref={scroller}
      className="message-scroll"
      onScroll={(event) => {
        // Only the reader scrolling up unpins; our own scrolls and growing text never move scrollTop up.
        const element = event.currentTarget;
        if (element.scrollHeight - element.scrollTop - element.clientHeight < 64) pinned.current = true;
        else if (element.scrollTop < lastScrollTop.current) pinned.current = false;
        lastScrollTop.current = element.scrollTop;
      }}
    >
      {earlier && (
        <details className="earlier-summary">
          <summary>
            Earlier in this conversation{" "}
            <span className="muted">
              · what the model is told of the first {earlier.covers} messages, {earlier.by === "model" ? "summarised by the model" : "as the questions asked (no model could summarise them)"}
            </span>
          </summary>
          <p>{earlier.text}</p>
        </details>
      )}
      <div className="message-list" role="log" aria-live="off" aria-label="Messages">
        {messages.map((message, index) =>
          message.role === "user" ? (
            <UserMessage key={message.id} message={message} editable={index === lastUser && !streaming} onEdit={onEditLast} />
          ) : (
            <AssistantMessage
              key={message.id}
              message={message}
              streamedText={streams[message.id]}
              queuePosition={queue[message.id]}
              isLast={index === lastAssistant && index > lastUser}
              busy={streaming}
              activeCitation={activeCitation?.messageId === message.id ? activeCitation.index : null}
              onOpenCitation={(citation) => onOpenCitation(message.id, citation)}
              onRegenerate={onRegenerate}
              onUpdated={onUpdated}
            />
          ),
        )}
        {pendingQuestion !== null && <UserMessage message={{content: pendingQuestion, redactions: []}} editable={false} onEdit={async () => undefined} />}
      </div>
    </div>
  );
}
