import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DEFAULT_FILE_LIMITS} from "../../electron/core/knowledge/parsing/file-limits.js";
import {descendantPids, processMemoryMb, startControlServer, startHealthProber, type HealthProber} from "../helpers/health-probe.js";
import {HOSTILE_CASES} from "../helpers/hostile-files.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";

/**
 * Every hostile file is uploaded to the real headless server (`npm run serve`'s entry point, a
 * separate process) on its own, while /health is asked again and again. Each file must end alone,
 * with a stable code or as a bounded import, and the server must keep answering within 100 ms.
 * A control server that does nothing is asked at the same moments: a round in which even it was
 * slow measured the machine (a shared, busy CPU), not Deskside, and is left out of the verdict. A
 * file whose import was slow is imported once more, and only a stall that repeats fails it.
 */

const HEALTH_LIMIT_MS = 100;
/** A file is imported up to this many times; only a stall on every try fails it. */
const MAX_TRIES = 3;
/** A round whose control request took longer than this says the machine, not the server, was stalled. */
const MACHINE_NOISE_MS = 50;
/**
 * Memory must level off, not climb with every file: importing the same large file again grows the
 * server process (its parser workers end and give everything back) less each time. The native
 * libraries' allocator keeps part of what a large import used, so the first imports do raise it;
 * those figures are printed, not asserted.
 */

let serve: ServeProcess;
let control: {url: string; stop: () => void};
let prober: HealthProber;
let headers: Record<string, string>;
const files = new Map<string, Uint8Array>();
const rows: {file: string; outcome: string; ms: number; slowestHealthMs: number; firstTryMs: number; tries: string; slowestAnyMs: number; rounds: number; noisyRounds: number; workerPeakMb: number; serverMb: number}[] = [];
let baselineMb = 0;

beforeAll(async () => {
  for (const hostile of HOSTILE_CASES) files.set(hostile.name, await hostile.make());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-hostile-"));
  // Polling a job counts against the per-token rate limit; this run polls a lot.
  fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({api: {rateLimitPerMinute: 100_000}, llm: {autoLoad: false}}));
  control = await startControlServer();
  serve = await startServe({dataDir});
  headers = {authorization: `Bearer ${serve.token}`};
  // Start-up work (the starter articles) finishes before the first measurement.
  await serve.waitFor(/No chat model loaded|Model ready/, 240_000);
  prober = startHealthProber(serve.url, control.url);
  baselineMb = processMemoryMb(serve.child.pid!)?.rss ?? 0;
}, 300_000);

afterAll(async () => {
  const memory = serve ? processMemoryMb(serve.child.pid!) : null;
  prober?.stop();
  control?.stop();
  await serve?.stop("SIGKILL");
  if (serve) fs.rmSync(serve.dataDir, {recursive: true, force: true});
  if (rows.length) {
    console.table(rows);
    const max = (key: "slowestHealthMs" | "slowestAnyMs") => rows.reduce((m, row) => Math.max(m, row[key]), 0);
    const rounds = rows.reduce((n, r) => n + r.rounds, 0);
    const noisy = rows.reduce((n, r) => n + r.noisyRounds, 0);
    console.log(
      `${rows.length} hostile files; slowest /health ${max("slowestHealthMs")} ms over ${rounds - noisy} rounds ` +
        `(${max("slowestAnyMs")} ms counting the ${noisy} rounds in which the control server was slow too); ` +
        `server RSS ${Math.round(baselineMb)} MB at start, ${Math.round(memory?.rss ?? 0)} MB at end, peak ${Math.round(memory?.peak ?? 0)} MB; ` +
        `largest parser worker ${Math.max(...rows.map((r) => r.workerPeakMb))} MB; ` +
        `imported again after a slow try: ${rows.filter((r) => r.firstTryMs >= HEALTH_LIMIT_MS).map((r) => `${r.file} (${r.tries} ms)`).join(", ") || "none"}`,
    );
  }
});

async function importOne(name: string, bytes: Uint8Array) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), name);
  const upload = await fetch(`${serve.url}/api/documents`, {method: "POST", headers, body: form});
  expect(upload.status, await upload.clone().text()).toBe(202);
  const {job_id: jobId} = (await upload.json()) as {job_id: string};
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const job = (await (await fetch(`${serve.url}/api/jobs/${jobId}`, {headers})).json()) as {
      state: string;
      files: {state: string; chunks: number | null; document_id: string | null; error: {code: string; message: string} | null}[];
    };
    if (job.state !== "running") return job.files[0];
  }
}

describe(`${HOSTILE_CASES.length} hostile files, one at a time, against npm run serve`, () => {
  for (const hostile of HOSTILE_CASES) {
    it(`${hostile.name}: ${hostile.why}`, async () => {
      const bytes = files.get(hostile.name)!;
      const measure = async () => {
        let workerPeakMb = 0;
        const sampler = setInterval(() => {
          for (const pid of descendantPids(serve.child.pid!)) workerPeakMb = Math.max(workerPeakMb, processMemoryMb(pid)?.rss ?? 0);
        }, 100);
        await prober.collect(); // rounds before this file do not count
        const started = performance.now();
        const file = await importOne(hostile.name, bytes).finally(() => clearInterval(sampler));
        const ms = Math.round(performance.now() - started);
        const rounds = await prober.collect();
        const clean = rounds.filter((round) => round.controlMs < MACHINE_NOISE_MS);
        return {file, ms, rounds, clean, workerPeakMb, slowest: Math.round(Math.max(0, ...clean.map((round) => round.healthMs)))};
      };
      let attempt = await measure();
      const tries = [attempt.slowest];
      // A stall the file causes happens every time; a slow round on a shared 2-core machine (the
      // scheduler, another process's burst, a major collection of the server's grown heap) does
      // not. So a slow file is imported again, up to three tries in all, and only a stall on every
      // try fails it. Every figure is printed.
      while (attempt.slowest >= HEALTH_LIMIT_MS && tries.length < MAX_TRIES) {
        if (attempt.file.document_id) await fetch(`${serve.url}/api/documents/${attempt.file.document_id}`, {method: "DELETE", headers});
        attempt = await measure();
        tries.push(attempt.slowest);
      }
      const firstSlowest = tries[0];
      const {file, ms, rounds, clean, workerPeakMb, slowest} = attempt;
      rows.push({
        file: hostile.name,
        outcome: file.error?.code ?? `${file.state} (${file.chunks} chunks)`,
        ms,
        slowestHealthMs: slowest,
        firstTryMs: firstSlowest,
        tries: tries.join(" → "),
        slowestAnyMs: Math.round(Math.max(0, ...rounds.map((round) => round.healthMs))),
        rounds: rounds.length,
        noisyRounds: rounds.length - clean.length,
        workerPeakMb: Math.round(workerPeakMb),
        serverMb: Math.round(processMemoryMb(serve.child.pid!)?.rss ?? 0),
      });

      if (file.state === "failed") {
        expect(hostile.codes, `${hostile.name} failed with ${file.error?.code}: ${file.error?.message}`).toContain(file.error?.code);
        // A sentence for a technician: no stack trace, no library internals.
        expect(file.error!.message).toMatch(/^[A-Z].{10,}[.)]$/s);
        expect(file.error!.message).not.toMatch(/\n\s+at |node_modules|Error:/);
      } else {
        expect(hostile.mayImport, `${hostile.name} imported, but it must fail`).toBe(true);
        expect(file.state).toBe("done");
        expect(file.chunks).toBeLessThanOrEqual(DEFAULT_FILE_LIMITS.maxChunks);
      }
      expect(slowest, `slowest /health while importing ${hostile.name}`).toBeLessThan(HEALTH_LIMIT_MS);
      // Each case starts from the same small knowledge base.
      if (file.document_id) expect((await fetch(`${serve.url}/api/documents/${file.document_id}`, {method: "DELETE", headers})).status).toBeLessThan(300);
    });
  }

  it("afterwards the server still imports and finds an ordinary runbook", async () => {
    const runbook = new TextEncoder().encode("# Plotter zebra offline\n\nRestart the zebra plotter spooler service, then clear the queue of the zebra plotter.\n");
    const file = await importOne("plotter-offline.md", runbook);
    expect(file.state).toBe("done");
    const search = await fetch(`${serve.url}/api/search`, {method: "POST", headers: {...headers, "content-type": "application/json"}, body: JSON.stringify({query: "zebra plotter spooler", top_k: 3})});
    const hits = ((await search.json()) as {hits: {title: string}[]}).hits;
    expect(hits[0]?.title).toBe("Plotter zebra offline");
  });

  it("importing the largest file again and again does not keep growing the server", async () => {
    const largest = HOSTILE_CASES.find((hostile) => hostile.name === "underline-headings.txt")!;
    const bytes = files.get(largest.name)!;
    const before = processMemoryMb(serve.child.pid!)?.rss ?? 0;
    const after: number[] = [];
    for (let round = 0; round < 3; round++) {
      const file = await importOne(largest.name, bytes);
      expect(file.state).toBe("done");
      expect((await fetch(`${serve.url}/api/documents/${file.document_id}`, {method: "DELETE", headers})).status).toBeLessThan(300);
      after.push(processMemoryMb(serve.child.pid!)?.rss ?? 0);
    }
    console.log(`server RSS after importing ${largest.name} three times: ${after.map(Math.round).join(", ")} MB (${Math.round(before)} MB just before) (${Math.round(baselineMb)} MB before the hostile files)`);
    // 100 MB of slack: the allocator's retention varies from run to run by about that much.
    if (after[0]) expect(after[2] - after[1]).toBeLessThan(Math.max(50, after[0] - before) + 100);
  }, 180_000);
});
