import {cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from "node:fs";
import os from "node:os";
import {gzipSync} from "node:zlib";
import path from "node:path";
import {afterEach, describe, expect, it, vi} from "vitest";
import type {FileProgress, ReindexProgress} from "../../shared/knowledge.js";
import {defaultSettings, type Settings} from "../../shared/settings.js";
import {createKnowledgeService, LATENT_INDEX_FILE, type KnowledgeEvent, type KnowledgeService, type KnowledgeServiceOptions} from "../../electron/core/knowledge/knowledge-service.js";
import {KnowledgeStore} from "../../electron/core/knowledge/store.js";
import {makeDocx, makePdf, makePng} from "../helpers/document-fixtures.js";
import {FIXTURE_EMBEDDER_DIR, FIXTURE_GGUF} from "../helpers/fixtures.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `deskside-${prefix}-`));
  cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

function knowledgeSettings(patch: Partial<Settings["knowledge"]> = {}): Settings["knowledge"] {
  return {...defaultSettings().knowledge, ...patch};
}

async function openService(options: Partial<KnowledgeServiceOptions> & {dataDir?: string} = {}): Promise<KnowledgeService> {
  const service = await createKnowledgeService({
    dataDir: options.dataDir ?? tempDir("data"),
    embeddingModelDirs: [],
    embeddingModel: FIXTURE_EMBEDDER_DIR,
    settings: knowledgeSettings(),
    ...options,
  });
  cleanups.push(() => service.close());
  return service;
}

async function importAndWait(service: KnowledgeService, paths: string[], options?: {collection?: string | null; origin?: string}) {
  const job = await service.importPaths(paths, options);
  return service.waitForJob(job.id);
}

const PASSWORD_MD = `# Password reset

## Symptoms

The user forgot the password and cannot sign in to Windows.

## Steps

1. Open Active Directory Users and Computers.
2. Reset the password and tick "User must change password at next logon".
`;

const PRINTERS_CSV = `printer,location,status
HP LaserJet 4050,Floor 2,offline after toner change
Brother HL-L2350,Reception,paper jam in tray 2
`;

const ASSETS_JSON = JSON.stringify([
  {asset: "LT-0042", owner: "Dana", issue: "Laptop overheating and fan noise"},
  {asset: "LT-0077", owner: "Sam", issue: "Docking station monitor has no signal"},
]);

const VPN_TXT = "VPN error 809 means the remote server is not responding. Try a phone hotspot to rule out a blocking hotel network.\n";

/** A folder of mixed documents, with a hidden .git folder and names with spaces and non-Latin letters. */
function writeCorpus(root: string): void {
  mkdirSync(path.join(root, "accounts"), {recursive: true});
  mkdirSync(path.join(root, "network", "vpn notes"), {recursive: true});
  mkdirSync(path.join(root, ".git"), {recursive: true});
  writeFileSync(path.join(root, "accounts", "password reset.md"), PASSWORD_MD);
  writeFileSync(path.join(root, "printers.csv"), PRINTERS_CSV);
  writeFileSync(path.join(root, "assets.json"), ASSETS_JSON);
  writeFileSync(path.join(root, "network", "vpn notes", "Ошибка VPN 809 – 接続.txt"), VPN_TXT);
  writeFileSync(path.join(root, ".git", "config"), "[core]\nbare = false\n");
  writeFileSync(path.join(root, ".hidden-notes.md"), "# secret\n");
}

describe("knowledge service: importing", () => {
  it("imports a folder of mixed files recursively, skipping hidden entries, and finds them", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const service = await openService();
    const job = await importAndWait(service, [root]);
    expect(job.state).toBe("done");
    expect(job.counts).toEqual({queued: 0, done: 4, skipped: 0, failed: 0, cancelled: 0});
    expect(job.files.map((file) => path.relative(root, file.path)).sort()).toEqual(
      ["accounts/password reset.md", "assets.json", "network/vpn notes/Ошибка VPN 809 – 接続.txt", "printers.csv"].sort(),
    );

    const docs = service.listDocuments();
    expect(docs.map((doc) => doc.kind).sort()).toEqual(["csv", "json", "markdown", "text"]);
    expect(docs.every((doc) => doc.status === "ready" && doc.embeddingModel === "static-glove-wordpiece" && doc.chunkCount > 0)).toBe(true);

    const password = await service.search({query: "reset the password at next logon", topK: 3});
    expect(password.effectiveMode).toBe("hybrid");
    expect(password.hits[0]).toMatchObject({title: "Password reset", sourcePath: path.join(root, "accounts", "password reset.md")});
    expect(password.hits[0].headingPath[0]).toBe("Password reset");
    expect(password.hits[0].score).toBeGreaterThan(0);
    expect(password.hits[0].score).toBeLessThanOrEqual(1);
    expect(password.hits[0].scores.fused).toBeGreaterThan(0);

    const printer = await service.search({query: "paper jam tray", topK: 3, mode: "text"});
    expect(printer.hits[0].sourcePath).toBe(path.join(root, "printers.csv"));
    expect(printer.hits[0].row).not.toBeNull();
    expect(printer.hits[0].scores.text).toBeGreaterThan(0);

    const vpn = await service.search({query: "VPN 809 hotel network", topK: 3, mode: "vector"});
    expect(vpn.hits[0].sourcePath).toContain("Ошибка VPN 809 – 接続.txt");
    expect(vpn.hits[0].scores.vector).toBeCloseTo(vpn.hits[0].score, 6);

    const stats = await service.stats();
    expect(stats).toMatchObject({documents: 4, embeddingModel: "static-glove-wordpiece", embeddingDimension: 100, notice: null});
    expect(stats.chunks).toBe(docs.reduce((sum, doc) => sum + doc.chunkCount, 0));
    expect(await service.getChunk(password.hits[0].chunkId)).toMatchObject({documentId: password.hits[0].documentId});
  });

  it("reports each file's progress in order: queued, parsing, embedding n of m, writing, done", async () => {
    const root = tempDir("corpus");
    writeFileSync(path.join(root, "guide.md"), PASSWORD_MD.repeat(20));
    const service = await openService({settings: knowledgeSettings({chunkSize: 40, chunkOverlap: 5})});
    const events: KnowledgeEvent[] = [];
    service.onProgress((event) => events.push(event));
    const job = await importAndWait(service, [root]);
    const states = events.filter((e): e is Extract<KnowledgeEvent, {type: "file"}> => e.type === "file" && e.jobId === job.id).map((e) => e.file);
    const order = states.map((file) => file.state).filter((state, i, all) => state !== all[i - 1]);
    expect(order).toEqual(["queued", "parsing", "embedding", "writing", "done"]);
    const embedding = states.filter((file) => file.state === "embedding");
    expect(embedding[0]).toMatchObject({done: 0});
    expect(embedding.at(-1)!.done).toBe(embedding.at(-1)!.total);
    expect(embedding.at(-1)!.total).toBeGreaterThan(32);
    expect(states.at(-1)).toMatchObject({state: "done", chunks: embedding.at(-1)!.total});
    expect(events.at(-1)).toMatchObject({type: "job", jobId: job.id, state: "done"});
  });

  it("folds a long job's passages into the indexes as it goes, not only at the end", async () => {
    const root = tempDir("corpus");
    for (let i = 0; i < 8; i++) writeFileSync(path.join(root, `guide-${i}.md`), PASSWORD_MD.replace("Password reset", `Password reset ${i}`).repeat(6));
    const settings = knowledgeSettings({chunkSize: 40, chunkOverlap: 5});
    const original = KnowledgeStore.prototype.optimize;
    const optimize = vi.spyOn(KnowledgeStore.prototype, "optimize");
    cleanups.push(() => optimize.mockRestore());
    const foldsDuring = async (foldEveryPassages: number) => {
      optimize.mockClear();
      const service = await openService({settings, foldEveryPassages});
      let doneFiles = 0;
      service.onProgress((event) => {
        if (event.type === "file" && event.file.state === "done") doneFiles++;
      });
      const seen: number[] = [];
      optimize.mockImplementation(async function (this: KnowledgeStore) {
        seen.push(doneFiles);
        return original.call(this);
      });
      const job = await importAndWait(service, [root]);
      expect(job.counts.done).toBe(8);
      expect((await service.search({query: "Password reset 7", mode: "text"})).hits.length).toBeGreaterThan(0);
      return seen;
    };
    // Without folding: once, after the last file.
    expect(await foldsDuring(0)).toEqual([8]);
    // Every 30 passages (each file has more than 15): folds while files remain, then once at the end.
    const folds = await foldsDuring(30);
    expect(folds.filter((done) => done < 8).length).toBeGreaterThanOrEqual(2);
    expect(folds.at(-1)).toBe(8);
  });

  it("skips content it already has and replaces a changed file at the same path", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const service = await openService();
    await importAndWait(service, [root]);
    const before = service.listDocuments();

    const again = await importAndWait(service, [root]);
    expect(again.counts).toMatchObject({done: 0, skipped: 4});
    expect(again.files.every((file) => file.reason === "already imported" && file.documentId)).toBe(true);
    expect(service.listDocuments()).toHaveLength(4);

    const file = path.join(root, "accounts", "password reset.md");
    const oldId = before.find((doc) => doc.sourcePath === file)!.id;
    writeFileSync(file, "# Password reset\n\nUse the self-service portal at https://passwordreset.example.com to pick a new passphrase.\n");
    const changed = await importAndWait(service, [file]);
    expect(changed.counts.done).toBe(1);
    const docs = service.listDocuments().filter((doc) => doc.sourcePath === file);
    expect(docs).toHaveLength(1);
    expect(docs[0].id).not.toBe(oldId);
    const hits = (await service.search({query: "Active Directory Users and Computers logon", mode: "text"})).hits;
    expect(hits.some((hit) => hit.documentId === oldId)).toBe(false);
    expect((await service.search({query: "self-service portal passphrase", mode: "text"})).hits[0].documentId).toBe(docs[0].id);
    const stats = await service.stats();
    expect(stats.chunks).toBe(service.listDocuments().reduce((sum, doc) => sum + doc.chunkCount, 0));
  });

  it("deletes a document with its chunks", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const service = await openService();
    await importAndWait(service, [root]);
    const csv = service.listDocuments().find((doc) => doc.kind === "csv")!;
    const chunksBefore = (await service.stats()).chunks;
    await service.deleteDocument(csv.id);
    expect(service.getDocument(csv.id)).toBeNull();
    expect((await service.stats()).chunks).toBe(chunksBefore - csv.chunkCount);
    expect((await service.search({query: "paper jam tray", mode: "text"})).hits.some((hit) => hit.documentId === csv.id)).toBe(false);
    await expect(service.deleteDocument(csv.id)).rejects.toMatchObject({code: "NOT_FOUND"});
  });

  it("filters search by collection and moves documents between collections", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const service = await openService();
    await importAndWait(service, [path.join(root, "accounts")], {collection: "accounts"});
    await importAndWait(service, [path.join(root, "network")], {collection: "network"});
    await importAndWait(service, [path.join(root, "printers.csv")]);
    expect((await service.stats()).collections).toEqual(["accounts", "network"]);

    const query = {query: "password network error", topK: 10};
    const network = await service.search({...query, collection: "network"});
    expect(network.hits.length).toBeGreaterThan(0);
    expect(network.hits.every((hit) => hit.collection === "network")).toBe(true);
    const all = await service.search(query);
    expect(new Set(all.hits.map((hit) => hit.collection))).toEqual(new Set(["accounts", "network", null]));

    const password = service.listDocuments().find((doc) => doc.collection === "accounts")!;
    await service.setCollection(password.id, "network");
    const moved = await service.search({...query, collection: "network"});
    expect(moved.hits.some((hit) => hit.documentId === password.id)).toBe(true);
    expect((await service.search({...query, collection: "accounts"})).hits).toEqual([]);
  });

  it("imports PDFs with page numbers and Word documents with headings", async () => {
    const root = tempDir("corpus");
    writeFileSync(
      path.join(root, "toner guide.pdf"),
      await makePdf([
        {heading: "Toner", paragraphs: ["Replace the toner cartridge when the status light blinks amber."]},
        {heading: "Paper jams", paragraphs: ["Open tray 2, remove the jammed sheet and close the rear door until it clicks."]},
      ]),
    );
    writeFileSync(path.join(root, "printer support.docx"), await makeDocx());
    writeFileSync(path.join(root, "logo.png"), makePng());
    const service = await openService();
    const job = await importAndWait(service, [root]);
    expect(job.counts).toMatchObject({done: 2, failed: 1});
    // An image is read by OCR; one pixel holds no text.
    expect(job.files.find((file) => file.path.endsWith("logo.png"))).toMatchObject({state: "failed", error: {code: "FILE_EMPTY"}});
    const jam = (await service.search({query: "jammed sheet rear door", topK: 1})).hits[0];
    expect(jam).toMatchObject({sourcePath: path.join(root, "toner guide.pdf"), page: 2});
    const spooler = (await service.search({query: "queue stalls restart spooler", topK: 1, mode: "text"})).hits[0];
    expect(spooler.sourcePath).toBe(path.join(root, "printer support.docx"));
    expect(spooler.headingPath).toContain("Troubleshooting");
  });

  it("imports uploaded bytes and saves a conversation as Markdown, once", async () => {
    const service = await openService();
    const job = await service.importBuffers([{name: "../../etc/printers.csv", bytes: new TextEncoder().encode(PRINTERS_CSV)}], {collection: "uploads"});
    const done = await service.waitForJob(job.id);
    expect(done.files[0]).toMatchObject({path: "printers.csv", state: "done"});
    expect(service.getDocument(done.files[0].documentId!)).toMatchObject({sourcePath: "printers.csv", collection: "uploads", origin: "import"});

    const markdown = "## Problem\n\nOutlook stuck in the outbox.\n\n## Answer\n\nSwitch to offline mode, delete the stuck message, go online again.\n";
    const saved = await service.addMarkdownDocument({title: "Outlook outbox fix", markdown, collection: null, origin: "conversation"});
    expect(saved).toMatchObject({title: "Outlook outbox fix", origin: "conversation", status: "ready", kind: "markdown"});
    const again = await service.addMarkdownDocument({title: "Outlook outbox fix", markdown, collection: null, origin: "conversation"});
    expect(again.id).toBe(saved.id);
    expect((await service.search({query: "outlook outbox stuck message", topK: 1})).hits[0].documentId).toBe(saved.id);
  });

  it("imports a built documentation site's pages, not its scripts, styles, source copies or search index", async () => {
    // A Sphinx site as it is shipped: each page, a copy of its source in _sources, the theme in
    // _static, a search index of every word, plus a README without an extension and a log.
    const root = tempDir("site");
    mkdirSync(path.join(root, "library"), {recursive: true});
    mkdirSync(path.join(root, "_sources", "library"), {recursive: true});
    mkdirSync(path.join(root, "_static"), {recursive: true});
    writeFileSync(path.join(root, "library", "vpn.html"), `<html><head><title>VPN</title></head><body><h1>VPN</h1><p>${VPN_TXT}</p></body></html>`);
    writeFileSync(path.join(root, "_sources", "library", "vpn.rst.txt"), `VPN\n===\n\n${VPN_TXT}`);
    writeFileSync(path.join(root, "_static", "doctools.js"), "/* doctools */ const Documentation = {};\n");
    writeFileSync(path.join(root, "_static", "logo.png"), makePng());
    writeFileSync(path.join(root, "searchindex.js"), 'Search.setIndex({"terms": {"vpn": 0, "hotel": 0}})');
    writeFileSync(path.join(root, "theme.css"), "body { color: black; }\n");
    writeFileSync(path.join(root, "fonts.woff2"), "wOF2");
    writeFileSync(path.join(root, "README"), "Offline copy of the team's VPN pages.\n");
    writeFileSync(path.join(root, "vpn-client.log"), "2026-12-01 09:14 error 809: no response from vpn.example.com\n");
    const service = await openService();
    const job = await importAndWait(service, [root]);
    expect(job.files.map((file) => path.relative(root, file.path)).sort()).toEqual(["README", "library/vpn.html", "vpn-client.log"]);
    expect(job.counts).toMatchObject({done: 3, failed: 0});
    expect(job.warnings).toEqual([{path: root, code: "NOT_DOCUMENTS", message: expect.stringMatching(/^2 files that are not documents .* were left out: \.css 1, \.woff2 1; so were the folders _sources, _static \(/)}]);
    // One answer for the VPN page, not a second from its source copy.
    const hits = (await service.search({query: "VPN 809 hotel network", topK: 5})).hits;
    expect(hits.filter((hit) => hit.text.includes("hotel network")).map((hit) => path.relative(root, hit.sourcePath))).toEqual(["library/vpn.html"]);
    // A script given by itself is still imported: the person chose it.
    const chosen = await importAndWait(service, [path.join(root, "_static", "doctools.js")]);
    expect(chosen.counts.done).toBe(1);
  });

  it("imports manual pages as Linux installs them: gzipped roff, a pointer page failing alone with the page it names", async () => {
    const root = tempDir("man");
    mkdirSync(path.join(root, "man5"));
    mkdirSync(path.join(root, "man8"));
    const page = [
      '.TH "SPOOLD\\&.CONF" "5"',
      ".SH NAME",
      "spoold.conf \\- print spooler settings",
      ".SH OPTIONS",
      ".TP",
      "\\fBQueueLimit=\\fR\\fIN\\fR",
      "Refuse new print jobs once \\fIN\\fR jobs are already waiting in the queue\\&.",
      ".TP",
      "\\fBDuplex=\\fR",
      "Print on both sides of the paper by default\\&.",
      "",
    ].join("\n");
    writeFileSync(path.join(root, "man5", "spoold.conf.5.gz"), gzipSync(page));
    writeFileSync(path.join(root, "man8", "spoold-alias.8.gz"), gzipSync(".so man5/spoold.conf.5\n"));
    const service = await openService();
    const job = await importAndWait(service, [root]);
    expect(job.counts).toMatchObject({done: 1, failed: 1});
    const pointer = job.files.find((file) => file.path.endsWith("spoold-alias.8.gz"));
    expect(pointer?.error).toMatchObject({code: "FILE_EMPTY", message: expect.stringContaining("(man5/spoold.conf.5)")});
    expect(service.listDocuments().filter((doc) => doc.status === "ready")).toEqual([expect.objectContaining({title: "spoold.conf(5)", mime: "text/troff"})]);
    const hits = (await service.search({query: "printer refuses jobs when too many are waiting", topK: 3})).hits;
    expect(hits[0]).toMatchObject({title: "spoold.conf(5)", headingPath: ["OPTIONS"]});
    expect(hits[0].text).toContain("QueueLimit=N\nRefuse new print jobs once N jobs are already waiting in the queue.");
    expect(hits[0].text).not.toMatch(/\\f|\.TP/);
  });

  it("imports GNU Info manuals as Linux installs them: a split manual's parts, its main file failing alone with their names", async () => {
    const root = tempDir("info");
    const node = (name: string, title: string, rule: string, body: string[]) => ["\u001f", `File: spool.info,  Node: ${name},  Up: Top`, "", title, rule.repeat([...title].length), "", ...body, ""];
    const preamble = ["This is spool.info, produced by makeinfo version 7.0 from spool.texi.", ""];
    const partOne = [
      ...preamble,
      ...node("Top", "GNU spool", "*", ["This manual documents the print spooler.", "", "* Menu:", "", "* Limits::     Queue limits."]),
      ...node("Limits", "3 Queue limits", "*", ["‘--queue-limit=N’", "     Refuse new print jobs once N jobs are already waiting in the", "     queue."]),
    ].join("\n");
    const partTwo = [...preamble, ...node("Duplex", "4 Duplex printing", "*", ["Print on both sides of the paper with ‘--duplex’."])].join("\n");
    writeFileSync(path.join(root, "spool.info.gz"), gzipSync(`${preamble.join("\n")}\u001f\nIndirect:\nspool.info-1: 100\nspool.info-2: 900\n\u001f\nTag Table:\n(Indirect)\n`));
    writeFileSync(path.join(root, "spool.info-1.gz"), gzipSync(partOne));
    writeFileSync(path.join(root, "spool.info-2.gz"), gzipSync(partTwo));
    const service = await openService();
    const job = await importAndWait(service, [root]);
    expect(job.counts).toMatchObject({done: 2, failed: 1});
    expect(job.files.find((file) => file.path.endsWith("spool.info.gz"))?.error).toMatchObject({code: "FILE_EMPTY", message: expect.stringContaining("spool.info-1, spool.info-2")});
    const ready = service.listDocuments().filter((doc) => doc.status === "ready").map((doc) => [doc.title, doc.mime]);
    expect(ready.sort()).toEqual([["GNU spool, part 1", "text/x-info"], ["spool.info, part 2", "text/x-info"]]);
    const hits = (await service.search({query: "printer refuses jobs when too many are waiting", topK: 3})).hits;
    expect(hits[0]).toMatchObject({title: "GNU spool, part 1", headingPath: ["3 Queue limits"]});
    expect(hits[0].text).toContain("‘--queue-limit=N’\nRefuse new print jobs once N jobs are already waiting in the queue.");
    // eslint-disable-next-line no-control-regex -- the Info layout characters must not reach the text
    expect(hits.map((hit) => hit.text).join("\n")).not.toMatch(/Menu:|File: spool|\u001f/);
  });

  it("imports a Sphinx manual's reStructuredText sources: sections as headings, an options list as items, an include-only page failing alone", async () => {
    const root = tempDir("rst");
    const page = [
      ".. _spool-limits:",
      "",
      "Queue limits",
      "============",
      "",
      ".. note:: Limits apply per printer.",
      "",
      "--queue-limit N  Refuse new print jobs once N jobs are already",
      "                 waiting in the queue.",
      "",
      "See :ref:`spool-limits` and ``spool --help``.",
    ].join("\n");
    writeFileSync(path.join(root, "limits.rst.txt"), page);
    writeFileSync(path.join(root, "usage.rst"), ".. include:: usage.rst.inc\n");
    const service = await openService();
    const job = await importAndWait(service, [root]);
    expect(job.counts).toMatchObject({done: 1, failed: 1});
    expect(job.files.find((file) => file.path.endsWith("usage.rst"))?.error).toMatchObject({code: "FILE_EMPTY", message: expect.stringContaining("usage.rst.inc")});
    expect(service.listDocuments().filter((doc) => doc.status === "ready").map((doc) => [doc.title, doc.mime])).toEqual([["Queue limits", "text/x-rst"]]);
    const hits = (await service.search({query: "printer refuses jobs when too many are waiting", topK: 3})).hits;
    expect(hits[0]).toMatchObject({title: "Queue limits", headingPath: ["Queue limits"]});
    expect(hits[0].text).toContain("--queue-limit N\nRefuse new print jobs once N jobs are already waiting in the queue.");
    expect(hits.map((hit) => hit.text).join("\n")).not.toMatch(/\.\. |:ref:|``/);
  });

  it("answers an English question from the English page of a manual shipped in several languages, and a German one from the German page", async () => {
    // The translations quote the error message word for word (two of them twice) where the English
    // page describes it: on words alone they win.
    const root = tempDir("translated");
    const pages: Record<string, string> = {
      "en/bind.html": "Binding to addresses. When the server will not start and its log says it could not bind to the address because the address is already in use, another program is already listening on that port. Find it with ss -ltnp and stop it, or change the Listen directive to a free port, then run apachectl configtest and start the server again.",
      "fr/bind.html": "Association aux adresses. Lorsque le serveur ne démarre pas et que le journal indique (98) Address already in use: make_sock: could not bind to address 0.0.0.0:80, un autre programme écoute déjà sur ce port. Trouvez-le avec ss -ltnp et arrêtez-le, ou modifiez la directive Listen pour un port libre, puis lancez apachectl configtest et démarrez le serveur. Exemple de journal : (98) Address already in use: make_sock: could not bind to address 0.0.0.0:80, port 80 already in use.",
      "tr/bind.html": "Adreslere bağlanma. Sunucu başlamıyorsa ve günlükte (98) Address already in use: make_sock: could not bind to address 0.0.0.0:80 yazıyorsa, bu portu başka bir program dinliyor demektir. Onu ss -ltnp ile bulun ve durdurun ya da Listen yönergesini boş bir port ile değiştirin, sonra apachectl configtest çalıştırın ve sunucuyu yeniden başlatın; bu işlem için yönetici yetkisi gerekir. Örnek günlük: (98) Address already in use: make_sock: could not bind to address 0.0.0.0:80, port 80 already in use.",
      "de/bind.html": "An Adressen binden. Wenn der Server nicht startet und das Protokoll (98) Address already in use: make_sock: could not bind to address 0.0.0.0:80 meldet, lauscht bereits ein anderes Programm auf diesem Port. Finden Sie es mit ss -ltnp und beenden Sie es, oder ändern Sie die Listen-Direktive auf einen freien Port, dann führen Sie apachectl configtest aus und starten den Server neu.",
    };
    for (const [name, text] of Object.entries(pages)) {
      mkdirSync(path.join(root, path.dirname(name)), {recursive: true});
      writeFileSync(path.join(root, name), `<html><head><title>Binding</title></head><body><h1>Binding</h1><p>${text}</p></body></html>`);
    }
    const service = await openService();
    await importAndWait(service, [root]);
    const folderOf = (hit: {sourcePath: string}) => path.relative(root, hit.sourcePath).split(path.sep)[0];
    const english = (await service.search({query: "Address already in use: make_sock: could not bind to address 0.0.0.0:80, why?", topK: 4})).hits;
    expect(english.map(folderOf)[0]).toBe("en");
    const german = (await service.search({query: "Der Server startet nicht, im Protokoll steht Address already in use", topK: 4})).hits;
    expect(german.map(folderOf)[0]).toBe("de");
    // With the prior off, a translation comes first: the English page's place above is the prior's doing.
    const plain = (await service.search({query: "Address already in use: make_sock: could not bind to address 0.0.0.0:80, why?", topK: 4}, {tuning: {languagePrior: 1}})).hits;
    expect(plain.map(folderOf)[0]).not.toBe("en");
  });

  it("imports the default knowledge idempotently", async () => {
    const root = tempDir("defaults");
    writeFileSync(path.join(root, "password-reset.md"), PASSWORD_MD);
    writeFileSync(path.join(root, "vpn.md"), `# VPN\n\n${VPN_TXT}`);
    const service = await openService();
    const first = await service.waitForJob((await service.importDefaultKnowledge(root)).id);
    expect(first.counts.done).toBe(2);
    const second = await service.waitForJob((await service.importDefaultKnowledge(root)).id);
    expect(second.counts).toMatchObject({done: 0, skipped: 2});
    expect(service.listDocuments().every((doc) => doc.origin === "default-knowledge")).toBe(true);
  });

  it("goes without a latent index while the knowledge base is too small for one", async () => {
    const dataDir = tempDir("latent");
    const root = tempDir("latent-docs");
    writeFileSync(path.join(root, "vpn.md"), `# VPN\n\n${VPN_TXT}`);
    const service = await openService({dataDir});
    await service.waitForJob((await service.importPaths([root])).id);
    expect(await service.buildLatentIndex()).toBeNull();
    expect(existsSync(path.join(dataDir, LATENT_INDEX_FILE))).toBe(false);
    expect((await service.search({query: "vpn error 809"})).hits.length).toBeGreaterThan(0);
  });
});

describe("knowledge service: limits and failures", () => {
  it("refuses a batch over maxBatchFiles before importing anything", async () => {
    const root = tempDir("corpus");
    for (let i = 0; i < 5; i++) writeFileSync(path.join(root, `note ${i}.txt`), `note number ${i}`);
    const service = await openService({settings: knowledgeSettings({maxBatchFiles: 3})});
    await expect(service.importPaths([root])).rejects.toMatchObject({code: "BATCH_TOO_LARGE"});
    const uploads = Array.from({length: 4}, (_, i) => ({name: `u${i}.txt`, bytes: new TextEncoder().encode(`upload ${i}`)}));
    await expect(service.importBuffers(uploads)).rejects.toMatchObject({code: "BATCH_TOO_LARGE"});
    expect(service.listDocuments()).toEqual([]);
    expect(service.listJobs()).toEqual([]);
  });

  it("fails a file over maxFileSizeMb alone and keeps it listed with its error", async () => {
    const root = tempDir("corpus");
    writeFileSync(path.join(root, "big.txt"), "printer toner ".repeat(200));
    writeFileSync(path.join(root, "small.txt"), "small printer note");
    const service = await openService({settings: knowledgeSettings({maxFileSizeMb: 0.001})});
    const job = await importAndWait(service, [root]);
    expect(job.counts).toMatchObject({done: 1, failed: 1});
    expect(job.files.find((file) => file.path.endsWith("big.txt"))).toMatchObject({state: "failed", error: {code: "FILE_TOO_LARGE"}});
    const failed = service.listDocuments().find((doc) => doc.status === "failed")!;
    expect(failed).toMatchObject({sourcePath: path.join(root, "big.txt"), error: {code: "FILE_TOO_LARGE"}, chunkCount: 0});
    expect((await service.stats()).documents).toBe(1);
  });

  it("fails unsupported and empty files alone", async () => {
    const root = tempDir("corpus");
    writeFileSync(path.join(root, "tool.bin"), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(200).fill(0)]));
    writeFileSync(path.join(root, "empty.md"), "");
    writeFileSync(path.join(root, "ok.md"), PASSWORD_MD);
    const service = await openService();
    const job = await importAndWait(service, [root]);
    const byName = Object.fromEntries(job.files.map((file) => [path.basename(file.path), file]));
    expect(byName["tool.bin"]).toMatchObject({state: "failed", error: {code: "UNSUPPORTED_TYPE"}});
    expect(byName["empty.md"]).toMatchObject({state: "failed", error: {code: "FILE_EMPTY"}});
    expect(byName["ok.md"].state).toBe("done");
    expect(byName["tool.bin"].error!.message).not.toContain(root);
  });

  it("fails a file that disappears mid-import with FILE_UNREADABLE and imports the rest", async () => {
    const root = tempDir("corpus");
    writeFileSync(path.join(root, "a.md"), PASSWORD_MD);
    writeFileSync(path.join(root, "b.txt"), VPN_TXT);
    writeFileSync(path.join(root, "c.csv"), PRINTERS_CSV);
    const service = await openService({importConcurrency: 1});
    service.onProgress((event) => {
      if (event.type === "file" && event.file.state === "parsing" && event.file.path.endsWith("a.md")) unlinkSync(path.join(root, "b.txt"));
    });
    const job = await importAndWait(service, [root]);
    const byName = Object.fromEntries(job.files.map((file) => [path.basename(file.path), file]));
    expect(byName["b.txt"]).toMatchObject({state: "failed", error: {code: "FILE_UNREADABLE"}});
    expect(byName["a.md"].state).toBe("done");
    expect(byName["c.csv"].state).toBe("done");
  });

  it("reports a symlink loop as a warning and imports each file once", async () => {
    const root = tempDir("corpus");
    mkdirSync(path.join(root, "sub"));
    writeFileSync(path.join(root, "sub", "note.md"), PASSWORD_MD);
    symlinkSync(root, path.join(root, "sub", "back to root"));
    symlinkSync(path.join(root, "missing-target"), path.join(root, "dangling"));
    const service = await openService();
    const job = await importAndWait(service, [root, path.join(root, "does-not-exist.md")]);
    expect(job.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({path: path.join(root, "sub", "back to root"), code: "SYMLINK_LOOP"}),
        expect.objectContaining({path: path.join(root, "dangling"), code: "FILE_UNREADABLE"}),
      ]),
    );
    expect(job.files.filter((file) => file.state === "done").map((file) => file.path)).toEqual([path.join(root, "sub", "note.md")]);
    expect(job.files.find((file) => file.path.endsWith("does-not-exist.md"))).toMatchObject({state: "failed", error: {code: "FILE_UNREADABLE"}});
  });

  it("cancels a job: the file in flight is rolled back, the rest are cancelled", async () => {
    const root = tempDir("corpus");
    for (let i = 0; i < 6; i++) writeFileSync(path.join(root, `guide ${i}.md`), `# Guide ${i}\n\n` + `Step ${i}: restart the print spooler and clear the queue. `.repeat(400));
    const service = await openService({importConcurrency: 1, settings: knowledgeSettings({chunkSize: 64})});
    let jobId = "";
    let cancelledWhile: FileProgress | null = null;
    service.onProgress((event) => {
      if (event.type === "file" && event.file.state === "embedding" && event.file.path.endsWith("guide 1.md") && !cancelledWhile) {
        cancelledWhile = event.file;
        service.cancelJob(event.jobId);
      }
      if (event.type === "file") jobId = event.jobId;
    });
    const job = await importAndWait(service, [root]);
    expect(job.state).toBe("cancelled");
    expect(cancelledWhile).not.toBeNull();
    expect(job.files.map((file) => file.state)).toEqual(["done", "cancelled", "cancelled", "cancelled", "cancelled", "cancelled"]);
    expect(service.listDocuments()).toHaveLength(1);
    const stats = await service.stats();
    expect(stats.chunks).toBe(service.listDocuments()[0].chunkCount);
    expect(service.cancelJob(jobId)).toBe(false);
  });
});

describe("knowledge service: embedding models", () => {
  it("passes over a broken model folder to the next one when none is chosen, and never replaces a chosen one", async () => {
    const modelsDir = tempDir("models");
    const broken = path.join(modelsDir, "aaa-broken-download");
    cpSync(FIXTURE_EMBEDDER_DIR, broken, {recursive: true});
    writeFileSync(path.join(broken, "onnx", "model.onnx"), "cut off mid-download");
    cpSync(FIXTURE_EMBEDDER_DIR, path.join(modelsDir, "zzz-working"), {recursive: true});

    const automatic = await openService({dataDir: tempDir("data"), embeddingModel: null, embeddingModelDirs: [modelsDir]});
    const stats = await automatic.stats();
    expect(stats.embeddingModel).toBe("zzz-working");
    expect(stats.notice).toMatch(/"aaa-broken-download" could not be loaded; search uses "zzz-working" instead/);

    const chosen = await openService({dataDir: tempDir("data"), embeddingModel: "aaa-broken-download", embeddingModelDirs: [modelsDir]});
    const chosenStats = await chosen.stats();
    expect(chosenStats.embeddingModel).toBeNull();
    expect(chosenStats.notice).toMatch(/"aaa-broken-download" could not be loaded: documents are stored as text only/);
  });

  it("works text-only without a model, then re-index fills vectors once a model appears", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const modelsDir = tempDir("models");
    const dataDir = tempDir("data");
    const announced: ReindexProgress[] = [];
    const service = await openService({dataDir, embeddingModel: null, embeddingModelDirs: [modelsDir], events: {emit: (name, payload) => name === "knowledge.reindex" && announced.push(payload as ReindexProgress)}});
    await importAndWait(service, [root]);
    expect(service.listDocuments().every((doc) => doc.embeddingModel === null)).toBe(true);
    const stats = await service.stats();
    expect(stats).toMatchObject({documents: 4, embeddingModel: null, embeddingDimension: null});
    expect(stats.notice).toMatch(/text only/);

    const textOnly = await service.search({query: "paper jam", mode: "hybrid"});
    expect(textOnly).toMatchObject({mode: "hybrid", effectiveMode: "text"});
    expect(textOnly.notice).toMatch(/No embedding model/);
    expect(textOnly.hits[0].sourcePath).toBe(path.join(root, "printers.csv"));

    await expect(service.reindex()).rejects.toMatchObject({code: "EMBEDDING_MODEL_MISSING"});
    cpSync(FIXTURE_EMBEDDER_DIR, path.join(modelsDir, "static-glove-wordpiece"), {recursive: true});
    const progress: [number, number][] = [];
    const after = await service.reindex({onProgress: (done, total) => progress.push([done, total])});
    expect(after).toMatchObject({documents: 4, embeddingModel: "static-glove-wordpiece", embeddingDimension: 100, notice: null});
    expect(progress.at(-1)![0]).toBe(after.chunks);
    // Announced from start to end: running with a known total, then done with every passage counted.
    expect(announced[0]).toMatchObject({state: "running", done: 0, total: after.chunks, model: "static-glove-wordpiece", error: null});
    expect(announced.at(-1)).toEqual({state: "done", done: after.chunks, total: after.chunks, model: "static-glove-wordpiece", error: null});
    expect(announced.slice(1, -1).every((p) => p.state === "running" && p.done <= p.total)).toBe(true);
    expect(service.listDocuments().every((doc) => doc.embeddingModel === "static-glove-wordpiece")).toBe(true);
    const hybrid = await service.search({query: "paper jam", mode: "hybrid"});
    expect(hybrid.effectiveMode).toBe("hybrid");
    expect(hybrid.notice).toBeUndefined();
  });

  it("re-indexes into a fresh table when the model changes, never mixing models", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const modelsDir = tempDir("models");
    cpSync(FIXTURE_EMBEDDER_DIR, path.join(modelsDir, "glove-a"), {recursive: true});
    cpSync(FIXTURE_EMBEDDER_DIR, path.join(modelsDir, "glove-b"), {recursive: true});
    const dataDir = tempDir("data");
    let service = await openService({dataDir, embeddingModel: "glove-a", embeddingModelDirs: [modelsDir]});
    await importAndWait(service, [root]);
    expect((await service.stats()).embeddingModel).toBe("glove-a");
    // The fusion weights are measured (which embeds) before closing, so the next start has nothing to redo.
    await service.calibrate();
    await service.close();

    // Reopened with the same model: it stays closed until a search needs it.
    service = await openService({dataDir, embeddingModel: "glove-a", embeddingModelDirs: [modelsDir]});
    expect(await service.stats()).toMatchObject({embeddingModel: "glove-a", embeddingModelOpen: false});
    expect((await service.search({query: "vpn", mode: "vector"})).effectiveMode).toBe("vector");
    expect((await service.stats()).embeddingModelOpen).toBe(true);
    await service.close();

    // Restarted with another model configured: the stored vectors are not comparable until re-indexed.
    service = await openService({dataDir, embeddingModel: "glove-b", embeddingModelDirs: [modelsDir]});
    const stale = await service.stats();
    expect(stale).toMatchObject({embeddingModel: "glove-a", embeddingDimension: 100});
    expect(stale.notice).toMatch(/re-index to use "glove-b"/);
    const fallback = await service.search({query: "vpn", mode: "vector"});
    expect(fallback.effectiveMode).toBe("text");

    const late = path.join(tempDir("late"), "late.md");
    writeFileSync(late, PASSWORD_MD.replace("Password reset", "Late password note"));
    await importAndWait(service, [late]);
    expect(service.listDocuments().find((doc) => doc.sourcePath === late)!.embeddingModel).toBeNull();

    const stats = await service.reindex();
    expect(stats).toMatchObject({embeddingModel: "glove-b", embeddingDimension: 100, documents: 5, notice: null});
    expect(service.listDocuments().every((doc) => doc.embeddingModel === "glove-b")).toBe(true);
    const vector = await service.search({query: "vpn hotel network", mode: "vector"});
    expect(vector.effectiveMode).toBe("vector");
    expect(vector.hits.length).toBeGreaterThan(0);

    // Switching explicitly back through reindex({embeddingModel}).
    const back = await service.reindex({embeddingModel: "glove-a"});
    expect(back.embeddingModel).toBe("glove-a");
    expect(service.embeddingModel()?.id).toBe("glove-a");
  });

  it("lists the embedding and re-ranking models it can use, and starts a switch only when it can", async () => {
    const root = tempDir("corpus");
    writeCorpus(root);
    const modelsDir = tempDir("models");
    cpSync(FIXTURE_EMBEDDER_DIR, path.join(modelsDir, "static-glove-wordpiece"), {recursive: true});
    // The fixture GGUF can embed and rank (meaninglessly); its file name says which job it is found for.
    cpSync(FIXTURE_GGUF, path.join(modelsDir, "tiny-embed.gguf"));
    cpSync(FIXTURE_GGUF, path.join(modelsDir, "tiny-rerank.gguf"));
    cpSync(FIXTURE_GGUF, path.join(modelsDir, "chat-model.gguf"));
    const service = await openService({dataDir: tempDir("data"), embeddingModel: null, embeddingModelDirs: [modelsDir]});
    await importAndWait(service, [root]);

    expect(service.retrievalModels()).toEqual({
      embedding: [
        {name: "static-glove-wordpiece", kind: "transformers", active: true},
        {name: "tiny-embed.gguf", kind: "gguf", active: false},
      ],
      rerankers: [{name: "tiny-rerank.gguf", kind: "gguf", active: true}],
    });

    await expect(service.startReindex({embeddingModel: "no-such-model"})).rejects.toMatchObject({code: "EMBEDDING_MODEL_MISSING"});
    const announced: string[] = [];
    const {model, finished} = await service.startReindex({embeddingModel: "tiny-embed.gguf", onProgress: (done, total) => announced.push(`${done}/${total}`)});
    expect(model).toBe("tiny-embed.gguf");
    // One re-index at a time: a second is refused at once, and the first goes on.
    await expect(service.startReindex()).rejects.toMatchObject({code: "BUSY"});
    const stats = await finished;
    expect(stats.embeddingModel).toBe("tiny-embed.gguf");
    expect(announced.at(-1)).toBe(`${stats.chunks}/${stats.chunks}`);
    expect(service.retrievalModels().embedding.map((option) => [option.name, option.active])).toEqual([
      ["static-glove-wordpiece", false],
      ["tiny-embed.gguf", true],
    ]);
    expect((await service.search({query: "paper jam", mode: "vector"})).effectiveMode).toBe("vector");

    // Re-ranking off: no re-ranker is in use, though one is still listed.
    service.updateSettings(defaultSettings().knowledge, {rerank: false});
    expect(service.retrievalModels().rerankers).toEqual([{name: "tiny-rerank.gguf", kind: "gguf", active: false}]);
  }, 120_000);
});
