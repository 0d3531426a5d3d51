/**
 * Roff escape sequences in a manual page's text, turned into what a reader sees on a terminal:
 * font changes and spacing hints vanish, special characters become their Unicode form, and a
 * defined string (`\*(Aq`) becomes its value. Unknown escapes leave nothing rather than noise
 * such as "fBsshd", which would otherwise be indexed as a word.
 */

/** groff's two-letter and bracketed character names that manual pages use. */
const NAMED_CHARACTERS: Record<string, string> = {
  aq: "'", dq: '"', lq: "\u201c", rq: "\u201d", oq: "\u2018", cq: "\u2019", ga: "`", aa: "\u00b4", ha: "^", ti: "~",
  em: "\u2014", en: "\u2013", hy: "-", mi: "-", pl: "+", eq: "=", lt: "<", gt: ">", rs: "\\", sl: "/", ba: "|", br: "|", or: "|",
  bu: "\u2022", co: "\u00a9", rg: "\u00ae", tm: "\u2122", de: "\u00b0", mu: "\u00d7", di: "\u00f7", "+-": "\u00b1", ss: "\u00df",
  "->": "\u2192", "<-": "\u2190", "<>": "\u2194", ua: "\u2191", da: "\u2193", ">=": "\u2265", "<=": "\u2264", "!=": "\u2260", "==": "\u2261",
  Fo: "\u00ab", Fc: "\u00bb", fo: "\u2039", fc: "\u203a", sq: "\u25a1", ci: "\u25cb", ps: "\u00b6", sc: "\u00a7", dg: "\u2020", ct: "\u00a2",
  Eu: "\u20ac", eu: "\u20ac", Po: "\u00a3", Ye: "\u00a5", "12": "\u00bd", "14": "\u00bc", "34": "\u00be", es: "\u2205", if: "\u221e",
  "'a": "\u00e1", "`a": "\u00e0", ":a": "\u00e4", "^a": "\u00e2", "~a": "\u00e3", oa: "\u00e5", "'e": "\u00e9", "`e": "\u00e8", ":e": "\u00eb",
  "^e": "\u00ea", "'i": "\u00ed", ":i": "\u00ef", "'o": "\u00f3", "`o": "\u00f2", ":o": "\u00f6", "^o": "\u00f4", "~o": "\u00f5", "/o": "\u00f8",
  "'u": "\u00fa", ":u": "\u00fc", "^u": "\u00fb", ",c": "\u00e7", "~n": "\u00f1", ":A": "\u00c4", ":O": "\u00d6", ":U": "\u00dc", "'E": "\u00c9",
};

/** Strings predefined by the man and mdoc packages, used without a `.ds` in the page. */
export const PREDEFINED_STRINGS: Readonly<Record<string, string>> = {
  Aq: "'", lq: "\u201c", rq: "\u201d", R: "\u00ae", Tm: "\u2122", S: "", "Lq": "\u201c", "Rq": "\u201d", q: '"',
};

/** Text that a `.ds` request defined, read where `\*x`, `\*(xx` or `\*[name]` appears. */
export type RoffStrings = Pick<ReadonlyMap<string, string>, "get">;

/**
 * The defined strings as they read: each string's own escapes and the strings it names read once.
 * A string that names itself reads as empty there, nesting stops 8 deep and each string keeps at most
 * 1,024 characters, so strings that name each other many times over cannot blow up.
 */
export function resolveStrings(written: ReadonlyMap<string, string>): Map<string, string> {
  const resolved = new Map<string, string>();
  const resolving = new Set<string>();
  const resolve = (name: string, depth: number): string | undefined => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const value = written.get(name);
    if (value === undefined) return undefined;
    if (resolving.has(name) || depth >= 8) return "";
    resolving.add(name);
    const text = roffText(value, {get: (inner) => resolve(inner, depth + 1)}).slice(0, 1024);
    resolving.delete(name);
    resolved.set(name, text);
    return text;
  };
  for (const name of written.keys()) resolve(name, 0);
  return resolved;
}

/**
 * One line of roff text as a reader sees it. `\c` at the end (join with the next line) is left to
 * the caller, which sees it through `joinsNext`.
 */
export function roffText(line: string, strings: RoffStrings = new Map()): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch !== "\\") {
      out += ch;
      i++;
      continue;
    }
    const next = line[i + 1];
    if (next === undefined) break;
    i += 2;
    switch (next) {
      case '"': // comment to the end of the line
      case "#":
        return out;
      case "\\":
      case "e":
      case "E":
        out += "\\";
        break;
      case "-":
        out += "-";
        break;
      case " ":
      case "~":
      case "0":
        out += " ";
        break;
      case "'":
        out += "\u00b4";
        break;
      case "`":
        out += "`";
        break;
      case ".":
        out += ".";
        break;
      case "t":
        out += "\t";
        break;
      case "(": {
        out += NAMED_CHARACTERS[line.slice(i, i + 2)] ?? "";
        i += 2;
        break;
      }
      case "[": {
        const end = line.indexOf("]", i);
        const name = end < 0 ? "" : line.slice(i, end);
        i = end < 0 ? line.length : end + 1;
        out += namedCharacter(name);
        break;
      }
      case "*": {
        const {name, length} = escapeName(line, i);
        i += length;
        out += strings.get(name) ?? PREDEFINED_STRINGS[name] ?? "";
        break;
      }
      case "f":
      case "F":
      case "n":
      case "g":
      case "k":
      case "m":
      case "M":
      case "V":
      case "$":
      case "Y":
        // font, number register, colour and argument references: nothing to read
        i += escapeName(line, i).length;
        break;
      case "s": {
        // type size: \s+2, \s-1, \s0, \s(12, \s[10], \s'12'
        const size = /^([+-]?\d\d?|[+-]?\(\d\d|[+-]?\[[^\]]*\]|'[^']*')/.exec(line.slice(i));
        i += size ? size[0].length : 0;
        break;
      }
      case "h":
      case "v":
      case "w":
      case "x":
      case "l":
      case "L":
      case "o":
      case "X":
      case "Z":
      case "D":
      case "b":
      case "A":
      case "B":
      case "R":
      case "S":
      case "H":
      case "C":
      case "N": {
        // \h'…' and friends take a delimited argument; \N'65' is a character by its code
        const delimiter = line[i];
        const end = delimiter === undefined ? -1 : line.indexOf(delimiter, i + 1);
        const argument = end < 0 ? "" : line.slice(i + 1, end);
        i = end < 0 ? line.length : end + 1;
        if (next === "N" && /^\d+$/.test(argument)) out += String.fromCodePoint(Number(argument));
        else if (next === "C") out += namedCharacter(argument);
        // a move to the right stands between words, as the space it makes on the page
        else if (next === "h" && argument && !argument.startsWith("-") && !/^[+]?0+[a-z]?$/.test(argument)) out += " ";
        break;
      }
      case "z":
        // zero-width next character: keep the character
        break;
      default:
        // \& \| \^ \% \c \: \{ \} \u \d \r \p \a \/ \, \) and the rest print nothing
        break;
    }
  }
  return out;
}

/** Whether a text line ends in `\c`, which joins the next line to it without a space. */
export function joinsNext(line: string): boolean {
  return /(^|[^\\])(\\\\)*\\c\s*$/.test(line);
}

function namedCharacter(name: string): string {
  if (NAMED_CHARACTERS[name] !== undefined) return NAMED_CHARACTERS[name];
  const code = /^u([0-9A-Fa-f]{4,6})$/.exec(name);
  if (code) {
    const point = Number.parseInt(code[1], 16);
    return point <= 0x10ffff ? String.fromCodePoint(point) : "";
  }
  return "";
}

/** The `]` that closes the `[` at `open`, past any nested `[…]` (`\F[\n[.fam]]`). */
function closingBracket(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === "[") depth++;
    else if (line[i] === "]" && --depth === 0) return i;
  }
  return -1;
}

/** The name after `\*`, `\f`, `\n`…: one character, `(xx`, or `[long name]`. */
function escapeName(line: string, at: number): {name: string; length: number} {
  let i = at;
  // \n+x and \n-x step a register before reading it
  if ((line[i] === "+" || line[i] === "-") && line[i - 1] === "n") i++;
  const first = line[i];
  if (first === undefined) return {name: "", length: i - at};
  if (first === "(") return {name: line.slice(i + 1, i + 3), length: i - at + 3};
  if (first === "[") {
    const end = closingBracket(line, i);
    return end < 0 ? {name: line.slice(i + 1), length: line.length - at} : {name: line.slice(i + 1, end), length: end + 1 - at};
  }
  return {name: first, length: i - at + 1};
}
