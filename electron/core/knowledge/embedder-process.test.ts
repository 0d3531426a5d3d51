import {spawn} from "node:child_process";
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {pathToFileURL} from "node:url";
import {afterAll, afterEach, beforeAll, describe, expect, it} from "vitest";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../../../test/helpers/fixtures.js";
import {childPids} from "../../../test/helpers/health-probe.js";
import {createEmbedder, type Embedder} from "./embedder.js";
import {createEmbedderProcess, type ProcessEmbedder} from "./embedder-process.js";
import {createLazyEmbedder} from "./lazy-embedder.js";
import {approximateTokenCount} from "./parsing/token-count.js";

const TEXTS = ["How do I reset my password?", "The VPN client shows error 809 after the update.", "Printer in room 214 reports C6000", "", "Réinitialiser le mot de passe", "x".repeat(3000)];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process that ended is gone or, until its parent reaps it, a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(25);
  }
  return condition();
}

function expectSameVectors(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((vector, i) => {
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector.length).toBe(expected[i].length);
    let worst = 0;
    for (let j = 0; j < vector.length; j++) worst = Math.max(worst, Math.abs(vector[j] - expected[i][j]));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
}

const linux = process.platform === "linux";

describe.runIf(linux)("embedding model in a child process", () => {
  let local: Embedder;
  let remote: ProcessEmbedder | null = null;
  beforeAll(async () => {
    local = await createEmbedder(FIXTURE_EMBEDDER_DIR, {batchSize: 4});
  });
  afterAll(async () => {
    await local.close();
  });
  afterEach(async () => {
    const pid = remote?.pid();
    await remote?.close();
    remote = null;
    // Nothing is left behind, whatever the test did.
    if (pid) expect(await waitUntil(() => !running(pid), 3000)).toBe(true);
  });

  it("makes the same vectors as the model in this process, and knows their token counts", async () => {
    remote = await createEmbedderProcess(FIXTURE_EMBEDDER_DIR, {batchSize: 4});
    expect(remote.modelId).toBe(local.modelId);
    expect(remote.modelPath).toBe(local.modelPath);
    expect(remote.dimension).toBe(local.dimension);
    const pid = remote.pid()!;
    expect(childPids(process.pid)).toContain(pid);
    // Before embedding a text only the estimate is known; after it, the model's own count.
    expect(remote.countTokens(TEXTS[1])).toBe(approximateTokenCount(TEXTS[1]));
    const progress: number[] = [];
    expectSameVectors(await remote.embed(TEXTS, {onProgress: (done) => progress.push(done), tokenCounts: true}), await local.embed(TEXTS));
    expect(progress).toEqual([4, 6]);
    for (const text of TEXTS) expect(remote.countTokens(text)).toBe(local.countTokens(text));
    // Embedding without asking for counts (an import) does not tokenize a second time: still the estimate.
    const uncounted = "Printers on the third floor print blank pages after the driver update.";
    expect(local.countTokens(uncounted)).not.toBe(approximateTokenCount(uncounted));
    await remote.embed([uncounted]);
    expect(remote.countTokens(uncounted)).toBe(approximateTokenCount(uncounted));
    expect(await remote.embed([])).toEqual([]);
    // Concurrent calls each get their own answer.
    const [a, b] = await Promise.all([remote.embed(TEXTS.slice(0, 2)), remote.embed(TEXTS.slice(2))]);
    expectSameVectors([...a, ...b], await local.embed(TEXTS));
  });

  it("fails to open a broken model folder with the same error as in this process", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "deskside-embed-proc-"));
    try {
      const broken = path.join(root, "broken");
      cpSync(FIXTURE_EMBEDDER_DIR, broken, {recursive: true});
      writeFileSync(path.join(broken, "onnx", "model.onnx"), "not an onnx graph");
      for (const folder of [broken, root]) {
        const expected = await createEmbedder(folder).then(
          () => null,
          (error: unknown) => error,
        );
        expect(expected).toMatchObject({code: expect.any(String)});
        const before = childPids(process.pid);
        await expect(createEmbedderProcess(folder)).rejects.toMatchObject({name: "DesksideError", code: (expected as {code: string}).code, message: (expected as Error).message});
        // The child that could not open it is gone too.
        expect(await waitUntil(() => childPids(process.pid).filter((pid) => !before.includes(pid) && running(pid)).length === 0, 3000)).toBe(true);
      }
    } finally {
      rmSync(root, {recursive: true, force: true});
    }
  });

  it("rejects at once when aborted, ignores the late answer, and keeps working", async () => {
    remote = await createEmbedderProcess(FIXTURE_EMBEDDER_DIR);
    const pid = remote.pid()!;
    // A stopped child cannot answer, so the call is surely still in flight when it is aborted.
    process.kill(pid, "SIGSTOP");
    const controller = new AbortController();
    const call = remote.embed(TEXTS, {signal: controller.signal});
    await sleep(50);
    const started = Date.now();
    controller.abort();
    await expect(call).rejects.toMatchObject({code: "CANCELLED"});
    expect(Date.now() - started).toBeLessThan(250);
    process.kill(pid, "SIGCONT");
    expectSameVectors(await remote.embed(TEXTS), await local.embed(TEXTS));
    expect(remote.pid()).toBe(pid);
    // Already aborted: nothing is sent.
    await expect(remote.embed(TEXTS, {signal: AbortSignal.abort()})).rejects.toMatchObject({code: "CANCELLED"});
  });

  it("fails the calls in flight when the child is killed, and starts a new one for the next", async () => {
    remote = await createEmbedderProcess(FIXTURE_EMBEDDER_DIR);
    const pid = remote.pid()!;
    process.kill(pid, "SIGSTOP");
    const calls = [remote.embed(TEXTS), remote.embed(["another"])];
    await sleep(50);
    process.kill(pid, "SIGKILL");
    for (const call of calls) await expect(call).rejects.toMatchObject({name: "DesksideError", code: "EMBEDDING_FAILED", message: expect.stringContaining("stopped unexpectedly")});
    expect(remote.pid()).toBeNull();
    expectSameVectors(await remote.embed(TEXTS), await local.embed(TEXTS));
    const next = remote.pid()!;
    expect(next).not.toBe(pid);
    expect(running(next)).toBe(true);
  });

  it("ends the child on close, killing one that does not exit in time", async () => {
    remote = await createEmbedderProcess(FIXTURE_EMBEDDER_DIR);
    await remote.embed(TEXTS);
    const pid = remote.pid()!;
    await remote.close();
    expect(running(pid)).toBe(false);
    await expect(remote.embed(TEXTS)).rejects.toMatchObject({code: "MODEL_NOT_LOADED"});

    remote = await createEmbedderProcess(FIXTURE_EMBEDDER_DIR, {closeTimeoutMs: 300});
    const stuck = remote.pid()!;
    process.kill(stuck, "SIGSTOP");
    const started = Date.now();
    await remote.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(running(stuck)).toBe(false);
  });

  it("ends the child when the lazy embedder closes the idle model", async () => {
    let opened: ProcessEmbedder | null = null;
    const lazy = createLazyEmbedder(
      {modelId: local.modelId, modelPath: local.modelPath, dimension: local.dimension},
      async () => (opened = await createEmbedderProcess(FIXTURE_EMBEDDER_DIR, {batchSize: 4})),
      {idleMs: 200},
    );
    try {
      expectSameVectors(await lazy.embed(TEXTS, {tokenCounts: true}), await local.embed(TEXTS));
      expect(lazy.isOpen()).toBe(true);
      expect(lazy.countTokens(TEXTS[0])).toBe(local.countTokens(TEXTS[0]));
      const pid = opened!.pid()!;
      expect(running(pid)).toBe(true);
      expect(await waitUntil(() => !lazy.isOpen() && !running(pid), 3000)).toBe(true);
      // The next use opens a new child.
      expectSameVectors(await lazy.embed(TEXTS.slice(0, 1)), await local.embed(TEXTS.slice(0, 1)));
      expect(opened!.pid()).not.toBe(pid);
    } finally {
      await lazy.close();
    }
  });

  it("ends the child when the app process dies", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deskside-embed-orphan-"));
    const script = path.join(dir, "app.mts");
    writeFileSync(
      script,
      `import {createEmbedderProcess} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "electron/core/knowledge/embedder-process.ts")).href)};
const embedder = await createEmbedderProcess(${JSON.stringify(FIXTURE_EMBEDDER_DIR)});
console.log("child " + embedder.pid());
setInterval(() => undefined, 1000);
`,
    );
    const app = spawn(process.execPath, ["--import", "tsx", script], {cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"]});
    try {
      let output = "";
      app.stdout.on("data", (data: Buffer) => (output += data.toString()));
      expect(await waitUntil(() => /child \d+/.test(output), 30_000)).toBe(true);
      const child = Number(/child (\d+)/.exec(output)![1]);
      expect(running(child)).toBe(true);
      app.kill("SIGKILL");
      expect(await waitUntil(() => !running(child), 5000)).toBe(true);
    } finally {
      app.kill("SIGKILL");
      rmSync(dir, {recursive: true, force: true});
    }
  }, 40_000);
});

