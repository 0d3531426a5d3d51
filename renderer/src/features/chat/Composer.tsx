import {forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent} from "react";
import {IconButton} from "../../ui/Button.js";

export interface ComposerHandle {
  focus(): void;
  setText(text: string): void;
}

/** Enter sends, Shift+Enter adds a line; while an answer streams the button stops it instead. */
export const Composer = forwardRef<ComposerHandle, {streaming: boolean; disabled?: boolean; onSend: (text: string) => Promise<boolean>; onStop: () => void}>(function Composer(
  {streaming, disabled = false, onSend, onStop},
  ref,
) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  useImperativeHandle(ref, () => ({
    focus: () => area.current?.focus(),
    setText: (value) => {
      setText(value);
      area.current?.focus();
    },
  }));

  // Grow with the text up to a limit, then scroll inside.
  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = "auto";
    element.style.height = `${Math.min(element.scrollHeight, 240)}px`;
  }, [text]);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const message = text.trim();
    if (!message || streaming || sending || disabled) return;
    setSending(true);
    setText("");
    const sent = await onSend(message);
    // Keep what was typed if it could not be sent.
    if (!sent) setText(message);
    setSending(false);
    area.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        ref={area}
        className="composer-input"
        aria-label="Message"
        placeholder="Describe the problem, paste an error, or ask about a runbook…"
        rows={1}
        maxLength={32_000}
        value={text}
        disabled={disabled}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {streaming ? (
        <IconButton icon="stop" label="Stop generating (Esc)" variant="secondary" className="composer-button" onClick={onStop} />
      ) : (
        <IconButton icon="send" label="Send message" variant="primary" className="composer-button" type="submit" disabled={!text.trim() || sending || disabled} />
      )}
    </form>
  );
});
