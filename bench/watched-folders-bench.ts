/**
 * Watched folders on a real core (fixture embedder, parser workers, LanceDB in a temp folder):
 *   - latency: a file created, changed or deleted in a watched folder until search shows the change
 *     (the 1 s settle included), as p50/p95 over rounds;
 *   - a burst of files written at once until all are searchable, beside importing the same files
 *     with an ordinary import of the folder in the same run (the ratio is the watcher's cost);
 *   - the full rescan at start with nothing changed (every file hashed, nothing imported).
 *
 *   npx tsx bench/watched-folders-bench.ts [--rounds 15] [--files 500]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {createAppCore, type DesksideCore} from "../electron/core/app-core.js";
import {FIXTURE_EMBEDDER_DIR} from "../test/helpers/fixtures.js";
import {percentile, printTable, writeResults} from "./lib.js";

const {values} = parseArgs({options: {rounds: {type: "string"}, files: {type: "string"}}});
const ROUNDS = Number(values.rounds ?? 15);
const FILES = Number(values.files ?? 500);

const quiet = {info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`), close: () => undefined};

async function openCore(dataDir: string): Promise<DesksideCore> {
  const core = await createAppCore({
    dataDir,
    overrides: {threads: 1, gpu: "cpu", embeddingModel: FIXTURE_EMBEDDER_DIR},
    knowledgeDir: null,
    bundledModelsDir: null,
    autoLoadModel: false,
    logger: quiet,
  });
  await core.startup;
  return core;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const found = async (core: DesksideCore, word: string, file: string) =>
  (await core.knowledge.search({query: word, mode: "text", topK: 5})).hits.some((hit) => hit.sourcePath === file);

const runbook = (i: number, word: string) => `# Runbook ${i}\n\nWhen the ticket mentions ${word}, follow step ${i} of the procedure and note the result.\n`;

function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

async function main(): Promise<void> {
  const dataDir = tempDir("deskside-bench-watch-");
  const root = tempDir("deskside-bench-folder-");
  let core = await openCore(dataDir);
  const added = await core.folders.add(root);
  await until(() => core.folders.get(added.id).state === "watching", "the empty folder");

  // Latency of single changes.
  const created: number[] = [];
  const changed: number[] = [];
  const deleted: number[] = [];
  // Each change starts with the folder idle, so no pass already under way picks it up early.
  const idle = async () => {
    await core.folders.whenIdle(added.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await core.folders.whenIdle(added.id);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const file = path.join(root, `note-${round}.md`);
    const first = `zebra${round}alpha`;
    await idle();
    let start = performance.now();
    fs.writeFileSync(file, runbook(round, first));
    await until(() => found(core, first, file), "a created file");
    created.push(performance.now() - start);

    const second = `yak${round}omega`;
    await idle();
    start = performance.now();
    fs.writeFileSync(file, runbook(round, second));
    await until(() => found(core, second, file), "a changed file");
    changed.push(performance.now() - start);

    await idle();
    start = performance.now();
    fs.rmSync(file);
    await until(async () => !(await found(core, second, file)), "a deleted file");
    deleted.push(performance.now() - start);
  }
  const latency = [
    {change: "file created → searchable", p50_ms: percentile(created, 50), p95_ms: percentile(created, 95), rounds: ROUNDS},
    {change: "file changed → new text searchable", p50_ms: percentile(changed, 50), p95_ms: percentile(changed, 95), rounds: ROUNDS},
    {change: "file deleted → gone from search", p50_ms: percentile(deleted, 50), p95_ms: percentile(deleted, 95), rounds: ROUNDS},
  ];
  printTable("Watched folder: one change until search shows it (1 s settle included)", latency);

  // A burst through the watcher, then the same files by an ordinary import.
  const burstDir = path.join(root, "burst");
  fs.mkdirSync(burstDir);
  let start = performance.now();
  for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(burstDir, `runbook-${i}.md`), runbook(i, `word${i}x`));
  await until(() => {
    const folder = core.folders.get(added.id);
    return folder.documents === FILES && folder.state === "watching" && folder.pending === 0;
  }, "the burst");
  const watchedMs = performance.now() - start;

  const otherRoot = tempDir("deskside-bench-import-");
  for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(otherRoot, `runbook-${i}.md`), runbook(i, `other${i}y`));
  start = performance.now();
  const job = await core.knowledge.importPaths([otherRoot], {dedupe: "path"});
  const done = await core.knowledge.waitForJob(job.id);
  const importMs = performance.now() - start;
  if (done.counts.done !== FILES) throw new Error(`the ordinary import took ${done.counts.done} of ${FILES} files`);

  // The folder of the burst renamed: every document follows its file, nothing is embedded again.
  const renamedDir = path.join(root, "burst-renamed");
  const before = new Set(core.knowledge.listDocuments().filter((doc) => doc.sourcePath.startsWith(burstDir + path.sep)).map((doc) => doc.id));
  start = performance.now();
  fs.renameSync(burstDir, renamedDir);
  await until(() => {
    const docs = core.knowledge.listDocuments().filter((doc) => doc.sourcePath.startsWith(renamedDir + path.sep));
    return docs.length === FILES && core.folders.get(added.id).state === "watching" && core.folders.get(added.id).pending === 0;
  }, "the renamed folder");
  const renameMs = performance.now() - start;
  const kept = core.knowledge.listDocuments().filter((doc) => doc.sourcePath.startsWith(renamedDir + path.sep) && before.has(doc.id)).length;

  start = performance.now();
  fs.rmSync(renamedDir, {recursive: true});
  await until(() => core.folders.get(added.id).documents === 0 && core.folders.get(added.id).state === "watching", "the burst deleted");
  const deleteMs = performance.now() - start;

  // The rescan at start with nothing changed: every file hashed again, none imported.
  for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(root, `kept-${i}.md`), runbook(i, `kept${i}z`));
  await until(() => core.folders.get(added.id).documents === FILES && core.folders.get(added.id).state === "watching", "the kept files");
  await core.close();
  start = performance.now();
  core = await openCore(dataDir);
  const openMs = performance.now() - start;
  await until(() => {
    const folder = core.folders.list()[0];
    return folder?.state === "watching" && folder.lastScanAt !== null && Date.parse(folder.lastScanAt) > Date.now() - 600_000 && folder.documents === FILES;
  }, "the rescan at start");
  const rescanMs = performance.now() - start - openMs;
  await core.close();

  const burst = [
    {path: `watched folder: ${FILES} files written at once`, total_ms: watchedMs, files_per_s: (FILES / watchedMs) * 1000},
    {path: `ordinary import of ${FILES} files (same run)`, total_ms: importMs, files_per_s: (FILES / importMs) * 1000},
    {path: `watched folder: folder of ${FILES} files renamed (${kept} documents kept)`, total_ms: renameMs, files_per_s: (FILES / renameMs) * 1000},
    {path: `watched folder: ${FILES} files deleted at once`, total_ms: deleteMs, files_per_s: (FILES / deleteMs) * 1000},
    {path: `rescan at start, ${FILES} unchanged files`, total_ms: rescanMs, files_per_s: (FILES / rescanMs) * 1000},
  ];
  printTable("Bursts", burst);
  console.log(`\nwatched burst / ordinary import time: ${(watchedMs / importMs).toFixed(2)}×`);
  const file = writeResults("watched-folders", {rounds: ROUNDS, files: FILES, latency, burst, watchedOverImport: watchedMs / importMs});
  console.log(`\nwrote ${file}`);
  for (const dir of [dataDir, root, otherRoot]) fs.rmSync(dir, {recursive: true, force: true});
}

await main();
