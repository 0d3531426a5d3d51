/**
 * Section-level judging that does not depend on how a file format was parsed. The same manual
 * imported as HTML, plain text or PDF yields different passages, headings and documents, so a hit
 * cannot be judged by its file or its heading. Instead the numbered sections of the manual's HTML
 * are the ground truth: a hit belongs to the section that holds most of its word sequences (4-word
 * shingles), provided that section holds at least half of them; otherwise it is in none (a table of
 * contents, a title page, a passage split evenly across two questions).
 */
import {readFileSync} from "node:fs";
// @ts-expect-error -- jsdom ships no type declarations; only JSDOM(html).window.document is used.
import {JSDOM} from "jsdom";

export interface ManualSection {
  /** "8.1.2" */
  number: string;
  /** "APT", without the number. */
  title: string;
  /** Words of the title and of the section's own text (its subsections excluded). */
  words: string[];
}

const SHINGLE = 4;
/** Share of a hit's shingles its section must hold for the hit to count as that section's. */
const MAJORITY = 0.5;
const NUMBERED_TITLE = /^\s*((?:\d+|[A-Z])(?:\.\d+)*)\.?\s+([\s\S]*)$/;

/** Lower-case word tokens; accents, quotes and punctuation dropped, so formats compare equal. */
export function words(text: string): string[] {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

function shingles(tokens: string[]): string[] {
  if (tokens.length < SHINGLE) return tokens.length ? [tokens.join(" ")] : [];
  const out: string[] = [];
  for (let i = 0; i + SHINGLE <= tokens.length; i++) out.push(tokens.slice(i, i + SHINGLE).join(" "));
  return out;
}

/** DocBook's section boxes: `div.section`, or `div.sect1`…`div.sect5` in older stylesheets. */
const SECTION_BOXES = "div.section, div.sect1, div.sect2, div.sect3, div.sect4, div.sect5";

/** Numbered sections of DocBook-style HTML pages (section, chapter and appendix boxes with a `.title`). */
export function manualSections(htmlFiles: string[]): ManualSection[] {
  const sections: ManualSection[] = [];
  for (const file of htmlFiles) {
    const {window} = new JSDOM(readFileSync(file, "utf8"));
    const document = window.document as Document;
    for (const div of document.querySelectorAll(`${SECTION_BOXES}, div.chapter, div.appendix`)) {
      const titleElement = div.querySelector(".titlepage .title");
      const match = titleElement?.textContent?.replace(/\s+/g, " ").match(NUMBERED_TITLE);
      if (!match) continue;
      const own = div.cloneNode(true) as Element;
      for (const drop of own.querySelectorAll(`${SECTION_BOXES}, div.titlepage, div.toc, div.navheader, div.navfooter`)) drop.remove();
      const title = match[2].replace(/^Chapter\s+/i, "").trim();
      sections.push({number: match[1], title, words: [...words(titleElement!.textContent ?? ""), ...words(own.textContent ?? "")]});
    }
    window.close();
  }
  return sections;
}

export class SectionJudge {
  private readonly index = new Map<string, Set<number>>();

  constructor(readonly sections: ManualSection[]) {
    sections.forEach((section, i) => {
      for (const shingle of shingles(section.words)) {
        let holders = this.index.get(shingle);
        if (!holders) this.index.set(shingle, (holders = new Set()));
        holders.add(i);
      }
    });
  }

  /** The number of the section a passage belongs to, or null when no section holds most of it. */
  sectionOf(text: string): string | null {
    const own = shingles(words(text));
    if (own.length === 0) return null;
    const counts = new Map<number, number>();
    for (const shingle of own) for (const i of this.index.get(shingle) ?? []) counts.set(i, (counts.get(i) ?? 0) + 1);
    let best = -1;
    let bestCount = 0;
    for (const [i, count] of counts) if (count > bestCount) [best, bestCount] = [i, count];
    return best >= 0 && bestCount >= own.length * MAJORITY ? this.sections[best].number : null;
  }

  /** Whether a heading path names the section: its title (or its number) appears in one of the headings. */
  headingNames(headingPath: string[], number: string): boolean {
    const section = this.sections.find((s) => s.number === number);
    if (!section) return false;
    const title = words(section.title).join(" ");
    const prefix = title.split(" ").slice(0, 8).join(" ");
    return headingPath.some((heading) => {
      const named = words(heading).join(" ");
      const unnumbered = named.replace(/^[0-9 ]+/, "");
      // A heading wrapped over lines may have been kept in part; its first words still identify it.
      return ` ${named} `.includes(` ${prefix} `) || (unnumbered.length >= 12 && `${title} `.startsWith(`${unnumbered} `));
    });
  }
}
