import {useLayoutEffect, useRef} from "react";

export interface TextRange {
  start: number;
  end: number;
}

/** The text before, inside and after a range; a range outside the text (stale or cut) marks nothing. */
export function splitAtRange(text: string, range: TextRange | null | undefined): {before: string; marked: string; after: string} | null {
  if (!range) return null;
  const start = Math.max(0, Math.min(range.start, text.length));
  const end = Math.max(start, Math.min(range.end, text.length));
  if (end === start) return null;
  return {before: text.slice(0, start), marked: text.slice(start, end), after: text.slice(end)};
}

/**
 * Plain text with one range wrapped in <mark>, in a box that scrolls itself so the mark is in view
 * (centred when it fits, its start at the top when it is taller than the box). Only this box
 * scrolls: the panel or page around it stays where the reader left it.
 */
export function HighlightedText({
  text,
  highlight,
  label,
  className = "",
  as: Tag = "div",
}: {
  text: string;
  highlight: TextRange | null | undefined;
  label?: string;
  className?: string;
  as?: "div" | "blockquote";
}) {
  const box = useRef<HTMLElement>(null);
  const mark = useRef<HTMLElement>(null);
  const parts = splitAtRange(text, highlight);
  const markStart = parts ? parts.before.length : -1;
  const markLength = parts ? parts.marked.length : 0;

  useLayoutEffect(() => {
    const container = box.current;
    const target = mark.current;
    if (!container || !target) return;
    const top = target.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
    const height = target.getBoundingClientRect().height;
    const room = container.clientHeight;
    container.scrollTop = Math.max(0, height < room ? top - (room - height) / 2 : top - 8);
  }, [text, markStart, markLength]);

  return (
    // Focusable and named so keyboard users can scroll it; a region only when it has a name.
    <Tag ref={box as never} className={`highlighted-text ${className}`.trim()} role={label ? "region" : undefined} aria-label={label} tabIndex={0}>
      {parts ? (
        <>
          {parts.before}
          <mark ref={mark} className="text-highlight">
            {parts.marked}
          </mark>
          {parts.after}
        </>
      ) : (
        text
      )}
    </Tag>
  );
}
