/**
 * The numbering manuals put before section titles ("Chapter 3. Networking", "8.1.2. APT",
 * "A.1 Sample files", "2.  Requirements"), read where a format has no markup for headings (plain
 * text) or where a contents list must be told apart from the text it lists (plain text, PDF).
 */

export interface SectionNumbering {
  /** Outline level: chapters, appendices and parts are 1, "8.1.2" is 3. */
  level: number;
  /** The line names a chapter, appendix or part ("Chapter 3"), which is a heading on its own. */
  keyword: boolean;
  /** The number has two or more parts ("8.1"), which list items almost never do. */
  multiLevel: boolean;
  /** What follows the number ("" when the title is on the next line). */
  title: string;
}

const KEYWORDS = "chapter|appendix|part|kapitel|chapitre|anhang|annexe|capítulo|capitolo|apéndice";
const NUMBERED = new RegExp(`^(?:(${KEYWORDS}|section)\\s+)?((?:\\d{1,3}|[A-Z]|[IVX]{1,5})(?:\\.\\d{1,3})*)\\.?(?:\\s+(\\S.*))?$`, "iu");
/** The word alone, as a book prints it above a chapter's number and title ("CHAPTER" / "ONE"). */
const CHAPTER_LABEL = new RegExp(`^(${KEYWORDS})$`, "iu");

/** Dot leaders and a page number: "Installing . . . . . 13". */
const LEADER = /(?:\.\s?){3,}\s*\d{1,4}$/;

/** A title and a page number in digits or roman numerals: "Index 173", "Preface xi". */
const PAGE_NUMBER_END = /\S\s+(\d{1,4}|[ivxlc]{1,7})$/i;
/** A heading over a contents list. */
export const CONTENTS_HEADING = /^(table of )?contents$/i;

/** A line of a printed contents page: a title, dot leaders and its page number. */
function hasDotLeader(line: string): boolean {
  return LEADER.test(line.trim());
}

export function isChapterLabel(text: string): boolean {
  return CHAPTER_LABEL.test(text.trim());
}

export function sectionNumbering(line: string): SectionNumbering | null {
  const match = line.replace(/\s+/g, " ").trim().match(NUMBERED);
  if (!match) return null;
  const [, keyword, number, rest = ""] = match;
  const parts = number.split(".");
  const chapterLike = keyword !== undefined && keyword.toLowerCase() !== "section";
  // A lone letter or roman numeral is a list marker ("a. Open…", "ii. Close…") unless a word names it.
  if (!keyword && parts.length === 1 && !/^\d+$/.test(number)) return null;
  // A bare number must be followed by its title ("1. Introduction"); "1.5" alone is a value.
  if (!keyword && !rest) return null;
  return {level: chapterLike ? 1 : parts.length, keyword: chapterLike, multiLevel: parts.length > 1, title: rest.trim()};
}

/**
 * A generated contents list: most lines are numbered entries or end in dot leaders and a page
 * number, and some entries are sub-sections (so a numbered procedure is not mistaken for one).
 * A few lines that all end in dot leaders are a piece of one (a contents page split by a gap).
 * Under a heading that says "Contents", lines that mostly end in a page number are enough: a book
 * may list only its chapters, without leaders ("2 Configuration Files 11"), and the list may run
 * on to the next page.
 */
export function isContentsList(lines: string[], underContentsHeading = false): boolean {
  if (underContentsHeading && lines.length > 0 && lines.filter((line) => PAGE_NUMBER_END.test(line.trim())).length >= lines.length * 0.8) return true;
  if (lines.length < 4) return lines.length > 0 && lines.every(hasDotLeader);
  let entries = 0;
  let nested = 0;
  let leaders = 0;
  for (const line of lines) {
    const numbering = sectionNumbering(line);
    const leader = hasDotLeader(line);
    if (numbering || leader) entries++;
    if (numbering?.multiLevel) nested++;
    if (leader) leaders++;
  }
  return entries >= lines.length * 0.6 && (nested >= 2 || leaders >= 3);
}
