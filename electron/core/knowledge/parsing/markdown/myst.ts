/**
 * MyST, the Markdown of Sphinx projects (pip's and setuptools' manuals, much of Read the Docs):
 * directives written as fenced blocks (```` ```{note} ```` or `:::{note}`), roles as `` {ref}`text` ``
 * and link targets as `(label)=` lines. The source is brought to plain Markdown before it is read
 * (each directive a fenced block named `{name}`), and the reader tells directives from code by that name.
 */
import {roleText} from "../rst/rst-inline.js";

const NO_CONTEXT = {substitutions: new Map<string, string>(), labels: new Map<string, string>()};

/** A fenced block's info string naming a directive: ```` ```{note} Title ````. */
export function directiveOf(lang: string | undefined): {name: string; argument: string} | null {
  const match = /^\{([A-Za-z][\w:.+-]{0,60})\}\s*(.*)$/.exec(lang?.trim() ?? "");
  return match ? {name: match[1].toLowerCase(), argument: match[2].trim()} : null;
}

/** A directive's content without its options (`:key: value` lines, or a `---` block of them). */
export function directiveContent(text: string): {options: Map<string, string>; content: string} {
  const lines = text.split("\n");
  const options = new Map<string, string>();
  let k = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.indexOf("---", 1);
    if (end > 0) {
      for (const line of lines.slice(1, end)) {
        const option = /^([\w-]{1,60}):\s*(.*)$/.exec(line.trim());
        if (option) options.set(option[1].toLowerCase(), option[2]);
      }
      k = end + 1;
    }
  }
  for (; k < lines.length; k++) {
    const option = /^:([\w-]{1,60}):\s*(.*)$/.exec(lines[k]);
    if (!option) break;
    options.set(option[1].toLowerCase(), option[2]);
  }
  return {options, content: lines.slice(k).join("\n")};
}

/** Colon fences become backtick fences (longer outside than in), roles their text, targets nothing. */
export function mystToMarkdown(source: string): string {
  if (!/\{[A-Za-z][\w:.+-]{0,60}\}|^\([^()\n]{1,200}\)=[ \t]*$/m.test(source)) return source;
  const out: string[] = [];
  // Open fences: a directive's content is MyST too, a code block's is left as written.
  const open: {mark: string; length: number; directive: boolean}[] = [];
  const top = () => open[open.length - 1];
  // Directives become tilde fences, longer outside than in: a backtick fence's info string may not
  // hold a backtick, and a directive's title often does ("{tip} Run `pip cache purge`").
  const directiveFence = () => "~".repeat(12 - open.filter((f) => f.directive).length);
  for (const line of source.split("\n")) {
    const fence = /^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$/.exec(line);
    const bare = fence !== null && fence[2].trim() === "";
    if (top() && !top().directive) {
      if (bare && fence![1][0] === top().mark && fence![1].length >= top().length) open.pop();
      out.push(line);
      continue;
    }
    if (fence && directiveOf(fence[2]) && open.length < 8) {
      open.push({mark: fence[1][0], length: fence[1].length, directive: true});
      out.push(`${directiveFence()}${fence[2].trim()}`);
      continue;
    }
    if (fence && bare && top()?.mark === fence[1][0] && fence[1].length >= top().length) {
      out.push(directiveFence());
      open.pop();
      continue;
    }
    if (fence && fence[1][0] !== ":") {
      open.push({mark: fence[1][0], length: fence[1].length, directive: false});
      out.push(line);
      continue;
    }
    if (/^\([^()\n]{1,200}\)=[ \t]*$/.test(line)) continue;
    out.push(line.replace(/\{([A-Za-z][\w:.+-]{0,60})\}`([^`\n]{1,2000})`/g, (_m, role: string, body: string) => roleText(role, body, NO_CONTEXT)));
  }
  for (; open.length > 0; open.pop()) if (top().directive) out.push(directiveFence());
  return out.join("\n");
}
