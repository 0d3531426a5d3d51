import {useState, type FormEvent} from "react";
import type {StoredMessage} from "../../../../shared/chat.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Button, IconButton} from "../../ui/Button.js";
import {useToast} from "../../ui/Toasts.js";

/** Thumbs up/down; after a rating, an optional comment can follow. Clicking the same thumb again clears it. */
export function FeedbackControls({message, onUpdated}: {message: StoredMessage; onUpdated: (message: StoredMessage) => void}) {
  const client = useClient();
  const {notify} = useToast();
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState("");
  const rating = message.feedback?.rating ?? null;

  async function rate(next: "up" | "down") {
    const value = rating === next ? null : next;
    try {
      onUpdated(await client.invoke("chat.feedback", {messageId: message.id, rating: value}));
      setCommenting(value !== null);
    } catch (caught) {
      notify(errorMessage(caught), {tone: "error"});
    }
  }

  async function sendComment(event: FormEvent) {
    event.preventDefault();
    if (!rating) return;
    try {
      onUpdated(await client.invoke("chat.feedback", {messageId: message.id, rating, comment: comment.trim()}));
      setCommenting(false);
      setComment("");
      notify("Thanks, feedback saved.", {tone: "success"});
    } catch (caught) {
      notify(errorMessage(caught), {tone: "error"});
    }
  }

  return (
    <>
      <IconButton icon="thumbUp" size="sm" label="Good answer" pressed={rating === "up"} className={rating === "up" ? "is-on" : undefined} onClick={() => void rate("up")} />
      <IconButton icon="thumbDown" size="sm" label="Bad answer" pressed={rating === "down"} className={rating === "down" ? "is-on" : undefined} onClick={() => void rate("down")} />
      {commenting && (
        <form className="feedback-comment" onSubmit={sendComment}>
          <input
            className="input input-sm"
            aria-label="Feedback comment (optional)"
            placeholder={rating === "down" ? "What was wrong? (optional)" : "What helped? (optional)"}
            maxLength={2000}
            value={comment}
            autoFocus
            onChange={(event) => setComment(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.stopPropagation();
                setCommenting(false);
              }
            }}
          />
          <Button size="sm" type="submit" disabled={!comment.trim()}>
            Send
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setCommenting(false)}>
            Skip
          </Button>
        </form>
      )}
    </>
  );
}
