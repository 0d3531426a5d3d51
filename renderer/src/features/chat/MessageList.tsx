import {useEffect, useRef} from "react";
import type {Citation, StoredMessage} from "../../../../shared/chat.js";
import {AssistantMessage} from "./AssistantMessage.js";
import {UserMessage} from "./UserMessage.js";

/** Keeps the newest text in view while streaming, unless the reader scrolled up to read. */
export function MessageList({
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
