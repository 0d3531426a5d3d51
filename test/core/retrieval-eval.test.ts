import path from "node:path";
import {beforeAll, describe, expect, it} from "vitest";
import {corpusById, corpusPackages, packagesAvailable, prepareCorpus, type CorpusDefinition} from "../../bench/retrieval-eval/corpora.js";
import {evaluateCorpus, loadQuestions, type CorpusResult, type EvalMethod} from "../../bench/retrieval-eval/evaluate.js";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../helpers/fixtures.js";

/**
 * Regression guard for retrieval quality on documentation nobody on the project wrote: the smallest
 * corpus of the retrieval evaluation (MIT Kerberos docs from Debian's krb5-doc, 94 labelled help-desk
 * questions), fixture embedder, no language model. Floors sit a little below the measured figures
 * (`npm run bench retrieval` has the full evaluation on four corpora).
 */

/** One corpus of the evaluation imported and asked its questions, as the benchmark does, with the fixture embedder. */
async function evaluateGuard(definition: CorpusDefinition, methods: EvalMethod[], options: {withStarter?: boolean} = {}): Promise<CorpusResult> {
  const questions = loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", `${definition.id}.json`)).questions;
  return evaluateCorpus(prepareCorpus(definition), questions, {embedderDir: FIXTURE_EMBEDDER_DIR, methods, repoRoot: REPO_ROOT, ...options});
}

type Figure = keyof CorpusResult["alone"][string];

/** Hybrid at or above its floors, and strictly above plain BM25 in the figures named. */
function expectHybridAbove(result: CorpusResult, floors: {recallAt5: number; recallAt1: number}, aboveBm25: Figure[]): void {
  const {hybrid, "bm25 (reference)": bm25} = result.alone;
  expect(hybrid.recallAt5).toBeGreaterThanOrEqual(floors.recallAt5);
  expect(hybrid.recallAt1).toBeGreaterThanOrEqual(floors.recallAt1);
  for (const figure of aboveBm25) expect(hybrid[figure]).toBeGreaterThan(bm25[figure]);
}

/** One line of a method's figures for the test log. */
function figures(name: string, result: CorpusResult): string {
  const m = result.alone[name];
  return `${name}: R@1 ${m.recallAt1.toFixed(3)} R@5 ${m.recallAt5.toFixed(3)} MRR@10 ${m.mrrAt10.toFixed(3)}`;
}

const CORPUS = corpusById("krb5");
const available = packagesAvailable(corpusPackages(CORPUS));

describe.skipIf(!available)("retrieval on third-party documentation (krb5-doc)", () => {
  let result: CorpusResult;

  beforeAll(async () => {
    result = await evaluateGuard(CORPUS, [
      {name: "text", mode: "text"},
      {name: "vector", mode: "vector"},
      {name: "hybrid", mode: "hybrid"},
    ]);
    console.log(["bm25 (reference)", "text", "vector", "hybrid"].map((name) => figures(name, result)).join("\n"));
  }, 600_000);

  it("imports every page of the corpus and builds its latent index", () => {
    expect(result.failedFiles).toEqual([]);
    expect(result.documents).toBeGreaterThan(90);
    expect(result.latent?.passages).toBe(result.chunks);
    expect(result.latent?.rank).toBe(150);
  });

  it("finds the right page in the top five for most questions, and first for more than half", () => {
    expect(result.alone.hybrid.recallAt5).toBeGreaterThanOrEqual(0.82);
    expect(result.alone.hybrid.recallAt1).toBeGreaterThanOrEqual(0.58);
  });

  it("beats plain BM25 over whole documents", () => {
    const bm25 = result.alone["bm25 (reference)"];
    expect(result.alone.hybrid.recallAt5).toBeGreaterThanOrEqual(bm25.recallAt5);
    expect(result.alone.hybrid.mrrAt10).toBeGreaterThan(bm25.mrrAt10);
  });

  it("hybrid is at least as good as the better of its parts", () => {
    const {hybrid, text, vector} = result.alone;
    for (const key of ["recallAt5", "mrrAt10"] as const) expect(hybrid[key]).toBeGreaterThanOrEqual(Math.max(text[key], vector[key]) - 1e-9);
  });

  // The goal is at most 0.02; measured here: two of 94 questions (0.021) leave the top five when
  // the starter articles are present, so the guard allows two questions and no more.
  it("loses at most two questions' worth of recall when the starter articles are in the knowledge base too", () => {
    const twoQuestions = 2 / result.questions + 1e-9;
    expect(result.alone.hybrid.recallAt5 - result.withStarter.hybrid.recallAt5).toBeLessThanOrEqual(twoQuestions);
    expect(result.alone.hybrid.recallAt1 - result.withStarter.hybrid.recallAt1).toBeLessThanOrEqual(twoQuestions);
  });
});

/**
 * The same guard on manual pages as Linux installs them (systemd's, gzipped roff, 80 questions; no
 * setting was chosen on them): they import through the roff reader, and rank above plain BM25.
 */
const MAN_CORPUS = corpusById("systemd-man");

describe.skipIf(!packagesAvailable(corpusPackages(MAN_CORPUS)))("retrieval on manual pages (systemd, gzipped roff)", () => {
  let result: CorpusResult;

  beforeAll(async () => {
    result = await evaluateGuard(MAN_CORPUS, [{name: "text", mode: "text"}, {name: "hybrid", mode: "hybrid"}], {withStarter: false});
    console.log(`systemd-man ${figures("hybrid", result)}`);
  }, 600_000);

  it("imports every page, none failing", () => {
    expect(result.failedFiles).toEqual([]);
    expect(result.documents).toBeGreaterThan(150);
  });

  it("finds the right page in the top five for most questions, above plain BM25", () => {
    expectHybridAbove(result, {recallAt5: 0.8, recallAt1: 0.35}, ["recallAt5", "mrrAt10"]);
  });
});

/**
 * GNU manuals as Info files (60 questions, judged by the section that answers them, not the
 * manual): the Info reader gives each section its heading, and search finds the right one inside
 * long manuals. Plain BM25 ranking whole sections (0.83 R@5) stays ahead here: one hit per
 * manual in the top five is the price of the diversification that serves many-page sets (see the
 * README's "GNU Info manuals").
 */
const INFO_CORPUS = corpusById("gnu-info");

describe.skipIf(!packagesAvailable(corpusPackages(INFO_CORPUS)))("retrieval by section in GNU Info manuals", () => {
  let result: CorpusResult;

  beforeAll(async () => {
    result = await evaluateGuard(INFO_CORPUS, [{name: "hybrid", mode: "hybrid"}], {withStarter: false});
    console.log(`gnu-info ${figures("hybrid", result)}`);
  }, 600_000);

  it("imports every manual and every part of a split one", () => {
    expect(result.failedFiles).toEqual([]);
    expect(result.documents).toBe(12);
  });

  it("finds the section that answers in the top five for most questions", () => {
    expectHybridAbove(result, {recallAt5: 0.62, recallAt1: 0.45}, []);
  });
});

/**
 * The same guard on a manual as its reStructuredText sources (BorgBackup's, the `.rst.txt` files of
 * the built Sphinx site, 64 questions; no setting was chosen on them): they import through the
 * reStructuredText reader, pages that only include generated files failing as such, and rank above
 * plain BM25.
 */
const RST_CORPUS = corpusById("borg");

describe.skipIf(!packagesAvailable(corpusPackages(RST_CORPUS)))("retrieval on reStructuredText sources (BorgBackup)", () => {
  let result: CorpusResult;

  beforeAll(async () => {
    result = await evaluateGuard(RST_CORPUS, [{name: "hybrid", mode: "hybrid"}], {withStarter: false});
    console.log(["bm25 (reference)", "hybrid"].map((name) => figures(name, result)).join("\n"));
  }, 600_000);

  it("imports every page with text of its own; pages that only include other files fail alone as empty", () => {
    expect(result.documents).toBeGreaterThanOrEqual(35);
    expect(result.failedFiles.length).toBeLessThanOrEqual(12);
    expect(new Set(result.failedFiles.map((file) => file.code))).toEqual(new Set(["FILE_EMPTY"]));
  });

  it("finds the right page in the top five for nearly every question, first for most, above plain BM25", () => {
    expectHybridAbove(result, {recallAt5: 0.92, recallAt1: 0.75}, ["recallAt1", "mrrAt10"]);
  });
});
