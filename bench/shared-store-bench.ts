/**
 * Search latency of one knowledge base on local disk and on S3-compatible storage (s3rver on
 * 127.0.0.1): the starter articles in knowledge/, imported into both through the service with the
 * fixture embedder, then the same questions in hybrid, text and vector mode, interleaved. A third
 * column makes every search also check the bucket for other processes' writes (the refresh a shared
 * store does at most every 5 s), to show what that check costs.
 *
 * What this measures is Deskside plus LanceDB plus the S3 protocol on one machine; a real bucket adds
 * its network round trips (tens of ms each on a WAN), which s3rver on loopback does not have.
 *
 *   npm run bench shared-store [-- --rounds 30]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {createKnowledgeService, type KnowledgeService} from "../electron/core/knowledge/knowledge-service.js";
import {objectStoreOptions} from "../electron/core/knowledge/object-store-options.js";
import {parseStoreUri} from "../electron/core/knowledge/store-uri.js";
import {defaultSettings} from "../shared/settings.js";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../test/helpers/fixtures.js";
import {startS3Server} from "../test/helpers/s3-server.js";
import {percentile, printTable, writeResults} from "./lib.js";

const {values} = parseArgs({options: {rounds: {type: "string", default: "20"}}, strict: false});
const ROUNDS = Number(values.rounds);
const MODES = ["hybrid", "text", "vector"] as const;
const QUESTIONS = [
  "my account is locked after too many password attempts",
  "bitlocker asks for a recovery key after a bios update",
  "screen stays black after I log in",
  "bluetooth headset will not pair",
  "the browser says the certificate is not trusted",
  "laptop gets hot and the battery drains fast",
  "mapped network drive shows a red x",
  "disk is full and windows is slow",
];

interface Target {
  name: string;
  service: KnowledgeService;
}

async function open(name: string, dataDir: string, storeUri: string, storageOptions: Record<string, string> | undefined, sharedRefreshMs: number): Promise<Target> {
  const service = await createKnowledgeService({
    dataDir,
    storeUri,
    storageOptions,
    embeddingModelDirs: [],
    embeddingModel: FIXTURE_EMBEDDER_DIR,
    settings: defaultSettings().knowledge,
    parserPoolSize: 0,
    sharedRefreshMs,
  });
  return {name, service};
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-shared-bench-"));
  const s3 = await startS3Server();
  const uri = `s3://${s3.bucket}/bench`;
  const options = objectStoreOptions(parseStoreUri(uri), {endpoint: s3.endpoint, region: "us-east-1", pathStyle: true, allowHttp: true, accessKeyId: "S3RVER", secretAccessKey: "S3RVER"});
  const targets: Target[] = [];
  try {
    const local = await open("local disk", path.join(work, "local"), path.join(work, "local", "lancedb"), undefined, 5_000);
    const shared = await open("s3rver", path.join(work, "s3"), uri, options, 5_000);
    for (const target of [local, shared]) {
      const started = performance.now();
      const job = await target.service.waitForJob((await target.service.importDefaultKnowledge(path.join(REPO_ROOT, "knowledge"))).id);
      console.log(`${target.name}: ${job.counts.done} articles imported in ${Math.round(performance.now() - started)} ms`);
    }
    // A second process's view of the same bucket, checking for changes before every search.
    const refreshing = await open("s3rver, refresh check on every search", path.join(work, "s3-refresh"), uri, options, 0);
    targets.push(local, shared, refreshing);
    const stats = await local.service.stats();

    // Warm-up: first searches load the embedder and the indexes into the cache.
    for (const target of targets) for (const mode of MODES) await target.service.search({query: QUESTIONS[0], mode, topK: 5});

    const samples = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++)
      for (const question of QUESTIONS)
        for (const mode of MODES)
          for (const target of targets) {
            const started = performance.now();
            await target.service.search({query: question, mode, topK: 5});
            const key = `${target.name}\u0000${mode}`;
            (samples.get(key) ?? samples.set(key, []).get(key)!).push(performance.now() - started);
          }

    const rows = MODES.flatMap((mode) => {
      const base = samples.get(`${local.name}\u0000${mode}`)!;
      return targets.map((target) => {
        const ms = samples.get(`${target.name}\u0000${mode}`)!;
        return {
          mode,
          store: target.name,
          searches: ms.length,
          "p50 ms": percentile(ms, 50),
          "p95 ms": percentile(ms, 95),
          "p50 vs local": `${(percentile(ms, 50) / percentile(base, 50)).toFixed(2)}x`,
        };
      });
    });
    printTable(`Search latency, ${stats.documents} starter articles (${stats.chunks} passages), ${ROUNDS} rounds of ${QUESTIONS.length} questions`, rows);
    const file = writeResults("shared-store", {documents: stats.documents, chunks: stats.chunks, rounds: ROUNDS, questions: QUESTIONS.length, rows});
    console.log(`\nwritten to ${file}`);
  } finally {
    for (const target of targets) await target.service.close();
    await s3.dispose();
    fs.rmSync(work, {recursive: true, force: true});
  }
}

await main();
