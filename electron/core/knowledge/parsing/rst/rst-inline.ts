/**
 * reStructuredText inline markup as a reader sees it rendered: emphasis and literals lose their
 * marks, a role shows its text (`:ref:`Title <label>`` → "Title"), a link its words, a substitution
 * its replacement. Footnote references and escapes go.
 */

export interface InlineContext {
  /** `.. |name| replace:: text` definitions (image substitutions map to ""). */
  substitutions: Map<string, string>;
  /** Section titles by the label of the target right above them (`.. _label:`), for `:ref:` without a title. */
  labels: Map<string, string>;
}

/** `text <target>` → text; `<target>` alone → target. */
function withoutTarget(text: string): string {
  const match = /^([\s\S]*?)\s*<([^<>]*)>$/.exec(text);
  if (!match) return text;
  return match[1].trim() || match[2];
}

/** A label as a reader would guess it from its spelling: `borg_init` → "borg init". */
function labelText(label: string, context: InlineContext): string {
  const known = context.labels.get(label.toLowerCase());
  return known ?? label.replace(/[_-]+/g, " ").trim();
}

/** What a role shows (`:ref:`, `{ref}` in MyST): its title, or the words of its target. */
export function roleText(role: string, body: string, context: InlineContext): string {
  const name = role.replace(/^.*:/, "").toLowerCase();
  // A leading "~" or "!" shortens or silences a reference; the reader sees the rest.
  const text = body.replace(/^[~!]/, "");
  const explicit = /<[^<>]*>$/.test(text);
  if ((name === "ref" || name === "numref") && !explicit) return labelText(text, context);
  if (name === "doc" && !explicit) return text.replace(/^.*\//, "").replace(/[_-]+/g, " ");
  if (name === "abbr") return text;
  if (name === "menuselection" || name === "guilabel") return withoutTarget(text).replace(/-->/g, "→").replace(/&(?=\w)/g, "");
  return withoutTarget(text);
}

// Inline constructs, longest delimiters first. A construct starts after a space or punctuation, as in
// docutils ("2*3*4" is no emphasis), and every body is bounded, so a paragraph full of unclosed marks
// costs linear time.
const START = String.raw`(?<![\w\uE000])`;
const INLINE = new RegExp(
  [
    String.raw`${START}(?<literal>\`\`(?<literalBody>[^\`]{1,2000}?|[^\`][\s\S]{0,2000}?[^\`])\`\`)`,
    String.raw`${START}(?<role>:(?<roleName>[A-Za-z][\w.+-]{0,60}(?::[A-Za-z][\w.+-]{0,60})?):\`(?<roleBody>[^\`]{1,2000})\`)`,
    String.raw`${START}_\`(?<inlineTarget>[^\`]{1,2000})\``,
    String.raw`${START}(?<link>\`(?<linkBody>[^\`]{1,2000})\`__?)`,
    String.raw`${START}(?<interp>\`(?<interpBody>[^\`]{1,2000})\`(?::(?<suffixRole>[A-Za-z][\w.+-]{0,60}):)?)`,
    String.raw`${START}(?<strong>\*\*(?<strongBody>[^*\s](?:[^*]{0,2000}[^*\s])?)\*\*)`,
    String.raw`${START}(?<em>\*(?<emBody>[^*\s](?:[^*]{0,2000}[^*\s])?)\*)`,
    String.raw`${START}(?<sub>\|(?<subName>[^|\s](?:[^|\n]{0,200}[^|\s])?)\|(?:__?)?)`,
    String.raw`(?<footref>[ \t]?\[(?:\d{1,9}|#[\w-]{0,60}|\*|[A-Za-z][\w.-]{0,60})\]_)`,
    String.raw`\b(?<wordref>(?<refWord>[A-Za-z0-9][\w.+-]{0,100}?)__?(?!\w))`,
  ].join("|"),
  "g",
);

/** One paragraph's inline markup resolved; lines stay lines. */
export function inlineText(text: string, context: InlineContext, nesting = 0): string {
  // Escapes first, kept out of the patterns' way: "\*" is a star, "\ " joins words.
  const escaped: string[] = [];
  const protectedText = text.replace(/\\([\s\S])/g, (_m, ch: string) => {
    if (/\s/.test(ch)) return "";
    escaped.push(ch);
    return `\uE000${escaped.length - 1}\uE000`;
  });
  const resolved = protectedText.replace(INLINE, (match, ...args) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    if (groups.literal !== undefined) return match.slice(2, -2);
    if (groups.inlineTarget !== undefined) return groups.inlineTarget;
    if (groups.role !== undefined) return roleText(groups.roleName!, groups.roleBody!, context);
    if (groups.link !== undefined) return withoutTarget(groups.linkBody!);
    if (groups.interp !== undefined) return groups.suffixRole ? roleText(groups.suffixRole, groups.interpBody!, context) : groups.interpBody!;
    // Emphasis may hold other markup (a literal, a link); one level of it is read.
    if (groups.strong !== undefined) return nesting > 0 ? groups.strongBody! : inlineText(groups.strongBody!, context, 1);
    if (groups.em !== undefined) return nesting > 0 ? groups.emBody! : inlineText(groups.emBody!, context, 1);
    if (groups.sub !== undefined) return context.substitutions.get(groups.subName!.toLowerCase()) ?? groups.subName!;
    if (groups.footref !== undefined) return "";
    if (groups.wordref !== undefined) return groups.refWord!;
    return match;
  });
  return escaped.length === 0 ? resolved : resolved.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => escaped[Number(i)] ?? "");
}
