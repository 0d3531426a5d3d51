import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DesksideError} from "../../../../shared/errors.js";
import {createParserPool, parseDocument, type ParserPool} from "./parser-pool.js";
import {makePdf, makePng} from "../../../../test/helpers/document-fixtures.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

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

  it("parses bytes and paths in worker threads, like the in-thread parser", async () => {
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

  it("stops a file that exceeds the time limit and rejects work after close", async () => {
    const pool = createParserPool({size: 1, timeoutMs: 1});
    const error = await expectDesksideError(pool.parse(utf8("slow"), "slow.txt"));
    expect(error.code).toBe("PARSE_FAILED");
    expect(error.message).toMatch(/took longer than 1 ms/);
    await pool.close();
    expect((await expectDesksideError(pool.parse(utf8("late"), "late.txt"))).code).toBe("CANCELLED");
  });
});
