/**
 * The held-out PostgreSQL manual judged by section instead of by page: the 70 of its 90 questions
 * whose labelled section is numbered ("19.3.1. Server Start-up Failures"), hits assigned to the
 * numbered section holding most of their words (../sections.ts). Imports into a fresh folder each run.
 *
 *   npx tsx bench/retrieval-eval/prototypes/postgres-by-section.ts
 */
import {readdirSync} from "node:fs";
import path from "node:path";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../../../test/helpers/fixtures.js";
import {corpusById, prepareCorpus} from "../corpora.js";
import {importForEvaluation} from "../eval-knowledge-base.js";
import {loadQuestions} from "../evaluate.js";
import {rankingMetrics, type QuestionRanking} from "../metrics.js";
import {manualSections, SectionJudge} from "../sections.js";

const corpus = prepareCorpus(corpusById("postgres"));
const root = corpus.definition.root;
const judge = new SectionJudge(manualSections(readdirSync(root).filter((name) => name.endsWith(".html")).map((name) => path.join(root, name))));
const questions = loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", "postgres.json"))
  .questions.map((q) => ({...q, number: /^([0-9A-Z]+(?:\.[0-9]+)+)\.? /.exec(q.section ?? "")?.[1]}))
  .filter((q) => q.number !== undefined && judge.sections.some((s) => s.number === q.number));
console.log(`${judge.sections.length} numbered sections, ${questions.length} questions labelled with one`);

const kb = await importForEvaluation(corpus.files, {name: "postgres-sections", embedderDir: FIXTURE_EMBEDDER_DIR});
try {
  console.log(`${kb.stats.chunks} passages`);
  for (const mode of ["hybrid", "text"] as const) {
    const rankings: QuestionRanking[] = [];
    for (const q of questions) {
      const result = await kb.service.search({query: q.question, topK: 10, mode});
      rankings.push({ranked: result.hits.map((hit) => judge.sectionOf(hit.text) ?? "(none)"), relevant: [q.number!]});
    }
    const m = rankingMetrics(rankings);
    console.log(`${mode}: by section R@1 ${m.recallAt1.toFixed(3)} R@5 ${m.recallAt5.toFixed(3)} MRR@10 ${m.mrrAt10.toFixed(3)}`);
  }
} finally {
  await kb.close();
}
