/** Directive names of reStructuredText and Sphinx, which MyST Markdown shares, by what a reader sees of them. */

/** Directives whose content and arguments never reach a reader. */
const DROPPED_DIRECTIVES = new Set([
  "toctree", "contents", "index", "meta", "include", "literalinclude", "highlight", "raw", "image", "sectnum", "section-numbering",
  "header", "footer", "target-notes", "default-role", "role", "title", "tabularcolumns", "autosummary", "automodule", "autoclass",
  "autofunction", "automethod", "autoattribute", "autodata", "autoexception", "currentmodule", "module", "program", "class", "rst-class",
  "highlightlang", "graphviz", "digraph", "graph", "inheritance-diagram", "plot", "moduleauthor", "sectionauthor", "codeauthor",
  "ifconfig-off", "spelling", "spelling:word-list", "versionmodified", "cssclass",
]);
/** Directives whose content is code or preformatted text. */
const CODE_DIRECTIVES = new Set(["code-block", "code", "sourcecode", "parsed-literal", "math", "productionlist", "prompt", "doctest", "testcode", "testoutput", "highlight-code", "console"]);
/** Boxes with a label (Sphinx writes the label above the text). */
const ADMONITIONS: Record<string, string> = {
  note: "Note", warning: "Warning", tip: "Tip", important: "Important", caution: "Caution", attention: "Attention", danger: "Danger",
  error: "Error", hint: "Hint", seealso: "See also", todo: "To do",
};
const VERSION_NOTES: Record<string, string> = {versionadded: "New in version", versionchanged: "Changed in version", deprecated: "Deprecated since version", versionremoved: "Removed in version"};

/** What a directive is to a reader, by its name and the text on its line. */
export interface DirectiveReading {
  /** The name without its domain (`py:function` → `function`). */
  name: string;
  kind: "dropped" | "code" | "box" | "other";
  /** A box's label ("Warning", "New in version 1.2"). */
  label?: string;
  /** Words that open a box's text: an admonition's on the directive's line, the rest of a version note's line. */
  lead?: string;
}

export function directiveReading(fullName: string, argument: string): DirectiveReading {
  const name = fullName.includes(":") && !DROPPED_DIRECTIVES.has(fullName) ? fullName.slice(fullName.lastIndexOf(":") + 1) : fullName;
  if (DROPPED_DIRECTIVES.has(name) || DROPPED_DIRECTIVES.has(fullName)) return {name, kind: "dropped"};
  if (CODE_DIRECTIVES.has(name)) return {name, kind: "code"};
  if (name === "admonition") return {name, kind: "box", label: argument, lead: ""};
  if (name in ADMONITIONS) return {name, kind: "box", label: ADMONITIONS[name], lead: argument};
  if (name in VERSION_NOTES) {
    const [version = "", ...rest] = argument.split(/\s+/);
    return {name, kind: "box", label: `${VERSION_NOTES[name]} ${version}`, lead: rest.join(" ")};
  }
  return {name, kind: "other"};
}
