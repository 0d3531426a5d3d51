import path from "node:path";
import {describe, expect, it} from "vitest";
import {corpusById, packagesAvailable, prepareCorpus, questionsFor} from "../../bench/retrieval-eval/corpora.js";
import {loadQuestions, type LabelledQuestion} from "../../bench/retrieval-eval/evaluate.js";
import {metricsOfRanks} from "../../bench/retrieval-eval/metrics.js";
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

describe("metricsOfRanks", () => {
  it("reads first-relevant ranks, 0 meaning not in the top 10", () => {
    expect(metricsOfRanks([1, 2, 6, 0])).toEqual({recallAt1: 0.25, recallAt5: 0.5, mrrAt10: (1 + 1 / 2 + 1 / 6) / 4, n: 4});
    expect(metricsOfRanks([])).toEqual({recallAt1: 0, recallAt5: 0, mrrAt10: 0, n: 0});
  });
});
