/**
 * Does retrieval depend on the format a team drops? The Debian FAQ (debian-faq) is imported three
 * times, as its HTML chapters, as its plain-text file and as its PDF, and the same 70 labelled
 * questions are asked of each; hits are judged by the numbered section they come from, so the three
 * are scored alike (retrieval-eval/formats.ts). Fixture embedder, no language model.
 *
 *   npx tsx bench/retrieval-formats-bench.ts [--formats html,text,pdf] [--methods hybrid,text]
 *
 * Installs debian-faq when run as root; unpacks its text and PDF once into ~/.cache/deskside-eval.
 * Writes bench/results/retrieval-formats.json.
 */
import {parseArgs} from "node:util";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../test/helpers/fixtures.js";
import {printTable, writeResults} from "./lib.js";
import {evaluateFormat, MANUAL_FORMATS, prepareManualInFormats, type FormatResult, type ManualFormat} from "./retrieval-eval/formats.js";
import {methodsByName} from "./retrieval-eval/methods.js";

const {values} = parseArgs({options: {formats: {type: "string"}, methods: {type: "string"}}});
const formats = (values.formats?.split(",") ?? MANUAL_FORMATS) as ManualFormat[];
// The default method first: citations are counted for the first method.
const methods = methodsByName(values.methods ?? "hybrid,text");
const methodNames = methods.map((m) => m.name);

const manual = prepareManualInFormats(REPO_ROOT);
const results: FormatResult[] = [];
for (const format of formats) results.push(await evaluateFormat(manual, format, {embedderDir: FIXTURE_EMBEDDER_DIR, methods, log: console.log}));

const rows = results.flatMap((r) =>
  Object.entries(r.metrics).map(([name, m]) => ({
    format: r.format,
    method: name,
    "R@1": m.recallAt1,
    "R@5": m.recallAt5,
    "MRR@10": m.mrrAt10,
    documents: r.documents,
    passages: r.passages,
    "text under a heading": r.withHeading,
    [`${methodNames[0]} hits citing their section`]: r.citesSection,
  })),
);
printTable(`Debian FAQ in ${formats.length} formats: ${manual.questions.length} questions, judged by section (${manual.judge.sections.length} numbered sections)`, rows);
console.log(`\nwritten ${writeResults("retrieval-formats", {questions: manual.questions.length, sections: manual.judge.sections.length, methods: methodNames, results})}`);
