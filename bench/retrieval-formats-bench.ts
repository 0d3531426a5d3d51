/**
 * Does retrieval depend on the format a team drops? The Debian FAQ (debian-faq) is imported three
 * times, as its HTML chapters, as its plain-text file and as its PDF, and the same 70 labelled
 * questions are asked of each; hits are judged by the numbered section they come from, so the three
 * are scored alike (retrieval-eval/formats.ts). Fixture embedder, no language model.
 *
 *   npx tsx bench/retrieval-formats-bench.ts [--formats html,text,pdf] [--methods hybrid,text] [--no-starter]
 *
 * Each format is also measured with the starter articles imported beside it (unless --no-starter).
 *
 * Installs debian-faq when run as root; unpacks its text and PDF once into ~/.cache/deskside-eval.
 * Writes bench/results/retrieval-formats.json.
 */
import {parseArgs} from "node:util";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../test/helpers/fixtures.js";
import {printTable, writeResults} from "./lib.js";
import {evaluateFormat, MANUAL_FORMATS, prepareManualInFormats, type FormatResult, type ManualFormat} from "./retrieval-eval/formats.js";
import {methodsByName} from "./retrieval-eval/methods.js";
import {comparisonRows} from "./retrieval-eval/paired-comparison.js";

const {values} = parseArgs({options: {formats: {type: "string"}, methods: {type: "string"}, "no-starter": {type: "boolean"}}});
const formats = (values.formats?.split(",") ?? MANUAL_FORMATS) as ManualFormat[];
// The default method first: citations are counted for the first method.
const methods = methodsByName(values.methods ?? "hybrid,text");
const methodNames = methods.map((m) => m.name);

const manual = prepareManualInFormats(REPO_ROOT);
const results: FormatResult[] = [];
const withStarter = values["no-starter"] ? undefined : {repoRoot: REPO_ROOT};
for (const format of formats) results.push(await evaluateFormat(manual, format, {embedderDir: FIXTURE_EMBEDDER_DIR, methods, log: console.log, withStarter}));

const rows = results.flatMap((r) =>
  Object.entries(r.metrics).map(([name, m]) => ({
    format: r.format,
    method: name,
    "R@1": m.recallAt1,
    "R@5": m.recallAt5,
    "MRR@10": m.mrrAt10,
    "R@1 / R@5 / MRR@10 +starter": r.withStarter ? [r.withStarter.metrics[name].recallAt1, r.withStarter.metrics[name].recallAt5, r.withStarter.metrics[name].mrrAt10].map((x) => x.toFixed(2)).join(" / ") : "",
    "starter hits in top 5": r.withStarter ? r.withStarter.starterHitsInTop5[name] : "",
    documents: r.documents,
    passages: r.passages,
    "text under a heading": r.withHeading,
    [`${methodNames[0]} hits citing their section`]: r.citesSection,
    "hits inside an earlier passage (of 5)": r.repeatedPassages,
    "chunks handed over twice": r.repeatedChunks,
  })),
);
printTable(`Debian FAQ in ${formats.length} formats: ${manual.questions.length} questions, judged by section (${manual.judge.sections.length} numbered sections)`, rows);
// Each format on its own (an average over formats of one manual would mean little): the starter
// articles' cost per format, and the methods against each other.
const byFormat = results.map((r) => ({corpus: r.format, perQuestion: r.perQuestion}));
const pairs: [string, string][] = [...methodNames.slice(1).map((m): [string, string] => [methodNames[0], m]), ...(withStarter ? [[`${methodNames[0]} +starter`, methodNames[0]] as [string, string]] : [])];
const paired = comparisonRows(byFormat, pairs, {average: false});
if (paired.length) printTable("Paired differences per question, with 95 % bootstrap intervals (an interval spanning 0 is no evidence either way)", paired);
console.log(`\nwritten ${writeResults("retrieval-formats", {questions: manual.questions.length, sections: manual.judge.sections.length, methods: methodNames, results, paired})}`);
