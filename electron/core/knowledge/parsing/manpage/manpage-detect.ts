/** Whether text is a manual page's source: a title request and at least one section heading. */
export function looksLikeManpage(text: string): boolean {
  const head = text.slice(0, 256 * 1024);
  if (/^[.'][ \t]*(TH|Dt|Dd)[ \t]/m.test(head) && /^[.'][ \t]*(SH|Sh)([ \t]|$)/m.test(head)) return true;
  // A page that is only a pointer to another (`.so man8/foo.8`), perhaps after comments.
  const lines = head.split(/\r?\n/).filter((line) => line.trim() && !/^[.'][ \t]*\\"/.test(line));
  return lines.length === 1 && /^\.so[ \t]+\S+\s*$/.test(lines[0]);
}
