import {resolveStrings, type RoffStrings} from "./roff-text.js";

/**
 * A manual page's source reduced to what its macros mean for a reader: comments, macro and string
 * definitions and the branches a terminal would not take are gone, continued lines are joined,
 * and every line left is either a request (macro) with its arguments or a line of text. The page
 * is read as `man` shows it on a terminal (nroff, under groff), which decides `.if n` and `.ie t`.
 */

export type RoffLine = {kind: "request"; name: string; args: string[]} | {kind: "text"; text: string};

export interface RoffSource {
  lines: RoffLine[];
  strings: RoffStrings;
  /** The page named by a `.so` request: a page that only points to another. */
  includes: string[];
  /** Macros the page defines itself (`.de URL`): their arguments are read as text where they are used. */
  defined: ReadonlySet<string>;
}

/** Requests whose lines are definitions, ended by a line `..` (or the name given). */
const DEFINITIONS = new Set(["de", "de1", "am", "am1", "ig", "dei", "ami"]);

export function readRoff(source: string): RoffSource {
  const physical = source.replace(/\r\n?/g, "\n").split("\n");
  const strings = new Map<string, string>();
  const includes: string[] = [];
  const defined = new Set<string>();
  const lines: RoffLine[] = [];
  const elseBranches: boolean[] = [];
  let skipDepth = 0;
  let definitionEnd: string | null = null;

  const logical = joinContinuations(physical);
  for (let index = 0; index < logical.length; index++) {
    const raw = logical[index];
    if (definitionEnd !== null) {
      // the end line is the control character and the end name, spaces allowed between (`.  .`)
      if (/^[.'][ \t]*(\S+)[ \t]*$/.exec(raw)?.[1] === definitionEnd) definitionEnd = null;
      continue;
    }
    if (skipDepth > 0) {
      skipDepth += braceBalance(raw);
      if (skipDepth < 0) skipDepth = 0;
      continue;
    }
    handle(raw);
  }
  return {lines, strings: resolveStrings(strings), includes, defined};

  function handle(raw: string): void {
    const line = raw.replace(/\\\}/g, "");
    if (!isControl(line)) {
      lines.push({kind: "text", text: line});
      return;
    }
    const body = line.slice(1).replace(/^[ \t]+/, "");
    if (body === "" || body.startsWith('\\"') || body.startsWith("\\#")) return;
    const name = /^[^\s\\]+/.exec(body)?.[0] ?? "";
    const rest = body.slice(name.length).replace(/^[ \t]+/, "");
    if (name === "ie" || name === "if") {
      const {truth, branch} = condition(rest);
      if (name === "ie") elseBranches.push(!truth);
      takeBranch(truth, branch);
      return;
    }
    if (name === "el") {
      takeBranch(elseBranches.pop() ?? false, rest);
      return;
    }
    if (DEFINITIONS.has(name)) {
      const args = splitArguments(rest);
      definitionEnd = name.startsWith("ig") ? (args[0] ?? ".") : (args[1] ?? ".");
      if (!name.startsWith("ig") && args[0]) defined.add(args[0]);
      return;
    }
    if (name === "ds" || name === "ds1" || name === "as") {
      const match = /^(\S+)[ \t]*"?(.*)$/.exec(rest);
      // kept as written (`\\` read once, as roff's copy mode does) and read as text once all are known
      if (match) strings.set(match[1], (name === "as" ? (strings.get(match[1]) ?? "") : "") + match[2].replace(/\\\\/g, "\\"));
      return;
    }
    if (name === "als" || name === "rn") {
      const [alias, original] = splitArguments(rest);
      if (alias && original && defined.has(original)) defined.add(alias);
      return;
    }
    if (name === "so" || name === "mso") {
      if (name === "so" && rest.trim()) includes.push(rest.trim());
      return;
    }
    if (name === "") return;
    lines.push({kind: "request", name, args: splitArguments(rest)});
  }

  function takeBranch(truth: boolean, branch: string): void {
    const opens = branch.startsWith("\\{");
    if (!truth) {
      if (opens) skipDepth = Math.max(0, braceBalance(branch));
      return;
    }
    const inner = (opens ? branch.slice(2) : branch).replace(/^[ \t]+/, "");
    if (inner.trim() !== "" && inner.trim() !== "\\") handle(inner);
  }
}

/** A roff condition and the rest of the line, the branch it guards. */
function condition(text: string): {truth: boolean; branch: string} {
  let rest = text;
  let negate = false;
  if (rest.startsWith("!")) {
    negate = true;
    rest = rest.slice(1);
  }
  let truth: boolean;
  let length: number;
  const delimiter = rest[0];
  if (delimiter === "'" || delimiter === '"') {
    // 'a'b': two strings compared
    const first = rest.indexOf(delimiter, 1);
    const second = first < 0 ? -1 : rest.indexOf(delimiter, first + 1);
    length = second < 0 ? rest.length : second + 1;
    truth = second >= 0 && rest.slice(1, first) === rest.slice(first + 1, second);
  } else if (/^[ntoev](\s|\\\{|$)/.test(rest)) {
    // a terminal: nroff mode, not troff; page parity and vroff are false
    truth = rest[0] === "n";
    length = 1;
  } else if (/^[cdrmFS]/.test(rest)) {
    // a character, string, register, colour, font or style that exists: assume not
    length = /^\S+/.exec(rest)?.[0].length ?? 1;
    truth = false;
  } else {
    const expression = /^\S+/.exec(rest)?.[0] ?? "";
    length = expression.length;
    truth = numericTruth(expression);
  }
  return {truth: negate ? !truth : truth, branch: rest.slice(length).replace(/^[ \t]+/, "")};
}

/** `\n(.g` (running under groff) is true, plain numbers are themselves; anything else is false. */
function numericTruth(expression: string): boolean {
  const bare = expression.replace(/^\(+|\)+$/g, "");
  if (/^\\n(\(\.g|\[\.g\])$/.test(bare)) return true;
  if (/^[+-]?\d+(\.\d+)?$/.test(bare)) return Number(bare) > 0;
  return false;
}

/** Opening `\{` minus closing `\}` in a line. */
function braceBalance(line: string): number {
  return (line.match(/\\\{/g)?.length ?? 0) - (line.match(/\\\}/g)?.length ?? 0);
}

function isControl(line: string): boolean {
  return line.startsWith(".") || line.startsWith("'");
}

/** A line ending in an unescaped backslash continues on the next one. */
function joinContinuations(lines: string[]): string[] {
  const out: string[] = [];
  // the pieces of one logical line, joined once: a page of thousands of continued lines stays linear
  let pending: string[] = [];
  for (const line of lines) {
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) pending.push(line.slice(0, -1));
    else {
      out.push(pending.length ? pending.join("") + line : line);
      pending = [];
    }
  }
  if (pending.length) out.push(pending.join(""));
  return out;
}

/** Request arguments: split at spaces, double quotes group words ("" inside is a quote). */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === " " || text[i] === "\t") i++;
    if (i >= text.length) break;
    if (text.startsWith('\\"', i)) break;
    let arg = "";
    if (text[i] === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            arg += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        arg += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== " " && text[i] !== "\t") {
        if (text[i] === "\\" && i + 1 < text.length) {
          arg += text[i] + text[i + 1];
          i += 2;
        } else arg += text[i++];
      }
    }
    args.push(arg);
  }
  return args;
}
