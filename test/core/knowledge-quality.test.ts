import {mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {SearchMode} from "../../shared/knowledge.js";
import {defaultSettings} from "../../shared/settings.js";
import {createKnowledgeService, type KnowledgeService} from "../../electron/core/knowledge/knowledge-service.js";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../helpers/fixtures.js";

/**
 * Retrieval quality on the default knowledge base and the team's question set. The fixture embedder
 * is weak (static GloVe vectors), so the point is the relation between modes, not absolute numbers.
 */

const KNOWLEDGE_DIR = path.join(REPO_ROOT, "knowledge");
const QUESTIONS_FILE = path.join(REPO_ROOT, "test", "fixtures", "knowledge-questions.json");

interface Question {
  question: string;
  expected: string[];
}

describe("search quality on the default knowledge base", () => {
  let dataDir: string;
  let service: KnowledgeService;
  let questions: Question[];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "deskside-quality-"));
    questions = JSON.parse(readFileSync(QUESTIONS_FILE, "utf8")) as Question[];
    service = await createKnowledgeService({dataDir, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge});
    const articles = readdirSync(KNOWLEDGE_DIR)
      .filter((name) => name.endsWith(".md") && name.toLowerCase() !== "readme.md")
      .map((name) => path.join(KNOWLEDGE_DIR, name));
    const job = await service.waitForJob((await service.importDefaultKnowledge(KNOWLEDGE_DIR)).id);
    expect(job.counts.done).toBe(articles.filter((file) => readFileSync(file, "utf8").trim()).length);
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dataDir, {recursive: true, force: true});
  });

  /**
   * recall: share of each question's expected articles among the top 5 chunks, averaged over questions.
   * hitRate: share of questions with at least one expected article in the top 5.
   */
  async function evaluate(mode: SearchMode): Promise<{recall: number; hitRate: number}> {
    let recall = 0;
    let hits = 0;
    for (const {question, expected} of questions) {
      const result = await service.search({query: question, topK: 5, mode});
      const names = new Set(result.hits.map((hit) => path.basename(hit.sourcePath)));
      const found = expected.filter((name) => names.has(name)).length;
      recall += found / expected.length;
      if (found > 0) hits++;
    }
    return {recall: recall / questions.length, hitRate: hits / questions.length};
  }

  it("hybrid recall@5 is at least that of vector-only and of text-only", async () => {
    const hybrid = await evaluate("hybrid");
    const vector = await evaluate("vector");
    const text = await evaluate("text");
    const show = (m: {recall: number; hitRate: number}) => `${m.recall.toFixed(3)} (hit rate ${m.hitRate.toFixed(3)})`;
    console.log(`recall@5 over ${questions.length} questions: hybrid ${show(hybrid)}, vector ${show(vector)}, text ${show(text)}`);
    expect(hybrid.recall).toBeGreaterThanOrEqual(vector.recall);
    expect(hybrid.recall).toBeGreaterThanOrEqual(text.recall);
    expect(hybrid.hitRate).toBeGreaterThanOrEqual(Math.max(vector.hitRate, text.hitRate));
    expect(hybrid.recall).toBeGreaterThan(0.5);
  });
});
