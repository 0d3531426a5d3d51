/** Directive names of reStructuredText and Sphinx, which MyST Markdown shares, by what a reader sees of them. */

/** Directives whose content and arguments never reach a reader. */
export const DROPPED_DIRECTIVES = new Set([
  "toctree", "contents", "index", "meta", "include", "literalinclude", "highlight", "raw", "image", "sectnum", "section-numbering",
  "header", "footer", "target-notes", "default-role", "role", "title", "tabularcolumns", "autosummary", "automodule", "autoclass",
  "autofunction", "automethod", "autoattribute", "autodata", "autoexception", "currentmodule", "module", "program", "class", "rst-class",
  "highlightlang", "graphviz", "digraph", "graph", "inheritance-diagram", "plot", "moduleauthor", "sectionauthor", "codeauthor",
  "ifconfig-off", "spelling", "spelling:word-list", "versionmodified", "cssclass",
]);
/** Directives whose content is code or preformatted text. */
export const CODE_DIRECTIVES = new Set(["code-block", "code", "sourcecode", "parsed-literal", "math", "productionlist", "prompt", "doctest", "testcode", "testoutput", "highlight-code", "console"]);
/** Boxes with a label (Sphinx writes the label above the text). */
export const ADMONITIONS: Record<string, string> = {
  note: "Note", warning: "Warning", tip: "Tip", important: "Important", caution: "Caution", attention: "Attention", danger: "Danger",
  error: "Error", hint: "Hint", seealso: "See also", todo: "To do",
};
export const VERSION_NOTES: Record<string, string> = {versionadded: "New in version", versionchanged: "Changed in version", deprecated: "Deprecated since version", versionremoved: "Removed in version"};
