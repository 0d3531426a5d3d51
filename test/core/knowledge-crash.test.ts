import {spawn} from "node:child_process";
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {createInterface} from "node:readline";
import {pathToFileURL} from "node:url";
import * as lancedb from "@lancedb/lancedb";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {defaultSettings} from "../../shared/settings.js";
import {createKnowledgeService} from "../../electron/core/knowledge/knowledge-service.js";
import {KnowledgeStore} from "../../electron/core/knowledge/store.js";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../helpers/fixtures.js";

/**
 * A real process is killed with SIGKILL in the middle of an import; the store it leaves behind must
 * show only complete documents, and importing again must succeed.
 */

const CHILD_SCRIPT = `
import {createKnowledgeService} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "electron/core/knowledge/knowledge-service.ts")).href)};
import {defaultSettings} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "shared/settings.ts")).href)};
const [dataDir, corpus, modelDir] = process.argv.slice(2);
const service = await createKnowledgeService({dataDir, embeddingModelDirs: [], embeddingModel: modelDir, settings: defaultSettings().knowledge, importConcurrency: 1});
service.onProgress((event) => {
  if (event.type === "file") process.stdout.write(JSON.stringify({name: event.file.path.split("/").pop(), state: event.file.state}) + "\\n");
});
const job = await service.importPaths([corpus]);
await service.waitForJob(job.id);
process.stdout.write(JSON.stringify({finished: true}) + "\\n");
await service.close();
`;

let work: string;
let corpus: string;
let script: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "deskside-crash-"));
  corpus = path.join(work, "corpus");
  mkdirSync(corpus);
  writeFileSync(path.join(corpus, "01 small.md"), "# Printer offline\n\nRestart the print spooler service and clear the queue.\n");
  // A large file widens the window in which the process dies while a document is being written.
  const paragraph = (i: number) => `## Section ${i}\n\nWhen the VPN client reports error ${800 + (i % 50)}, check UDP 500 and 4500 on the router, then retry from a hotspot. Case ${i}.\n\n`;
  writeFileSync(path.join(corpus, "02 large.md"), "# Large runbook\n\n" + Array.from({length: 6000}, (_, i) => paragraph(i)).join(""));
  for (let i = 3; i <= 6; i++) writeFileSync(path.join(corpus, `0${i} note.md`), `# Note ${i}\n\nWi-Fi drops every ${i} minutes; update the wireless driver and disable power saving.\n`);
  script = path.join(work, "import-child.mts");
  writeFileSync(script, CHILD_SCRIPT);
});

afterAll(() => {
  rmSync(work, {recursive: true, force: true});
});

/** Runs the import in a child process and SIGKILLs it when `killWhen` matches a progress line. */
function runAndKill(dataDir: string, killWhen: (line: {name?: string; state?: string; finished?: boolean}) => boolean): Promise<{killed: boolean; seen: string[]}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, dataDir, corpus, FIXTURE_EMBEDDER_DIR], {cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"]});
    const seen: string[] = [];
    let killed = false;
    let stderr = "";
    child.stderr.on("data", (data) => (stderr += data));
    createInterface({input: child.stdout}).on("line", (text) => {
      seen.push(text);
      if (!killed && killWhen(JSON.parse(text))) {
        killed = child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (killed || code === 0) resolve({killed: killed && signal === "SIGKILL", seen});
      else reject(new Error(`child exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** Every visible document has exactly its chunks; nothing else is in the chunks table. */
async function expectConsistent(dataDir: string): Promise<number> {
  const store = await KnowledgeStore.open({uri: path.join(dataDir, "lancedb")});
  try {
    const docs = store.listDocuments().filter((doc) => doc.status === "ready");
    const db = await lancedb.connect(path.join(dataDir, "lancedb"));
    const meta = await (await db.openTable("meta")).query().toArray();
    const chunks = await db.openTable(String(meta.find((row) => row.key === "chunks_table")!.value));
    const perDoc = new Map<string, number>();
    for (const row of await chunks.query().select(["document_id"]).toArray()) perDoc.set(String(row.document_id), (perDoc.get(String(row.document_id)) ?? 0) + 1);
    db.close();
    for (const doc of docs) expect(perDoc.get(doc.id), `${doc.title} is complete`).toBe(doc.chunkCount);
    expect([...perDoc.keys()].every((id) => docs.some((doc) => doc.id === id))).toBe(true);
    const hits = await store.textSearch("VPN error router hotspot", {limit: 50});
    expect(hits.every((hit) => store.isVisible(hit.documentId))).toBe(true);
    return docs.length;
  } finally {
    await store.close();
  }
}

describe("crash safety", () => {
  it("leaves no partial document after SIGKILL mid-import, and a new import completes", async () => {
    const dataDir = path.join(work, "data");
    // Killed while the large document is being written (its chunks are going in).
    const first = await runAndKill(dataDir, (line) => line.name === "02 large.md" && line.state === "writing");
    expect(first.killed).toBe(true);
    expect(await expectConsistent(dataDir)).toBeLessThanOrEqual(2);

    // Killed right after a document became visible while others are still pending.
    const second = await runAndKill(dataDir, (line) => line.state === "done");
    expect(second.killed).toBe(true);
    const visible = await expectConsistent(dataDir);
    expect(visible).toBeGreaterThanOrEqual(1);
    expect(visible).toBeLessThan(6);

    const service = await createKnowledgeService({dataDir, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge});
    try {
      const job = await service.waitForJob((await service.importPaths([corpus])).id);
      expect(job.counts.failed).toBe(0);
      expect(job.counts.done + job.counts.skipped).toBe(6);
      expect(service.listDocuments().filter((doc) => doc.status === "ready")).toHaveLength(6);
      const hits = (await service.search({query: "VPN error 812 router", topK: 3})).hits;
      expect(hits[0].title).toBe("Large runbook");
    } finally {
      await service.close();
    }
    expect(await expectConsistent(dataDir)).toBe(6);
  });
});
