import path from "node:path";
import {describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {corpusById, corpusPackages, packagesAvailable, prepareCorpus, questionsFor} from "../../bench/retrieval-eval/corpora.js";
import {loadQuestions, type LabelledQuestion} from "../../bench/retrieval-eval/evaluate.js";
import {metricsOfRanks} from "../../bench/retrieval-eval/metrics.js";
import {answerLabel, judgeSections, sectionLabel} from "../../bench/retrieval-eval/section-judging.js";
import {parseDocument} from "../../electron/core/knowledge/parsing/parse-document.js";
import {isDesksideError} from "../../shared/errors.js";
import {REPO_ROOT} from "../helpers/fixtures.js";

const MIXED = corpusById("krb5-mixed");
const available = packagesAvailable([MIXED.debianPackage]);

describe("a mixed corpus: pages beside one long PDF", () => {
  const asked: LabelledQuestion[] = [
    {id: "a", question: "unlock a principal", files: ["admin/lockout.html", "admin/database.html", "user/user_commands/kinit.html"]},
    {id: "b", question: "klist options", files: ["user/user_commands/klist.html"]},
  ];

  it("asks the krb5 questions, each answer in the administration guide named as its PDF, once", () => {
    const questions = questionsFor(MIXED, (id) => (id === "krb5" ? asked : []));
    expect(questions.map((q) => q.files)).toEqual([["admin.pdf", "user/user_commands/kinit.html"], ["user/user_commands/klist.html"]]);
    // The question set itself is left as it was.
    expect(asked[0].files).toHaveLength(3);
  });

  it.skipIf(!available)("imports the guide's PDF in place of its pages and labels it by name", () => {
    const corpus = prepareCorpus(MIXED);
    const pdfs = corpus.files.filter((file) => file.endsWith(".pdf"));
    expect(pdfs.map((file) => corpus.labelOf(file))).toEqual(["admin.pdf"]);
    expect(corpus.files.some((file) => file.includes("/admin/"))).toBe(false);
    expect(corpus.files.some((file) => corpus.labelOf(file) === "user/user_commands/klist.html")).toBe(true);
  });
});

describe("the manual-page corpus", () => {
  const MAN = corpusById("systemd-man");
  it.skipIf(!packagesAvailable([MAN.debianPackage]))("holds every page its questions name, each once, as installed (gzipped), links to other pages left out", () => {
    const corpus = prepareCorpus(MAN);
    const labels = corpus.files.map((file) => corpus.labelOf(file));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.every((label) => /^man[1-8]\/[^/]+\.gz$/.test(label))).toBe(true);
    const questions = questionsFor(MAN, (id) => loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", `${id}.json`)).questions);
    expect(questions.length).toBeGreaterThanOrEqual(80);
    const missing = questions.flatMap((q) => q.files).filter((file) => !labels.includes(file));
    expect(missing).toEqual([]);
  });
});

describe("the Info manual corpus, judged by section", () => {
  const INFO = corpusById("gnu-info");
  it.skipIf(!packagesAvailable(corpusPackages(INFO)))("names, for every question, a file of the corpus and a heading the Info reader gives that file", async () => {
    const corpus = prepareCorpus(INFO);
    const labels = corpus.files.map((file) => corpus.labelOf(file));
    // A split manual's parts, not its main file (which only lists them).
    expect(labels).toContain("find.info-1.gz");
    expect(labels).not.toContain("find.info.gz");
    const headings = new Map<string, Set<string>>();
    for (const file of corpus.files) {
      const parsed = await parseDocument(new Uint8Array(readFileSync(file)), path.basename(file));
      headings.set(corpus.labelOf(file), new Set(parsed.blocks.filter((block) => block.type === "heading").map((block) => block.text)));
    }
    const questions = questionsFor(INFO, (id) => loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", `${id}.json`)).questions);
    expect(questions).toHaveLength(60);
    const unknown = questions.filter((q) => !headings.get(q.files[0])?.has(q.section ?? "")).map((q) => `${q.id}: ${q.files[0]} § ${q.section}`);
    expect(unknown).toEqual([]);
  }, 60_000);

  it("counts a hit right when the question's section is on its heading path, in the question's file", () => {
    const question: LabelledQuestion = {id: "q", question: "", files: ["coreutils.info.gz"], section: "10.1 ‘ls’: List directory contents"};
    const labels = [
      sectionLabel("coreutils.info.gz", ["10 Directory listing", "10.1 ‘ls’: List directory contents", "10.1.3 Sorting the output"]),
      sectionLabel("coreutils.info.gz", ["10 Directory listing", "10.2 ‘dir’: Briefly list directory contents"]),
      sectionLabel("other.info.gz", ["10.1 ‘ls’: List directory contents"]),
    ];
    const judged = judgeSections(labels, question);
    expect(judged[0]).toBe(answerLabel(question));
    expect(judged.slice(1)).toEqual(labels.slice(1));
  });
});

describe("the reStructuredText corpus", () => {
  const BORG = corpusById("borg");
  it.skipIf(!packagesAvailable([BORG.debianPackage]))("names, for every question, a source file of the corpus and a heading the reader gives it", async () => {
    const corpus = prepareCorpus(BORG);
    const headings = new Map<string, Set<string>>();
    for (const file of corpus.files) {
      // Pages that only include generated files fail as empty; no question names one.
      const parsed = await parseDocument(new Uint8Array(readFileSync(file)), path.basename(file)).catch((error: unknown) => {
        if (isDesksideError(error) && error.code === "FILE_EMPTY") return null;
        throw error;
      });
      if (!parsed) continue;
      expect(parsed.kind).toBe("rst");
      headings.set(corpus.labelOf(file), new Set(parsed.blocks.filter((block) => block.type === "heading").map((block) => block.text)));
    }
    const questions = questionsFor(BORG, (id) => loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", `${id}.json`)).questions);
    expect(questions.length).toBeGreaterThanOrEqual(60);
    // Labels spell headings as the source writes them; the reader shows them without their markup.
    const shown = (heading: string) => heading.replace(/``|`|\*\*/g, "");
    const unknown = questions.filter((q) => !headings.get(q.files[0])?.has(shown(q.section ?? ""))).map((q) => `${q.id}: ${q.files[0]} § ${q.section}`);
    expect(unknown).toEqual([]);
  }, 60_000);
});

describe("metricsOfRanks", () => {
  it("reads first-relevant ranks, 0 meaning not in the top 10", () => {
    expect(metricsOfRanks([1, 2, 6, 0])).toEqual({recallAt1: 0.25, recallAt5: 0.5, mrrAt10: (1 + 1 / 2 + 1 / 6) / 4, n: 4});
    expect(metricsOfRanks([])).toEqual({recallAt1: 0, recallAt5: 0, mrrAt10: 0, n: 0});
  });
});
