/**
 * Writes one corpus of the retrieval evaluation as analysed terms (the store's own stemmer and stop
 * words), for ranking ideas tried outside the product first (see lexical_variants.py):
 * every chunk's body and title-and-headings terms with its document label, and every question's terms.
 *
 *   npx tsx bench/retrieval-eval/prototypes/export-terms.ts postfix [out-dir]
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {defaultSettings} from "../../../shared/settings.js";
import {createKnowledgeService} from "../../../electron/core/knowledge/knowledge-service.js";
import {KnowledgeStore} from "../../../electron/core/knowledge/store.js";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../../../test/helpers/fixtures.js";
import {corpusById, prepareCorpus} from "../corpora.js";
import {loadQuestions} from "../evaluate.js";

const id = process.argv[2];
const outDir = process.argv[3] ?? path.join(REPO_ROOT, "bench", "results", "terms");
if (!id) throw new Error("usage: export-terms.ts <corpus> [out-dir]");
const corpus = prepareCorpus(corpusById(id));
const work = mkdtempSync(path.join(os.tmpdir(), `deskside-terms-${id}-`));
try {
  const service = await createKnowledgeService({dataDir: work, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge});
  await service.waitForJob((await service.importPaths(corpus.files)).id);
  await service.close();
  const store = await KnowledgeStore.open({uri: path.join(work, "lancedb")});
  const out: {chunks: {doc: string; ord: number; text: string[]; ctx: string[]}[]; questions: {id: string; files: string[]; terms: string[]}[]; surface: Record<string, Record<string, number>>} = {chunks: [], questions: [], surface: {}};
  const wordCounts = new Map<string, number>();
  const countWords = (text: string) => {
    for (const word of text.toLowerCase().match(/[a-z][a-z0-9]{2,}/g) ?? []) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  };
  for (const doc of store.listDocuments()) {
    for (const chunk of await store.documentChunks(doc.id, 0, Number.MAX_SAFE_INTEGER)) {
      countWords(chunk.text);
      out.chunks.push({doc: corpus.labelOf(chunk.sourcePath), ord: chunk.ordinal, text: await store.analyze(chunk.text), ctx: await store.analyze(`${chunk.title}\n${chunk.headingPath.join("\n")}`)});
    }
  }
  for (const q of loadQuestions(path.join(REPO_ROOT, "bench", "retrieval-eval", "questions", `${id}.json`)).questions) {
    countWords(q.question);
    out.questions.push({id: q.id, files: q.files, terms: await store.analyze(q.question)});
  }
  // Each word's analysed form (stem), so a prototype can give a stem the vectors of the words behind it.
  const words = [...wordCounts.keys()];
  for (let start = 0; start < words.length; start += 2000) {
    const slice = words.slice(start, start + 2000);
    const analysed = await store.analyzeEach(slice);
    slice.forEach((word, k) => {
      if (analysed[k].length !== 1) return;
      (out.surface[analysed[k][0]] ??= {})[word] = wordCounts.get(word)!;
    });
  }
  await store.close();
  mkdirSync(outDir, {recursive: true});
  writeFileSync(path.join(outDir, `${id}.json`), JSON.stringify(out));
  console.log(`${id}: ${out.chunks.length} chunks, ${out.questions.length} questions → ${path.join(outDir, `${id}.json`)}`);
} finally {
  rmSync(work, {recursive: true, force: true});
}
