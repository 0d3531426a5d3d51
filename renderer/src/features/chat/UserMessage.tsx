import {useState, type FormEvent} from "react";
import type {StoredMessage} from "../../../../shared/chat.js";
import {Button, IconButton} from "../../ui/Button.js";
import {RedactionNotice} from "./RedactionNotice.js";

export function UserMessage({message, editable, onEdit}: {message: Pick<StoredMessage, "content" | "redactions">; editable: boolean; onEdit: (text: string) => Promise<void>}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft.trim()) return;
    setBusy(true);
    try {
      await onEdit(draft.trim());
      setEditing(false);
    } finally {
      setBusy(false);
    }
  }

  if (editing) {
    return (
      <form className="message message-user editing" onSubmit={submit} aria-label="Edit question">
        <textarea
          className="input textarea"
          aria-label="Edited question"
          value={draft}
          rows={Math.min(10, draft.split("\n").length + 1)}
          autoFocus
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.stopPropagation();
              setEditing(false);
            } else if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <div className="edit-actions">
          <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
            Cancel
          </Button>
          <Button size="sm" variant="primary" type="submit" busy={busy} disabled={!draft.trim()}>
            Save and ask again
          </Button>
        </div>
      </form>
    );
  }

  return (
    <article className="message message-user" aria-label="Question">
      <div className="user-bubble">{message.content}</div>
      <RedactionNotice findings={message.redactions} />
      {editable && (
        <div className="message-actions message-actions-user">
          <IconButton
            icon="pencil"
            size="sm"
            label="Edit question"
            onClick={() => {
              setDraft(message.content);
              setEditing(true);
            }}
          />
        </div>
      )}
    </article>
  );
}
