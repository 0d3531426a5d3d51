/**
 * The text of an RTF body, as Outlook keeps a message whose plain body is missing: its own rich
 * text (`\fromtext` or native) becomes plain text, and HTML mail stored as RTF (`\fromhtml1`, the
 * HTML tags kept in `\*\htmltag` groups, RTF-only stretches between `\htmlrtf` and `\htmlrtf0`)
 * becomes that HTML again. Only what carries the text is read: font, colour and style tables,
 * pictures, objects, field instructions and other ignorable groups are skipped.
 */

/** Groups whose content is never text. */
const SKIPPED_DESTINATIONS = new Set([
  "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr",
  "footerf", "xmlnstbl", "listtable", "listoverridetable", "rsidtbl", "generator", "themedata", "colorschememapping", "datastore",
  "latentstyles", "mmathPr", "pgdsctbl", "fldinst", "filetbl", "revtbl", "userprops", "wgrffmtfilter", "nonshppict", "shp",
]);

interface GroupState {
  skip: boolean;
  /** Inside `\*\htmltag`: raw HTML of an encapsulated message. */
  htmlTag: boolean;
  /** Characters to skip after a `\uN` (its fallback for readers without Unicode). */
  unicodeSkip: number;
}

export function rtfToText(rtf: string): {text: string; isHtml: boolean} {
  const isHtml = /\\fromhtml1/.test(rtf.slice(0, 1024));
  const codePage = /\\ansicpg(\d+)/.exec(rtf.slice(0, 1024))?.[1] ?? "1252";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(`windows-${codePage}`);
  } catch {
    decoder = new TextDecoder("windows-1252");
  }
  const out: string[] = [];
  const stack: GroupState[] = [];
  let state: GroupState = {skip: false, htmlTag: false, unicodeSkip: 1};
  let pendingSkip = 0;
  let htmlRtf = false;
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) {
      emit(decoder.decode(new Uint8Array(bytes)));
      bytes = [];
    }
  };
  const emit = (text: string): void => {
    if (state.skip || (isHtml && htmlRtf && !state.htmlTag)) return;
    out.push(text);
  };
  let i = 0;
  // The group that opened last starts with "\*": an ignorable destination unless it is known.
  let ignorableNext = false;
  let groupStart = false;
  while (i < rtf.length) {
    const char = rtf[i];
    if (char === "{") {
      flushBytes();
      stack.push(state);
      state = {...state};
      groupStart = true;
      i++;
      continue;
    }
    if (char === "}") {
      flushBytes();
      state = stack.pop() ?? state;
      groupStart = false;
      ignorableNext = false;
      i++;
      continue;
    }
    if (char === "\\") {
      const next = rtf[i + 1];
      if (next === "'") {
        const code = Number.parseInt(rtf.slice(i + 2, i + 4), 16);
        i += 4;
        if (pendingSkip > 0) {
          pendingSkip--;
          continue;
        }
        if (!Number.isNaN(code)) bytes.push(code);
        continue;
      }
      flushBytes();
      if (next === "\\" || next === "{" || next === "}") {
        emit(next);
        i += 2;
        continue;
      }
      if (next === "~") {
        emit(" ");
        i += 2;
        continue;
      }
      if (next === "*") {
        ignorableNext = true;
        i += 2;
        continue;
      }
      if (next === "\n" || next === "\r") {
        emit("\n");
        i += 2;
        continue;
      }
      const match = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(rtf.slice(i + 1, i + 45));
      if (!match) {
        // "\-", "\_" and other symbols: an optional hyphen, a non-breaking hyphen.
        if (next === "_") emit("-");
        i += 2;
        continue;
      }
      i += 1 + match[0].length;
      const [, word, arg] = match;
      const param = arg === undefined ? null : Number(arg);
      if (groupStart) {
        groupStart = false;
        if (word === "htmltag" && ignorableNext) {
          state.htmlTag = true;
          ignorableNext = false;
          continue;
        }
        if (SKIPPED_DESTINATIONS.has(word) || ignorableNext) state.skip = true;
        ignorableNext = false;
      }
      switch (word) {
        case "par":
        case "line":
        case "row":
          emit("\n");
          break;
        case "tab":
        case "cell":
          emit("\t");
          break;
        case "htmlrtf":
          htmlRtf = param !== 0;
          break;
        case "uc":
          state.unicodeSkip = param ?? 1;
          break;
        case "u":
          if (param !== null) emit(String.fromCharCode(param < 0 ? param + 65536 : param));
          pendingSkip = state.unicodeSkip;
          break;
        case "emdash":
          emit("—");
          break;
        case "endash":
          emit("–");
          break;
        case "lquote":
          emit("‘");
          break;
        case "rquote":
          emit("’");
          break;
        case "ldblquote":
          emit("“");
          break;
        case "rdblquote":
          emit("”");
          break;
        case "bullet":
          emit("•");
          break;
      }
      continue;
    }
    groupStart = false;
    if (char === "\r" || char === "\n") {
      i++;
      continue;
    }
    if (pendingSkip > 0) {
      pendingSkip--;
      i++;
      continue;
    }
    flushBytes();
    emit(char);
    i++;
  }
  flushBytes();
  return {text: out.join(""), isHtml};
}
