import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {defaultSettings} from "../../shared/settings.js";
import {runDoctor} from "../../electron/core/storage/data-folder-doctor.js";
import {
  CONVERSATIONS,
  MARKERS,
  MESSAGES_PER_CONVERSATION,
  UPLOADED_TITLE,
  buildDamageTemplate,
  inspectFolder,
  tableFiles,
  truncate,
  type FolderState,
} from "../helpers/damage-fixture.js";
import {FIXTURE_EMBEDDER_DIR} from "../helpers/fixtures.js";
import {startServe} from "../helpers/serve-process.js";

/**
 * Each kind of file in the data folder's store is deleted or truncated in turn, on a copy of one
 * real folder. The store must open, keep every document whose own data survived, list the others
 * as failed (never silently gone, never "already imported"), and keep history and knowledge apart.
 */

const DOCUMENTS = MARKERS.length;
let work: string;
let template: string;
let sources: string;
const figures: {damage: string; lostDocuments: number; conversations: number; messages: number}[] = [];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-damage-"));
  template = path.join(work, "template");
  sources = path.join(work, "sources");
  await buildDamageTemplate(template, sources);
});

afterAll(() => {
  if (figures.length) console.table(figures);
  fs.rmSync(work, {recursive: true, force: true});
});

let caseNumber = 0;
function copyOfTemplate(): string {
  const dir = path.join(work, `case-${++caseNumber}`);
  fs.cpSync(template, dir, {recursive: true});
  return dir;
}

async function damaged(label: string, damage: (dataDir: string) => void, options: {bothTablesGone?: boolean} = {}): Promise<{dataDir: string; state: FolderState}> {
  const dataDir = copyOfTemplate();
  damage(dataDir);
  const state = await inspectFolder(dataDir);
  figures.push({damage: label, lostDocuments: options.bothTablesGone ? DOCUMENTS : state.lost.length, conversations: state.conversations, messages: state.messages});
  // Nothing listed as ready is incomplete, and (unless nothing is left that knew of them) nothing silently disappears.
  expect(state.broken, `${label}: ready but incomplete`).toEqual([]);
  if (!options.bothTablesGone) expect(state.ready.length + state.lost.length, `${label}: every document accounted for`).toBe(DOCUMENTS);
  return {dataDir, state};
}

const intactHistory = (state: FolderState) => {
  expect(state.conversations).toBe(CONVERSATIONS);
  expect(state.messages).toBe(CONVERSATIONS * MESSAGES_PER_CONVERSATION);
};

describe("damage to the knowledge base costs only what was damaged", () => {
  it("the undamaged folder opens whole", async () => {
    const {state} = await damaged("none", () => undefined);
    expect(state.lost).toEqual([]);
    expect(state.notes).toEqual([]);
    intactHistory(state);
  });

  it("meta: deleted, or any of its files truncated — rebuilt from the tables, the chunks table kept", async () => {
    const {state} = await damaged("meta table deleted", (dir) => fs.rmSync(tableFiles(dir, "meta").folder, {recursive: true}));
    expect(state.lost).toEqual([]);
    expect(state.notes.join(" ")).toMatch(/meta record was missing or unreadable/);
    for (const [i, file] of tableFiles(template, "meta").data.entries()) {
      const {state: after} = await damaged(`meta data file ${i + 1} truncated`, (dir) => truncate(path.join(dir, path.relative(template, file))));
      expect(after.lost).toEqual([]);
    }
    const latest = tableFiles(template, "meta").manifests[0];
    const {state: rolledBack} = await damaged("meta latest manifest truncated", (dir) => truncate(path.join(dir, path.relative(template, latest))));
    expect(rolledBack.lost).toEqual([]);
  });

  it("documents: deleted, or any data file or the latest manifest truncated — rebuilt from the passages", async () => {
    const {state} = await damaged("documents table deleted", (dir) => fs.rmSync(tableFiles(dir, "documents").folder, {recursive: true}));
    expect(state.lost).toEqual([]);
    expect(state.ready).toHaveLength(DOCUMENTS);
    expect(state.notes.join(" ")).toMatch(/documents were rebuilt from their passages|documents table was missing/);
    for (const [i, file] of tableFiles(template, "documents").data.entries()) {
      const {state: after} = await damaged(`documents data file ${i + 1} truncated`, (dir) => truncate(path.join(dir, path.relative(template, file))));
      expect(after.lost).toEqual([]);
    }
    const latest = tableFiles(template, "documents").manifests[0];
    const {state: rolledBack} = await damaged("documents latest manifest truncated", (dir) => truncate(path.join(dir, path.relative(template, latest))));
    expect(rolledBack.lost).toEqual([]);
  });

  it("chunks: each data file truncated in turn, or deleted — recovered from the versions that still hold them", async () => {
    const files = tableFiles(template, "chunks").data;
    expect(files.length).toBeGreaterThan(3);
    for (const [i, file] of files.entries()) {
      const {state} = await damaged(`chunks data file ${i + 1}/${files.length} truncated`, (dir) => truncate(path.join(dir, path.relative(template, file))));
      // Lost: exactly the documents that had no passages anywhere but in the damaged file.
      expect(state.lost, `chunks data file ${i + 1}`).toEqual(onlyIn([file]));
      intactHistory(state);
    }
    const newest = files.at(-1)!;
    const {state} = await damaged("newest chunks data file deleted", (dir) => fs.rmSync(path.join(dir, path.relative(template, newest))));
    expect(state.lost).toEqual(onlyIn([newest]));
  });

  it("chunks: manifests, transactions, indexes and the version hint", async () => {
    const files = tableFiles(template, "chunks");
    const cases: [string, (dir: string) => void][] = [
      ["chunks latest manifest truncated", (dir) => truncate(path.join(dir, path.relative(template, files.manifests[0])))],
      ["chunks latest manifest deleted", (dir) => fs.rmSync(path.join(dir, path.relative(template, files.manifests[0])))],
      ["chunks transaction files deleted", (dir) => fs.rmSync(path.join(tableFiles(dir, "chunks").folder, "_transactions"), {recursive: true})],
      ["chunks index files truncated", (dir) => tableFiles(dir, "chunks").indexes.forEach(truncate)],
      ["chunks index folder deleted", (dir) => fs.rmSync(path.join(tableFiles(dir, "chunks").folder, "_indices"), {recursive: true})],
      ["chunks version hint garbage", (dir) => fs.writeFileSync(path.join(tableFiles(dir, "chunks").folder, "_versions", "latest_version_hint.json"), "{garbage")],
    ];
    for (const [label, damage] of cases) {
      const {state} = await damaged(label, damage);
      expect(state.lost, label).toEqual([]);
    }
  });

  it("chunks: every file holding one document's passages damaged loses exactly that document; doctor re-imports it", async () => {
    // Its own file and the compacted files that copied it, which also hold every other document.
    const holding = filesHolding(template, "golf");
    expect(holding.length).toBeGreaterThan(1);
    expect(onlyIn(holding)).toEqual(["Runbook golf"]);
    const {dataDir, state} = await damaged(`chunks: the ${holding.length} files holding one document`, (dir) => {
      for (const file of holding) truncate(path.join(dir, path.relative(template, file)));
    });
    expect(state.lost).toEqual(["Runbook golf"]);
    intactHistory(state);

    const report = await runDoctor({dataDir, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge, repair: true});
    expect(report.lostDocuments.map((doc) => doc.title)).toEqual(["Runbook golf"]);
    expect(report.reimported.map((doc) => doc.title)).toEqual(["Runbook golf"]);
    expect(report.healthy).toBe(true);
    const after = await inspectFolder(dataDir);
    expect(after.ready).toHaveLength(DOCUMENTS);
    expect(after.lost).toEqual([]);
  });

  it("chunks table deleted: every document listed as lost, doctor restores those whose files exist", async () => {
    const {dataDir, state} = await damaged("chunks table deleted", (dir) => fs.rmSync(tableFiles(dir, "chunks").folder, {recursive: true}));
    expect(state.lost).toHaveLength(DOCUMENTS);
    intactHistory(state);
    const report = await runDoctor({dataDir, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge, repair: true});
    expect(report.reimported).toHaveLength(DOCUMENTS - 1);
    expect(report.unrecoverable.map((doc) => doc.title)).toEqual([UPLOADED_TITLE]);
    expect(report.unrecoverable[0].reason).toMatch(/uploaded/);
    expect(report.healthy).toBe(false);
    const after = await inspectFolder(dataDir);
    expect(after.ready).toHaveLength(DOCUMENTS - 1);
    expect(after.lost).toEqual([UPLOADED_TITLE]);
  });
});

describe("damaged history leaves the knowledge base working, and the reverse", () => {
  for (const table of ["conversations", "messages"]) {
    it(`${table}: deleted, truncated data files, truncated manifest`, async () => {
      const {state} = await damaged(`${table} table deleted`, (dir) => fs.rmSync(tableFiles(dir, table).folder, {recursive: true}));
      expect(state.ready).toHaveLength(DOCUMENTS);
      for (const [i, file] of tableFiles(template, table).data.entries()) {
        const {state: after} = await damaged(`${table} data file ${i + 1} truncated`, (dir) => truncate(path.join(dir, path.relative(template, file))));
        expect(after.ready).toHaveLength(DOCUMENTS);
      }
      const latest = tableFiles(template, table).manifests[0];
      const {state: rolledBack} = await damaged(`${table} latest manifest truncated`, (dir) => truncate(path.join(dir, path.relative(template, latest))));
      expect(rolledBack.ready).toHaveLength(DOCUMENTS);
    });
  }

  it("a damaged knowledge base leaves the history whole", async () => {
    const {state} = await damaged(
      "chunks + documents tables deleted",
      (dir) => {
        fs.rmSync(tableFiles(dir, "chunks").folder, {recursive: true});
        fs.rmSync(tableFiles(dir, "documents").folder, {recursive: true});
      },
      {bothTablesGone: true},
    );
    expect(state.ready).toEqual([]);
    intactHistory(state);
  });
});

/** The chunks data files of the template that hold passages of the document with this marker. */
function filesHolding(dataDir: string, marker: string): string[] {
  const needle = Buffer.from(`The ${marker} procedure`);
  return tableFiles(dataDir, "chunks").data.filter((file) => fs.readFileSync(file).includes(needle));
}

/** Titles of the documents whose passages are in no file but the given ones: what damaging them must cost. */
function onlyIn(damagedFiles: string[]): string[] {
  return MARKERS.filter((marker) => filesHolding(template, marker).every((file) => damagedFiles.includes(file))).map((marker) =>
    marker === "india" ? UPLOADED_TITLE : `Runbook ${marker}`,
  );
}

describe("npm run serve on a damaged data folder", () => {
  async function serveOn(dataDir: string, knowledge: Record<string, unknown> = {}) {
    fs.writeFileSync(path.join(dataDir, "settings.json"), JSON.stringify({llm: {autoLoad: false}, knowledge: {defaultKnowledgeImported: true, ...knowledge}}));
    const serve = await startServe({dataDir});
    const headers = {authorization: `Bearer ${serve.token}`};
    return {serve, headers, log: () => fs.readFileSync(path.join(dataDir, "logs", "deskside.log"), "utf8")};
  }

  it("starts with lost passages and a deleted history table, reports both, and logs what it did", async () => {
    const dataDir = copyOfTemplate();
    for (const file of filesHolding(template, "golf")) truncate(path.join(dataDir, path.relative(template, file)));
    fs.rmSync(tableFiles(dataDir, "messages").folder, {recursive: true});
    const {serve, headers, log} = await serveOn(dataDir);
    try {
      const health = (await (await fetch(`${serve.url}/health`)).json()) as {documents: number; sessions: number};
      expect(health).toMatchObject({documents: DOCUMENTS - 1, sessions: CONVERSATIONS});
      const {documents} = (await (await fetch(`${serve.url}/api/documents`, {headers})).json()) as {documents: {title: string; status: string; error: {code: string} | null}[]};
      expect(documents.find((doc) => doc.title === "Runbook golf")).toMatchObject({status: "failed", error: {code: "STORE_DAMAGED"}});
      const stats = (await (await fetch(`${serve.url}/rpc/knowledge.stats`, {method: "POST", headers: {...headers, "content-type": "application/json"}, body: "{}"})).json()) as {result: {notice: string}};
      expect(stats.result.notice).toMatch(/1 document lost its passages .*npm run doctor/);
      await serve.stop();
      expect(log()).toMatch(/knowledge base: .*rows read directly/);
      expect(log()).toMatch(/knowledge base: 1 documents lost their passages/);
    } finally {
      await serve.stop("SIGKILL");
    }
  });

  it("starts when the knowledge base cannot be opened at all: history works, the cause is in the log", async () => {
    const dataDir = copyOfTemplate();
    // The knowledge base's location is a plain file (a shared folder replaced, a mount gone): nothing
    // can open or create a table there. (A damaged table inside a working folder is rebuilt instead.)
    const blocked = path.join(dataDir, "not-a-folder");
    fs.writeFileSync(blocked, "not a knowledge base");
    const {serve, headers, log} = await serveOn(dataDir, {storeUri: blocked});
    try {
      const health = (await (await fetch(`${serve.url}/health`)).json()) as {documents: number; sessions: number};
      expect(health).toMatchObject({documents: 0, sessions: CONVERSATIONS});
      const search = await fetch(`${serve.url}/api/search`, {method: "POST", headers: {...headers, "content-type": "application/json"}, body: JSON.stringify({query: "gateway"})});
      expect(search.status).toBe(500);
      expect(((await search.json()) as {error: {code: string; message: string}}).error).toMatchObject({code: "STORE_DAMAGED", message: expect.stringMatching(/knowledge base could not be opened/)});
      await serve.stop();
      expect(log()).toMatch(/opening the knowledge base: .*STORE_ERROR|opening the knowledge base: DesksideError/);
    } finally {
      await serve.stop("SIGKILL");
    }
  });
});
