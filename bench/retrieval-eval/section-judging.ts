/**
 * Judging hits by section, for corpora of a few long manuals (see `judgeBySection` in corpora.ts):
 * a hit is right when it comes from the question's file and the section the question names is on
 * its heading path (the section itself or a subsection of it).
 */
import type {Block} from "../../electron/core/knowledge/parsing/types.js";
import type {LabelledQuestion} from "./evaluate.js";

const SEPARATOR = " § ";
const PATH_SEPARATOR = " › ";

/** A hit's label: its file and the headings it sits under. */
export function sectionLabel(file: string, headingPath: readonly string[]): string {
  return `${file}${SEPARATOR}${headingPath.join(PATH_SEPARATOR)}`;
}

/** The one label a question counts as right. */
export function answerLabel(question: LabelledQuestion): string {
  return `${question.files[0]}${SEPARATOR}${question.section ?? ""}`;
}

/** Hits' labels with every hit inside the answer's section relabelled as the answer. */
export function judgeSections(labels: readonly string[], question: LabelledQuestion): string[] {
  const answer = answerLabel(question);
  return labels.map((label) => {
    const at = label.indexOf(SEPARATOR);
    const file = label.slice(0, at);
    const path = label.slice(at + SEPARATOR.length).split(PATH_SEPARATOR);
    return file === question.files[0] && question.section && path.includes(question.section) ? answer : label;
  });
}

/** A parsed file cut into its sections (blocks under the same heading path), each with its headings' text, for the BM25 reference. */
export function sectionsOf(blocks: readonly Block[]): {headingPath: string[]; text: string}[] {
  const sections = new Map<string, {headingPath: string[]; text: string[]}>();
  for (const block of blocks) {
    const headingPath = block.type === "heading" ? [...block.headingPath, block.text] : block.headingPath;
    const key = headingPath.join(PATH_SEPARATOR);
    const section = sections.get(key) ?? {headingPath, text: [...headingPath]};
    if (block.type !== "heading") section.text.push(block.text);
    sections.set(key, section);
  }
  return [...sections.values()].map((section) => ({headingPath: section.headingPath, text: section.text.join("\n")}));
}
