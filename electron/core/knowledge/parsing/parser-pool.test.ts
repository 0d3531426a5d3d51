import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DesksideError} from "../../../../shared/errors.js";
import {createParserPool, type ParserPool} from "./parser-pool.js";
import {parseDocument} from "./parse-document.js";
import {makePdf, makePng} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";
import {FIXTURE_EMBEDDER_DIR} from "../../../../test/helpers/fixtures.js";
import {prepareDocument} from "./prepare-document.js";
import {CHUNK_BATCH} from "./worker-protocol.js";
import {childPids} from "../../../../test/helpers/health-probe.js";
import {tokenCounterFor} from "./worker-tokenizer.js";

describe("parser pool", () => {
  let dir: string;
  let pool: ParserPool;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "deskside-pool-"));
    pool = createParserPool({size: 2});
  });

  afterAll(async () => {
    await pool.close();
    rmSync(dir, {recursive: true, force: true});
  });

  it("parses bytes and paths in worker processes, like the in-thread parser", async () => {
    const pdf = await makePdf([{heading: "VPN", paragraphs: ["Connect first."]}, {paragraphs: ["Then verify."]}]);
    const file = path.join(dir, "Руководство VPN 手册.md");
    writeFileSync(file, "## Шаги\n\n- Подключиться\n");

    const [fromBytes, fromPath] = await Promise.all([pool.parse(pdf, "vpn.pdf"), pool.parse(file)]);
    expect(fromBytes).toEqual(await parseDocument(pdf, "vpn.pdf"));
    expect(fromBytes.blocks.map((block) => block.page)).toEqual([1, 1, 2]);
    expect(fromPath.title).toBe("Руководство VPN 手册");
    expect(fromPath.blocks.at(-1)).toMatchObject({type: "list-item", text: "Подключиться", headingPath: ["Шаги"]});
    // The caller's bytes are copied, not moved to the worker.
    expect(pdf.byteLength).toBeGreaterThan(0);
    // The workers are children of the spawner process, not of this one: this process never forks
    // a worker (a fork from a large process stalls its event loop).
    if (process.platform !== "linux") return; // read from /proc
    const children = childCommandLines(process.pid);
    expect(children.filter((line) => line.includes("parse-worker"))).toEqual([]);
    expect(children.filter((line) => line.includes("parser-spawner-entry"))).toHaveLength(1);
    const spawnerPid = childPids(process.pid).find((pid) => commandLine(pid).includes("parser-spawner-entry"))!;
    expect(childCommandLines(spawnerPid).filter((line) => line.includes("parse-worker")).length).toBeGreaterThan(0);
  });

  it("keeps error codes and messages across the thread boundary", async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => pool.parse(new Uint8Array(), "empty.txt"), "FILE_EMPTY"],
      [() => pool.parse(makePng(), "photo.png"), "UNSUPPORTED_TYPE"],
      [() => pool.parse(utf8('{"broken": '), "faq.json"), "PARSE_FAILED"],
      [() => pool.parse(path.join(dir, "missing.pdf")), "FILE_UNREADABLE"],
    ];
    for (const [parse, code] of cases) {
      const error = await expectDesksideError(parse());
      expect(error).toBeInstanceOf(DesksideError);
      expect(error.code).toBe(code);
    }
    const direct = await expectDesksideError(parseDocument(makePng(), "photo.png"));
    const viaPool = await expectDesksideError(pool.parse(makePng(), "photo.png"));
    expect(viaPool.toInfo()).toEqual(direct.toInfo());
  });

  it("cancels a parse whose signal is aborted", async () => {
    const controller = new AbortController();
    const pending = pool.parse({bytes: await makePdf([{paragraphs: ["x"]}]), fileName: "x.pdf", signal: controller.signal});
    controller.abort();
    expect((await expectDesksideError(pending)).code).toBe("CANCELLED");
    expect((await pool.parse(utf8("still works"), "ok.txt")).blocks[0].text).toBe("still works");
  });
});

describe("parser pool recovery", () => {
  it("fails only the file whose worker crashed, then carries on", async () => {
    const pool = createParserPool({size: 1, workerUrl: new URL("../../../../test/helpers/crashing-parse-worker.ts", import.meta.url)});
    try {
      const results = await Promise.allSettled([
        pool.parse(utf8("before"), "before.txt"),
        pool.parse(utf8("boom"), "crash-me.txt"),
        pool.parse(utf8("after"), "after.txt"),
      ]);
      expect(results[0]).toMatchObject({status: "fulfilled", value: {blocks: [{text: "before"}]}});
      expect(results[1]).toMatchObject({status: "rejected", reason: {code: "PARSE_FAILED"}});
      expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/stopped unexpectedly/);
      expect(results[2]).toMatchObject({status: "fulfilled", value: {blocks: [{text: "after"}]}});
    } finally {
      await pool.close();
    }
  });

  it("starts a file's clock once the worker is ready, not while it is starting", async () => {
    // The worker takes 1.5 s to load; the file itself is read in well under the 1 s limit.
    const pool = createParserPool({size: 1, timeoutMs: 1000, workerUrl: new URL("../../../../test/helpers/slow-start-parse-worker.ts", import.meta.url)});
    try {
      const started = Date.now();
      expect(await pool.parse(utf8("Restart the spooler."), "note.txt")).toMatchObject({blocks: [{text: "Restart the spooler."}]});
      expect(Date.now() - started).toBeGreaterThan(1500);
    } finally {
      await pool.close();
    }
  });

  it("stops a file that exceeds the time limit and rejects work after close", async () => {
    const pool = createParserPool({size: 1, timeoutMs: 1});
    // 2 MB: a tiny file can be read and answered within the 1 ms once the worker is ready.
    const error = await expectDesksideError(pool.parse(utf8("slow ".repeat(400_000)), "slow.txt"));
    expect(error.code).toBe("FILE_TOO_COMPLEX");
    expect(error.message).toMatch(/took longer than 1 ms/);
    await pool.close();
    expect((await expectDesksideError(pool.parse(utf8("late"), "late.txt"))).code).toBe("CANCELLED");
  });
});

describe("parser pool: parse and chunk within per-file limits", () => {
  const runbook = (sections: number) =>
    utf8(Array.from({length: sections}, (_, i) => `## Step ${i}\n\nRestart the print spooler on host ${i}, clear the queue, then print a test page.\n`).join("\n"));
  const folderTokenizer = {kind: "folder", folder: FIXTURE_EMBEDDER_DIR} as const;

  it("chunks in the worker with the embedding model's own tokenizer, exactly as the calling thread would", async () => {
    const pool = createParserPool({size: 1});
    try {
      const bytes = runbook(700);
      const chunking = {chunkSize: 40, chunkOverlap: 5, tokenizer: folderTokenizer};
      const prepared = await pool.prepare({bytes, fileName: "runbook.md", chunking});
      const inThread = await prepareDocument(bytes, "runbook.md", chunking, await tokenCounterFor(folderTokenizer));
      // More chunks than one message carries: the batches arrive complete and in order.
      expect(prepared.chunks.length).toBeGreaterThan(CHUNK_BATCH * 2);
      expect(prepared).toEqual(inThread);
      expect(prepared.chunks.map((chunk) => chunk.ordinal)).toEqual(prepared.chunks.map((_, i) => i));
    } finally {
      await pool.close();
    }
  });

  it("fails a file past the output limit with FILE_TOO_LARGE, and one past the heap limit alone, then goes on", async () => {
    const pool = createParserPool({size: 1, limits: {maxChunks: 50, maxMemoryMb: 64}});
    try {
      const chunking = {chunkSize: 40, chunkOverlap: 0, tokenizer: {kind: "approximate"} as const};
      const many = await expectDesksideError(pool.prepare({bytes: runbook(400), fileName: "many.md", chunking}));
      expect(many.code).toBe("FILE_TOO_LARGE");
      expect(many.message).toMatch(/more than 50 passages/);

      // A JSON object of a million keys needs far more than 64 MB of heap to read.
      const keys = utf8(`{${Array.from({length: 1_000_000}, (_, i) => `"key${i}":"value ${i}"`).join(",")}}`);
      const heavy = await expectDesksideError(pool.prepare({bytes: keys, fileName: "keys.json", chunking}));
      expect(heavy.code).toBe("FILE_TOO_LARGE");
      expect(heavy.message).toMatch(/more than 64 MB of memory/);

      const after = await pool.prepare({bytes: runbook(2), fileName: "after.md", chunking});
      expect(after.chunks.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it("lets go of a worker that grew large, and of idle ones", async () => {
    const chunking = {chunkSize: 40, chunkOverlap: 0, tokenizer: {kind: "approximate"} as const};
    const recycling = createParserPool({size: 1, recycleBytes: 0});
    const idle = createParserPool({size: 1, idleMs: 200});
    try {
      await recycling.prepare({bytes: runbook(3), fileName: "a.md", chunking});
      expect(recycling.liveWorkers()).toBe(0);
      await idle.prepare({bytes: runbook(3), fileName: "a.md", chunking});
      expect(idle.liveWorkers()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(idle.liveWorkers()).toBe(0);
      // The next file simply starts a fresh worker.
      expect((await idle.prepare({bytes: runbook(3), fileName: "b.md", chunking})).chunks.length).toBeGreaterThan(0);
    } finally {
      await Promise.all([recycling.close(), idle.close()]);
    }
  });
});

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function childCommandLines(pid: number): string[] {
  return childPids(pid).map(commandLine);
}
