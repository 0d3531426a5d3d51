import {useEffect, useRef, useState, type FormEvent} from "react";
import type {ConversationSummary} from "../../../../shared/chat.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Button, IconButton} from "../../ui/Button.js";
import {formatRelative} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";
import {useConversationList} from "./useConversationList.js";

export function ConversationList({
  activeId,
  onOpen,
  onNew,
  onDeleted,
}: {
  activeId: string | null;
  onOpen: (id: string) => void;
  onNew: () => void;
  onDeleted: (id: string) => void;
}) {
  const client = useClient();
  const {notify} = useToast();
  const [query, setQuery] = useState("");
  const {items, error, reload, setItems} = useConversationList(query);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirm, confirmDialog] = useConfirm();

  // A conversation started from the composer is not in the list yet.
  const known = items?.some((item) => item.id === activeId) ?? true;
  useEffect(() => {
    if (activeId && !known) void reload();
  }, [activeId, known, reload]);

  async function rename(conversation: ConversationSummary, title: string) {
    setRenaming(null);
    if (!title.trim() || title.trim() === conversation.title) return;
    try {
      const updated = await client.invoke("chat.rename", {id: conversation.id, title: title.trim()});
      setItems((list) => list?.map((item) => (item.id === updated.id ? updated : item)) ?? list);
    } catch (caught) {
      notify(errorMessage(caught), {tone: "error"});
    }
  }

  async function remove(conversation: ConversationSummary) {
    const ok = await confirm({
      title: "Delete conversation?",
      message: `"${conversation.title}" and its messages will be deleted. This cannot be undone.`,
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    try {
      await client.invoke("chat.delete", {id: conversation.id});
      setItems((list) => list?.filter((item) => item.id !== conversation.id) ?? list);
      onDeleted(conversation.id);
    } catch (caught) {
      notify(errorMessage(caught), {tone: "error"});
    }
  }

  return (
    <div className="conversation-list">
      <div className="conversation-list-top">
        <Button variant="primary" icon="chatPlus" className="btn-block" onClick={onNew} title="New chat (Ctrl+K)">
          New chat
        </Button>
        <div className="search-input">
          <Icon name="search" size={14} />
          <input type="search" className="input input-sm" placeholder="Search conversations" aria-label="Search conversations" value={query} onChange={(event) => setQuery(event.target.value)} />
        </div>
      </div>
      {error ? (
        <div className="list-message">
          {errorMessage(error)}{" "}
          <button type="button" className="link-button" onClick={() => void reload()}>
            Retry
          </button>
        </div>
      ) : items === null ? (
        <div className="list-message muted">Loading…</div>
      ) : items.length === 0 ? (
        <div className="list-message muted">{query ? "No conversations match." : "No conversations yet. Ask your first question."}</div>
      ) : (
        <ul className="conversation-items" aria-label="Conversations">
          {items.map((conversation) =>
            renaming === conversation.id ? (
              <li key={conversation.id} className="conversation-item editing">
                <RenameForm initial={conversation.title} onDone={(title) => void rename(conversation, title)} onCancel={() => setRenaming(null)} />
              </li>
            ) : (
              <li key={conversation.id} className={`conversation-item${conversation.id === activeId ? " active" : ""}`}>
                <button type="button" className="conversation-open" aria-current={conversation.id === activeId ? "true" : undefined} onClick={() => onOpen(conversation.id)}>
                  <span className="conversation-title">{conversation.title || "Untitled"}</span>
                  <span className="conversation-meta">
                    {formatRelative(conversation.updatedAt)} · {conversation.messageCount} {conversation.messageCount === 1 ? "message" : "messages"}
                  </span>
                </button>
                <span className="conversation-actions">
                  <IconButton icon="pencil" size="sm" label={`Rename "${conversation.title}"`} onClick={() => setRenaming(conversation.id)} />
                  <IconButton icon="trash" size="sm" label={`Delete "${conversation.title}"`} onClick={() => void remove(conversation)} />
                </span>
              </li>
            ),
          )}
        </ul>
      )}
      {confirmDialog}
    </div>
  );
}

function RenameForm({initial, onDone, onCancel}: {initial: string; onDone: (title: string) => void; onCancel: () => void}) {
  const [title, setTitle] = useState(initial);
  // Enter, Escape and blur can all end the edit; only the first one counts.
  const finished = useRef(false);
  function finish(action: () => void) {
    if (finished.current) return;
    finished.current = true;
    action();
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    finish(() => onDone(title));
  }
  return (
    <form onSubmit={submit} className="rename-form">
      <input
        className="input input-sm"
        aria-label="Conversation title"
        value={title}
        maxLength={200}
        autoFocus
        onFocus={(event) => event.target.select()}
        onChange={(event) => setTitle(event.target.value)}
        onBlur={() => finish(() => onDone(title))}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.stopPropagation();
            finish(onCancel);
          }
        }}
      />
    </form>
  );
}
