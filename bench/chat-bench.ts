/**
 * End-to-end time to first token for a question, split into redaction, retrieval (query embedding
 * and search), prompt building, prompt evaluation and the first token, with the knowledge base at
 * about 10k chunks (the default articles plus generated runbooks).
 *
 *   npx tsx bench/chat-bench.ts [--chunks 10000] [--questions 20]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {createAppCore} from "../electron/core/app-core.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF, REPO_ROOT} from "../test/helpers/fixtures.js";
import {mean, percentile, printTable, rssMb, writeResults} from "./lib.js";

const {values} = parseArgs({options: {chunks: {type: "string"}, questions: {type: "string"}}});
const TARGET_CHUNKS = Number(values.chunks ?? 10_000);
const QUESTIONS = Number(values.questions ?? 20);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-chat-bench-"));
fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({llm: {parallelSequences: 1, contextSize: 4096}, generation: {maxTokens: 64, seed: 1}}));
const core = await createAppCore({dataDir, knowledgeDir: path.join(REPO_ROOT, "knowledge"), bundledModelsDir: null, overrides: {threads: 1, gpu: "cpu", model: FIXTURE_GGUF, embeddingModel: FIXTURE_EMBEDDER_DIR}});
await core.startup;

// Fill the knowledge base with generated runbooks built from the default articles' paragraphs.
const articles = fs.readdirSync(path.join(REPO_ROOT, "knowledge")).filter((f) => f.endsWith(".md") && f !== "README.md").map((f) => fs.readFileSync(path.join(REPO_ROOT, "knowledge", f), "utf8"));
const paragraphs = articles.flatMap((a) => a.split(/\n\s*\n/).filter((p) => p.trim().length > 80 && !p.startsWith("#")));
let chunks = (await core.knowledge.stats()).chunks;
const importStarted = performance.now();
for (let batch = 0; chunks < TARGET_CHUNKS; batch++) {
  const files = Array.from({length: 20}, (_, f) => {
    const sections = Array.from({length: 25}, (_, s) => `## Site ${batch}-${f} procedure ${s}\n\n${paragraphs[(batch * 500 + f * 25 + s) % paragraphs.length]}`);
    return {name: `runbook-${batch}-${f}.md`, bytes: new TextEncoder().encode(`# Site runbook ${batch}-${f}\n\n${sections.join("\n\n")}`)};
  });
  const job = await core.knowledge.importBuffers(files);
  await core.knowledge.waitForJob(job.id);
  chunks = (await core.knowledge.stats()).chunks;
}
const importMs = performance.now() - importStarted;

const questions = [
  "The VPN client says error 809 after the update, what now?",
  "Outlook keeps asking for my password",
  "printer shows offline for everyone",
  "how do I find the bitlocker recovery key",
  "laptop wifi drops every few minutes",
  "user is locked out again after password change",
  "second monitor no signal through the dock",
  "windows update fails with 0x800f081f",
];
interface Sample {
  redactionMs: number;
  retrievalMs: number;
  promptEvalMs: number;
  firstTokenMs: number;
  endToEndMs: number;
}
const samples: Sample[] = [];
await core.chat.send({message: "warm up"}).then((h) => h.done);
for (let i = 0; i < QUESTIONS; i++) {
  const sent = performance.now();
  let firstTokenAt = 0;
  const off = core.events.on("chat.token", () => (firstTokenAt ||= performance.now()));
  const handle = await core.chat.send({message: questions[i % questions.length]});
  const answer = await handle.done;
  off();
  const m = answer.metrics!;
  const ttft = m.timings?.timeToFirstTokenMs ?? 0;
  const perToken = m.timings?.tokensPerSecond ? 1000 / m.timings.tokensPerSecond : 0;
  samples.push({
    redactionMs: m.redactionMs,
    retrievalMs: m.retrievalMs,
    // Time to first token minus one decode step is the prompt's evaluation.
    promptEvalMs: Math.max(0, ttft - perToken),
    firstTokenMs: perToken,
    endToEndMs: firstTokenAt - sent,
  });
}
const keys = ["redactionMs", "retrievalMs", "promptEvalMs", "firstTokenMs", "endToEndMs"] as const;
const rows = keys.map((k) => ({stage: k.replace(/Ms$/, ""), "mean ms": mean(samples.map((s) => s[k])), "p50 ms": percentile(samples.map((s) => s[k]), 50), "p95 ms": percentile(samples.map((s) => s[k]), 95)}));
printTable(`Time to first token for a question (${QUESTIONS} questions, ${chunks} chunks in the knowledge base)`, rows);
const promptBuildMs = mean(samples.map((s) => s.endToEndMs - s.redactionMs - s.retrievalMs - s.promptEvalMs - s.firstTokenMs));
console.log(`Other (prompt building, token counting, storage, events): ${promptBuildMs.toFixed(2)} ms mean. Import of the generated runbooks took ${(importMs / 1000).toFixed(1)} s. RSS ${rssMb()} MB.`);
const file = writeResults("chat", {chunks, questions: QUESTIONS, stages: rows, otherMs: promptBuildMs, importMs, rssMb: rssMb()});
console.log(`Wrote ${file}`);
await core.close();
fs.rmSync(dataDir, {recursive: true, force: true});
