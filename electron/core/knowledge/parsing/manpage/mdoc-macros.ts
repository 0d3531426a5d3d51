import {roffText, type RoffStrings} from "./roff-text.js";

/**
 * The in-line macros of mdoc, the semantic manual-page language of the BSDs and OpenSSH: a line
 * such as `.It Fl l Ar login_name` reads "-l login_name", `.Op Fl v` reads "[-v]" and
 * `.Xr ssh_config 5` reads "ssh_config(5)". Macros may call each other along a line, and
 * punctuation given as an argument closes up to the word before it.
 */

export interface MdocContext {
  strings: RoffStrings;
  /** The page's name from its first `.Nm`, which a bare `.Nm` repeats. */
  pageName: string;
  /** `.Sm off` runs words and macros together (`user@host`) until `.Sm on`. */
  spacing: boolean;
}

/** Enclosing macros: their arguments up to the end of the line, between these marks. */
const ENCLOSURES: Record<string, readonly [string, string]> = {
  Op: ["[", "]"], Bq: ["[", "]"], Brq: ["{", "}"], Pq: ["(", ")"], Aq: ["<", ">"],
  Dq: ["\u201c", "\u201d"], Qq: ['"', '"'], Sq: ["\u2018", "\u2019"], Ql: ["\u2018", "\u2019"],
};
/** Macros that open or close an enclosure spread over several lines. */
const OPENERS: Record<string, string> = {Oo: "[", Bo: "[", Bro: "{", Po: "(", Ao: "<", Do: "\u201c", Qo: '"', So: "\u2018"};
const CLOSERS: Record<string, string> = {Oc: "]", Bc: "]", Brc: "}", Pc: ")", Ac: ">", Dc: "\u201d", Qc: '"', Sc: "\u2019"};
/** Macros whose words print as they are (the font or meaning changes, the text does not). */
const PLAIN = new Set([
  "Ad", "An", "Ar", "Cd", "Cm", "Dv", "Em", "Er", "Ev", "Fa", "Fd", "Ft", "Ic", "In", "Li", "Lb", "Ms", "Mt", "No", "Pa", "Sx", "Sy", "Tn", "Va", "Ot",
  "Ta", "Es", "En", "Xo", "Xc", "%A", "%B", "%C", "%D", "%I", "%J", "%N", "%O", "%P", "%Q", "%R", "%T", "%U", "%V",
]);
/** Operating systems named by a macro, with an optional version after it. */
const SYSTEMS: Record<string, string> = {At: "AT&T UNIX", Bx: "BSD", Bsx: "BSD/OS", Dx: "DragonFly", Fx: "FreeBSD", Nx: "NetBSD", Ox: "OpenBSD", Ux: "UNIX"};
const SPECIAL = new Set(["Fl", "Xr", "Nm", "Pf", "Ns", "Ap", "Lk", "Fn", "Ex", "Rv", "St", "Sm"]);

const CLOSING_PUNCTUATION = /^[.,:;)\]?!]$/;
const OPENING_PUNCTUATION = /^[([]$/;

export function isMdocMacro(name: string): boolean {
  return name in ENCLOSURES || name in OPENERS || name in CLOSERS || PLAIN.has(name) || name in SYSTEMS || SPECIAL.has(name);
}

interface Piece {
  text: string;
  /** Closes up to the piece before it. */
  glued: boolean;
}

/** A macro line's text (the macro's own name included in `tokens`), or plain words. */
export function mdocText(tokens: string[], context: MdocContext): string {
  return join(render(tokens, context));
}

function join(pieces: Piece[]): string {
  let out = "";
  for (const piece of pieces) {
    if (!piece.text) continue;
    out += out && !piece.glued ? ` ${piece.text}` : piece.text;
  }
  return out;
}

function render(tokens: string[], context: MdocContext): Piece[] {
  const pieces: Piece[] = [];
  let glueNext = false;
  const push = (text: string, glued = false): void => {
    pieces.push({text, glued: glued || glueNext || !context.spacing});
    glueNext = false;
  };
  const word = (token: string): string => roffText(token, context.strings);
  const isWord = (token: string | undefined): token is string => token !== undefined && !isMdocMacro(token) && !CLOSING_PUNCTUATION.test(token);

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i++];
    if (token in ENCLOSURES) {
      const [open, close] = ENCLOSURES[token];
      let end = tokens.length;
      while (end > i && CLOSING_PUNCTUATION.test(tokens[end - 1])) end--;
      const inner = join(render(tokens.slice(i, end), context));
      push(`${open}${inner}${close}`);
      i = end;
      continue;
    }
    if (token in OPENERS) {
      push(OPENERS[token]);
      glueNext = true;
      continue;
    }
    if (token in CLOSERS) {
      push(CLOSERS[token], true);
      continue;
    }
    if (token in SYSTEMS) {
      const version = isWord(tokens[i]) ? ` ${word(tokens[i++])}` : "";
      push(`${SYSTEMS[token]}${version}`);
      continue;
    }
    switch (token) {
      case "Fl": {
        const flags: string[] = [];
        while (isWord(tokens[i])) flags.push(`-${word(tokens[i++])}`);
        push(flags.length ? flags.join(" ") : "-");
        // `.Fl Fl` and `.Fl Ns Ar` build long options: the flag closes up to what follows
        if (!flags.length && tokens[i] !== undefined && isMdocMacro(tokens[i])) glueNext = true;
        continue;
      }
      case "Xr": {
        const name = isWord(tokens[i]) ? word(tokens[i++]) : "";
        const section = isWord(tokens[i]) ? word(tokens[i++]) : "";
        push(section ? `${name}(${section})` : name);
        continue;
      }
      case "Nm": {
        if (isWord(tokens[i])) {
          const name = word(tokens[i++]);
          if (!context.pageName) context.pageName = name;
          push(name);
        } else push(context.pageName);
        continue;
      }
      case "Ar":
        if (!isWord(tokens[i])) push("file ...");
        continue;
      case "Pf":
        if (tokens[i] !== undefined) push(word(tokens[i++]));
        glueNext = true;
        continue;
      case "Ns":
        glueNext = true;
        continue;
      case "Ap":
        push("'", true);
        glueNext = true;
        continue;
      case "Lk": {
        const url = tokens[i] !== undefined ? word(tokens[i++]) : "";
        const label: string[] = [];
        while (isWord(tokens[i])) label.push(word(tokens[i++]));
        push(label.length ? `${label.join(" ")} (${url})` : url);
        continue;
      }
      case "Fn": {
        const name = isWord(tokens[i]) ? word(tokens[i++]) : "";
        const args: string[] = [];
        while (isWord(tokens[i])) args.push(word(tokens[i++]));
        push(`${name}(${args.join(", ")})`);
        continue;
      }
      case "Ex":
        while (isWord(tokens[i])) i++;
        push(`The ${context.pageName || "utility"} utility exits 0 on success, and >0 if an error occurs.`);
        continue;
      case "Rv":
        while (isWord(tokens[i])) i++;
        push(`The ${context.pageName || "function"}() function returns the value 0 if successful; otherwise the value -1 is returned and errno is set to indicate the error.`);
        continue;
      case "St":
        if (tokens[i] !== undefined) push(word(tokens[i++]).replace(/^-/, ""));
        continue;
      case "Sm":
        context.spacing = tokens[i] === "on" ? true : tokens[i] === "off" ? false : !context.spacing;
        if (tokens[i] === "on" || tokens[i] === "off") i++;
        continue;
    }
    if (PLAIN.has(token)) continue;
    if (CLOSING_PUNCTUATION.test(token)) {
      push(token, true);
      continue;
    }
    if (OPENING_PUNCTUATION.test(token)) {
      push(token);
      glueNext = true;
      continue;
    }
    push(word(token));
  }
  return pieces;
}
