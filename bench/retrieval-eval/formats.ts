/**
 * One manual in three formats: the Debian FAQ, which its package ships as HTML chapters, one
 * plain-text file and one PDF. Each format is imported on its own through the real knowledge service
 * and asked the same labelled questions; hits are judged by the numbered section they come from
 * (sections.ts), so the formats are scored alike. Also measured per format: how much of the text the
 * parser placed under a heading, and how often a hit's heading names the section it came from (what
 * a citation shows the reader).
 */
import {readdirSync, readFileSync} from "node:fs";
import path from "node:path";
import {parseDocument} from "../../electron/core/knowledge/parsing/index.js";
import {CACHE_DIR, ensurePackages, unpackOnce} from "./corpora.js";
import {STARTER_COLLECTION, type SearchHit} from "../../shared/knowledge.js";
import {insideEarlierPassage} from "../../electron/core/knowledge/passage.js";
import {chunkIdOf} from "../../electron/core/knowledge/store-schema.js";
import {addStarterArticles, importForEvaluation, type EvalKnowledgeBase} from "./eval-knowledge-base.js";
import {loadQuestions, type EvalMethod, type LabelledQuestion} from "./evaluate.js";
import {firstRelevantRanks, rankingMetrics, type QuestionRanking, type RankingMetrics} from "./metrics.js";
import {manualSections, SectionJudge} from "./sections.js";

export const FORMATS_PACKAGE = "debian-faq";
const ROOT = "/usr/share/doc/debian/FAQ";
export const MANUAL_FORMATS = ["html", "text", "pdf"] as const;
export type ManualFormat = (typeof MANUAL_FORMATS)[number];

export interface FormatResult {
  format: ManualFormat;
  documents: number;
  passages: number;
  /** Share of the text (outside headings) that the parser placed under some heading. */
  withHeading: number;
  /** Share of the leading five hits (first method) that belong to a section and whose heading path names it. */
  citesSection: number;
  /** Of the five hits with passages (first method, corpus alone), how many per question sit inside an earlier hit's passage. */
  repeatedPassages: number;
  /** Of the chunks those five passages hand over, how many per question an earlier passage already held. */
  repeatedChunks: number;
  metrics: Record<string, RankingMetrics>;
  /** Rank (1-based) of the first hit from a right section per method, 0 when not in the top 10. */
  perQuestion: {id: string; ranks: Record<string, number>; ranksWithStarter?: Record<string, number>}[];
  /**
   * The same with the starter articles imported beside the manual (when asked for): a manual kept as
   * one file is one document, so this is where diversification could hand its places to them.
   */
  withStarter?: {metrics: Record<string, RankingMetrics>; starterHitsInTop5: Record<string, number>};
}

export interface ManualInFormats {
  files: Record<ManualFormat, string[]>;
  judge: SectionJudge;
  questions: (LabelledQuestion & {sections: string[]})[];
}

/** The package ships its text and PDF compressed; a team would unpack them before dropping them in. */
function unpacked(name: string): string {
  return unpackOnce(path.join(ROOT, `${name}.gz`), path.join(CACHE_DIR, FORMATS_PACKAGE));
}

/** Installs the package when missing (root only), unpacks its formats and reads the section labels. */
export function prepareManualInFormats(repoRoot: string): ManualInFormats {
  ensurePackages([FORMATS_PACKAGE]);
  const html = readdirSync(ROOT)
    .filter((name) => name.endsWith(".en.html"))
    .sort()
    .map((name) => path.join(ROOT, name));
  const judge = new SectionJudge(manualSections(html));
  const questions = loadQuestions(path.join(repoRoot, "bench", "retrieval-eval", "questions", `${FORMATS_PACKAGE}.json`)).questions.map((q) => ({...q, sections: q.sections ?? []}));
  const problems = questions.flatMap((q) =>
    q.sections.length === 0 ? [`${q.id}: no sections`] : q.sections.filter((s) => !judge.sections.some((section) => section.number === s)).map((s) => `${q.id}: no section ${s}`),
  );
  if (problems.length) throw new Error(`Section labels do not match the manual: ${problems.join(", ")}`);
  return {files: {html, text: [unpacked("debian-faq.en.txt")], pdf: [unpacked("debian-faq.en.pdf")]}, judge, questions};
}

async function headingShare(paths: string[]): Promise<number> {
  let under = 0;
  let total = 0;
  for (const file of paths) {
    const parsed = await parseDocument(new Uint8Array(readFileSync(file)), path.basename(file));
    for (const block of parsed.blocks) {
      if (block.type === "heading") continue;
      total += block.text.length;
      if (block.headingPath.length > 0) under += block.text.length;
    }
  }
  return total ? under / total : 0;
}

interface Asked {
  perMethod: Record<string, QuestionRanking[]>;
  /** Starter articles among the leading five hits, per question on average. */
  starterHitsInTop5: Record<string, number>;
  cited: number;
  citable: number;
  /** Of the five hits with passages (first method), those whose chunk sits inside an earlier hit's passage, per question. */
  repeatedPassages: number;
  repeatedChunks: number;
}

/** Hits whose chunk lies inside the passage of an earlier hit (the check search itself makes). */
function repeatedPassages(hits: SearchHit[]): number {
  return hits.filter((hit, i) => insideEarlierPassage(hit, hits.slice(0, i))).length;
}

/** Chunks of a passage that an earlier hit's passage of the same document already holds. */
function repeatedChunks(hits: SearchHit[]): number {
  const held = new Set<string>();
  let repeated = 0;
  for (const hit of hits) {
    if (!hit.passage) continue;
    for (let ordinal = hit.passage.fromOrdinal; ordinal <= hit.passage.toOrdinal; ordinal++) {
      const key = chunkIdOf(hit.documentId, ordinal);
      if (held.has(key)) repeated++;
      held.add(key);
    }
  }
  return repeated;
}

async function askAll(service: EvalKnowledgeBase["service"], manual: ManualInFormats, methods: EvalMethod[]): Promise<Asked> {
  const {judge, questions} = manual;
  const asked: Asked = {perMethod: {}, starterHitsInTop5: {}, cited: 0, citable: 0, repeatedPassages: 0, repeatedChunks: 0};
  for (const [m, method] of methods.entries()) {
    asked.perMethod[method.name] = [];
    let starterHits = 0;
    for (const q of questions) {
      const result = await service.search({query: q.question, topK: 10, mode: method.mode}, {tuning: method.tuning});
      const labels = result.hits.map((hit) => judge.sectionOf(hit.text) ?? "(none)");
      asked.perMethod[method.name].push({ranked: labels, relevant: q.sections});
      starterHits += result.hits.slice(0, 5).filter((hit) => hit.collection === STARTER_COLLECTION).length;
      if (m === 0)
        result.hits.slice(0, 5).forEach((hit, k) => {
          if (labels[k] === "(none)") return;
          asked.citable++;
          if (judge.headingNames(hit.headingPath, labels[k])) asked.cited++;
        });
      // What chat hands the model: five hits, each with the section around it.
      if (m === 0) {
        const handed = (await service.search({query: q.question, topK: 5, mode: method.mode, passages: true}, {tuning: method.tuning})).hits;
        asked.repeatedPassages += repeatedPassages(handed) / questions.length;
        asked.repeatedChunks += repeatedChunks(handed) / questions.length;
      }
    }
    asked.starterHitsInTop5[method.name] = starterHits / questions.length;
  }
  return asked;
}

const metricsOf = (perMethod: Record<string, QuestionRanking[]>) => Object.fromEntries(Object.entries(perMethod).map(([name, r]) => [name, rankingMetrics(r)]));

export async function evaluateFormat(
  manual: ManualInFormats,
  format: ManualFormat,
  options: {embedderDir: string; methods: EvalMethod[]; log?: (line: string) => void; withStarter?: {repoRoot: string}},
): Promise<FormatResult> {
  const {questions} = manual;
  const kb = await importForEvaluation(manual.files[format], {name: `formats-${format}`, embedderDir: options.embedderDir});
  const {service, calibration, latent, stats} = kb;
  try {
    if (kb.failedFiles.length) throw new Error(`${format}: ${kb.failedFiles.length} files failed: ${kb.failedFiles.map((f) => `${f.path} ${f.code}`).join(", ")}`);
    options.log?.(
      `${format}: ${stats.documents} documents, ${stats.chunks} passages; fusion weights ${calibration ? `text ${calibration.weights.text}, vector ${calibration.weights.vector}` : "not measured"}; latent index ${latent ? `${latent.rank} dimensions` : "not built (too few passages)"}`,
    );
    const alone = await askAll(service, manual, options.methods);
    const result: FormatResult = {
      format,
      documents: stats.documents,
      passages: stats.chunks,
      withHeading: await headingShare(manual.files[format]),
      citesSection: alone.citable ? alone.cited / alone.citable : 0,
      repeatedPassages: alone.repeatedPassages,
      repeatedChunks: alone.repeatedChunks,
      metrics: metricsOf(alone.perMethod),
      perQuestion: questions.map((q, i) => ({id: q.id, ranks: firstRelevantRanks(alone.perMethod, i)})),
    };
    if (options.withStarter) {
      await addStarterArticles(service, options.withStarter.repoRoot);
      const mixed = await askAll(service, manual, options.methods);
      result.withStarter = {metrics: metricsOf(mixed.perMethod), starterHitsInTop5: mixed.starterHitsInTop5};
      result.perQuestion.forEach((entry, i) => (entry.ranksWithStarter = firstRelevantRanks(mixed.perMethod, i)));
    }
    return result;
  } finally {
    await kb.close();
  }
}
