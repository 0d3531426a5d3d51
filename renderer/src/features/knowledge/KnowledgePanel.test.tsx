import {act, fireEvent, screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import {importJob, knowledgeDocument, knowledgeStats} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {KnowledgePanel} from "./KnowledgePanel.js";

const counts = {queued: 2, done: 0, skipped: 0, failed: 0, cancelled: 0};

function renderKnowledge(extra: Parameters<typeof renderWithClient>[1] = {}, options: Parameters<typeof renderWithClient>[2] = {}) {
  return renderWithClient(
    <KnowledgePanel />,
    {
      "knowledge.list": () => [knowledgeDocument(), knowledgeDocument({id: "d2", title: "Printer offline", collection: null, kind: "pdf", sourcePath: "/kb/printer.pdf"})],
      "knowledge.stats": () => knowledgeStats({documents: 2, chunks: 20}),
      ...extra,
    },
    options,
  );
}

describe("KnowledgePanel", () => {
  it("renders per-file progress from knowledge.progress events and cancels the job", async () => {
    const {transport} = renderKnowledge({"knowledge.cancelJob": () => importJob({state: "cancelled", files: [{path: "/kb/b.pdf", state: "cancelled"}], counts: {...counts, queued: 0, cancelled: 1}})});
    await screen.findByRole("table", {name: "Documents"});

    transport.emit("knowledge.progress", {jobId: "job1", file: {path: "/kb/a.md", state: "embedding", done: 3, total: 10}, counts, state: "running"});
    transport.emit("knowledge.progress", {jobId: "job1", file: {path: "/kb/b.pdf", state: "failed", error: {code: "PDF_ENCRYPTED", message: "The PDF is password-protected."}}, counts: {...counts, queued: 1, failed: 1}, state: "running"});
    transport.emit("knowledge.progress", {jobId: "job1", file: {path: "/kb/c.txt", state: "skipped", reason: "already imported"}, counts: {...counts, queued: 0, failed: 1, skipped: 1}, state: "running"});

    expect(await screen.findByText("Embedding 3 of 10 chunks")).toBeTruthy();
    const bar = screen.getByRole("progressbar", {name: "a.md progress"});
    expect(Number(bar.getAttribute("aria-valuenow"))).toBe(Math.round((0.1 + 0.85 * 0.3) * 100));
    const failed = screen.getByText("The PDF is password-protected. (PDF_ENCRYPTED)");
    expect(failed.getAttribute("data-code")).toBe("PDF_ENCRYPTED");
    expect(screen.getByText("Skipped: already imported")).toBeTruthy();

    transport.emit("knowledge.progress", {jobId: "job1", file: {path: "/kb/a.md", state: "done", chunks: 10}, counts: {...counts, queued: 0, done: 1, failed: 1, skipped: 1}, state: "running"});
    expect(await screen.findByText("Done · 10 chunks")).toBeTruthy();

    await userEvent.setup().click(screen.getByRole("button", {name: "Cancel"}));
    expect(transport.callsOf("knowledge.cancelJob")).toEqual([{id: "job1"}]);
    expect(await screen.findByText("Cancelled", {selector: ".badge"})).toBeTruthy();
  });

  it("lists what a file imported with notes could not keep under its name", async () => {
    const {transport} = renderKnowledge();
    await screen.findByRole("table", {name: "Documents"});
    const note = "3 of 40 pages have no text layer (scanned?) and were not indexed.";
    transport.emit("knowledge.progress", {jobId: "job5", file: {path: "/kb/manual.pdf", state: "done", chunks: 12, warnings: [note]}, counts: {...counts, queued: 0, done: 1}, state: "running"});
    const state = await screen.findByText("Done · 12 chunks · 1 note");
    expect(state.className).toContain("text-warning");
    const notes = screen.getByRole("list", {name: "Notes on manual.pdf"});
    expect(within(notes).getByText(note)).toBeTruthy();
  });

  it("shows each stage of an upload even when the upload's reply comes after its first progress events", async () => {
    let reply: () => void = () => undefined;
    const one = {queued: 1, done: 0, skipped: 0, failed: 0, cancelled: 0};
    const {transport} = renderKnowledge(
      {"knowledge.upload": () => new Promise((resolve) => (reply = () => resolve(importJob({id: "job3", files: [{path: "notes.md", state: "queued"}], counts: one}))))},
      {host: "browser"},
    );
    await screen.findByRole("table", {name: "Documents"});
    await userEvent.setup().upload(screen.getByLabelText("Choose files to import"), new File(["# VPN\nUse UDP 500."], "notes.md", {type: "text/markdown"}));
    await waitFor(() => expect(transport.callsOf("knowledge.upload")).toHaveLength(1));

    transport.emit("knowledge.progress", {jobId: "job3", file: {path: "notes.md", state: "queued"}, counts: one, state: "running"});
    transport.emit("knowledge.progress", {jobId: "job3", file: {path: "notes.md", state: "parsing"}, counts: one, state: "running"});
    const job = await screen.findByRole("region", {name: "Import of 1 file"});
    expect(within(job).getByText("Parsing…")).toBeTruthy();
    // The reply is the job as it was when it started: every file queued. It must not undo "Parsing…".
    await act(async () => reply());
    expect(within(job).getByText("Parsing…")).toBeTruthy();
    expect(within(job).queryByText("Queued")).toBeNull();

    transport.emit("knowledge.progress", {jobId: "job3", file: {path: "notes.md", state: "embedding", done: 2, total: 5}, counts: one, state: "running"});
    expect(within(job).getByText("Embedding 2 of 5 chunks")).toBeTruthy();
    const overall = within(job).getByRole("progressbar", {name: "Import progress"});
    expect(Number(overall.getAttribute("aria-valuenow"))).toBe(Math.round((0.1 + 0.85 * 0.4) * 100));
    transport.emit("knowledge.progress", {jobId: "job3", file: {path: "notes.md", state: "writing"}, counts: one, state: "running"});
    expect(within(job).getByText("Writing to the index…")).toBeTruthy();
    transport.emit("knowledge.progress", {jobId: "job3", file: {path: "notes.md", state: "done", chunks: 5}, counts: {...one, queued: 0, done: 1}, state: "running"});
    expect(within(job).getByText("Done · 5 chunks")).toBeTruthy();
  });

  it("lists documents and deletes one after confirmation", async () => {
    const {transport} = renderKnowledge({"knowledge.delete": () => ({ok: true})});
    const table = await screen.findByRole("table", {name: "Documents"});
    expect(within(table).getByText("Printer offline")).toBeTruthy();
    expect(within(table).getAllByText("8.0 KB")).toHaveLength(2);

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", {name: 'Delete "Printer offline"'}));
    const dialog = screen.getByRole("dialog", {name: "Delete document?"});
    await user.click(within(dialog).getByRole("button", {name: "Delete"}));
    expect(transport.callsOf("knowledge.delete")).toEqual([{id: "d2"}]);
    await waitFor(() => expect(within(table).queryByText("Printer offline")).toBeNull());
  });

  it("keeps a document's import notes in the list, behind a count, and a failure's reason on its badge", async () => {
    const note = "3 of 40 pages have no text layer (scanned?); turn on OCR in Settings and import the file again to read them.";
    renderKnowledge({
      "knowledge.list": () => [
        knowledgeDocument({id: "d2", title: "Printer manual", kind: "pdf", notes: [note]}),
        knowledgeDocument({id: "d3", title: "Old VPN guide", status: "failed", chunkCount: 0, error: {code: "PDF_ENCRYPTED", message: "The PDF is password-protected."}}),
      ],
    });
    const table = await screen.findByRole("table", {name: "Documents"});
    const row = within(table).getByText("Printer manual").closest("tr")!;
    expect(within(row).getByText("1 note")).toBeTruthy();
    const user = userEvent.setup();
    await user.click(within(row).getByText("1 note"));
    expect(within(within(row).getByRole("list", {name: 'Notes on "Printer manual"'})).getByText(note)).toBeTruthy();
    // The other documents have nothing to say.
    expect(within(table).getAllByText(/\bnotes?$/)).toHaveLength(1);
    expect(within(table).getByText("Failed").closest("[title]")?.getAttribute("title")).toBe("The PDF is password-protected.");
  });

  it("opens a document in the reader from its title: the whole text as the knowledge base holds it", async () => {
    const printer = knowledgeDocument({id: "d2", title: "Printer offline", collection: null, kind: "pdf", sourcePath: "/kb/printer.pdf"});
    const {transport} = renderKnowledge({"knowledge.document": () => ({document: printer, text: "# Printer offline\n\nRestart the spooler, then clear the queue.", highlight: null, truncated: false})});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: 'Read "Printer offline"'}));
    const reader = await screen.findByRole("dialog", {name: "Printer offline"});
    expect(await within(reader).findByText(/Restart the spooler, then clear the queue/)).toBeTruthy();
    expect(transport.callsOf("knowledge.document")).toEqual([{id: "d2"}]);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog", {name: "Printer offline"})).toBeNull());
  });

  it("follows a re-index from start to end: progress, then how it ended", async () => {
    const {transport} = renderKnowledge({"knowledge.reindex": () => ({ok: true, model: "all-MiniLM-L6-v2"})});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: "Re-index all"}));
    await user.click(within(screen.getByRole("dialog", {name: "Re-index all documents?"})).getByRole("button", {name: "Re-index"}));
    expect(transport.callsOf("knowledge.reindex")).toHaveLength(1);
    transport.emit("knowledge.reindex", {state: "running", done: 0, total: 20, model: "all-MiniLM-L6-v2", error: null});
    transport.emit("knowledge.reindex", {state: "running", done: 5, total: 20, model: "all-MiniLM-L6-v2", error: null});
    expect(await screen.findByText("Re-indexing with all-MiniLM-L6-v2…")).toBeTruthy();
    expect(screen.getByRole("progressbar", {name: "Re-index progress"}).getAttribute("aria-valuenow")).toBe("25");
    expect(screen.getByRole("button", {name: "Re-index all"}).hasAttribute("disabled")).toBe(true);
    transport.emit("knowledge.reindex", {state: "done", done: 20, total: 20, model: "all-MiniLM-L6-v2", error: null});
    expect(await screen.findByText("20 passages now use all-MiniLM-L6-v2 for meaning-based search.")).toBeTruthy();
    expect(screen.getByRole("button", {name: "Re-index all"}).hasAttribute("disabled")).toBe(false);
    transport.emit("knowledge.reindex", {state: "failed", done: 3, total: 20, model: "all-MiniLM-L6-v2", error: {code: "EMBEDDING_FAILED", message: "The model could not embed."}});
    expect(await screen.findByText(/The model could not embed\. The previous vectors are still in use/)).toBeTruthy();
  });

  it("moves a document to another collection", async () => {
    const {transport} = renderKnowledge({"knowledge.setCollection": ({id, collection}) => knowledgeDocument({id, title: "Printer offline", collection})});
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", {name: /Collection of "Printer offline"/}));
    await user.type(screen.getByRole("combobox", {name: "Collection"}), "Printing{Enter}");
    expect(transport.callsOf("knowledge.setCollection")).toEqual([{id: "d2", collection: "Printing"}]);
    expect(await screen.findByRole("button", {name: /Collection of "Printer offline": Printing/})).toBeTruthy();
  });

  it("uploads picked files as base64 in a browser tab", async () => {
    const {transport} = renderKnowledge({"knowledge.upload": () => importJob({id: "job2", files: [{path: "notes.md", state: "queued"}], counts: {...counts, queued: 1}})}, {host: "browser"});
    await screen.findByRole("table", {name: "Documents"});
    const input = screen.getByLabelText("Choose files to import");
    await userEvent.setup().upload(input, new File(["# VPN\nUse UDP 500."], "notes.md", {type: "text/markdown"}));
    await waitFor(() => expect(transport.callsOf("knowledge.upload")).toHaveLength(1));
    const [call] = transport.callsOf("knowledge.upload");
    expect(call.files[0].name).toBe("notes.md");
    expect(atob(call.files[0].dataBase64)).toBe("# VPN\nUse UDP 500.");
    expect(await screen.findByText("Queued")).toBeTruthy();
  });

  it("streams a large file as its own upload and sends small ones as base64, both into the chosen import", async () => {
    const sent: {route: string; size: number}[] = [];
    const {transport} = renderKnowledge(
      {
        "knowledge.upload": () => importJob({id: "job5", files: [{path: "notes.md", state: "queued"}], counts: {...counts, queued: 1}}),
        "knowledge.job": ({id}) => importJob({id, files: [{path: "floor plan.pdf", state: "queued"}], counts: {...counts, queued: 1}}),
      },
      {
        host: "browser",
        token: "t",
        upload: async (route, file) => {
          sent.push({route, size: file.size});
          return {ok: true, result: {job_id: "job6"}};
        },
      },
    );
    await screen.findByRole("table", {name: "Documents"});
    const large = new File([new Uint8Array(1_200_000)], "floor plan.pdf", {type: "application/pdf"});
    await userEvent.setup().upload(screen.getByLabelText("Choose files to import"), [large, new File(["# VPN"], "notes.md", {type: "text/markdown"})]);
    await waitFor(() => expect(transport.callsOf("knowledge.upload")).toHaveLength(1));
    expect(sent).toEqual([{route: "/api/documents/floor%20plan.pdf", size: 1_200_000}]);
    expect(transport.callsOf("knowledge.job")).toEqual([{id: "job6"}]);
    expect(transport.callsOf("knowledge.upload")[0].files.map((f) => f.name)).toEqual(["notes.md"]);
  });

  it("says where a model file goes instead of ignoring it, and imports the documents dropped with it", async () => {
    const {transport} = renderKnowledge({"knowledge.upload": () => importJob({id: "job4", files: [{path: "notes.md", state: "queued"}], counts: {...counts, queued: 1}})}, {host: "browser"});
    await screen.findByRole("table", {name: "Documents"});
    // Dropped (the file picker would not offer a .gguf).
    fireEvent.drop(screen.getByRole("region", {name: "Import documents"}), {dataTransfer: {files: [new File(["GGUF"], "llama-3b.gguf"), new File(["# VPN"], "notes.md", {type: "text/markdown"})], items: []}});
    expect(await screen.findByText(/llama-3b\.gguf is a language model, not a document: add models in Models & GPU/)).toBeTruthy();
    await waitFor(() => expect(transport.callsOf("knowledge.upload")).toHaveLength(1));
    expect(transport.callsOf("knowledge.upload")[0].files.map((f) => f.name)).toEqual(["notes.md"]);
  });

  it("imports dropped files by path in the desktop app", async () => {
    const {transport} = renderKnowledge({"knowledge.import": () => importJob({id: "job3"})}, {desktop: {pathForFile: (file) => `/home/tech/${file.name}`}});
    await screen.findByRole("table", {name: "Documents"});
    const file = new File(["x"], "runbooks");
    fireEvent.drop(screen.getByRole("region", {name: "Import documents"}), {dataTransfer: {files: [file], items: []}});
    await waitFor(() => expect(transport.callsOf("knowledge.import")).toEqual([{paths: ["/home/tech/runbooks"], collection: null}]));
  });

  it("shows the stats notice and searches with scores", async () => {
    const {transport} = renderKnowledge({
      "knowledge.stats": () => knowledgeStats({notice: "No embedding model is installed; search uses text only."}),
      "knowledge.search": () => ({
        mode: "hybrid",
        effectiveMode: "text",
        tookMs: 7,
        hits: [{chunkId: "k1", documentId: "d1", title: "VPN error 809", sourcePath: "/kb/vpn.md", headingPath: ["VPN", "809"], page: 2, row: null, text: "Allow UDP 500.", collection: "Network", score: 0.91, scores: {text: 0.91, fused: 0.5}}],
      }),
    });
    expect(await screen.findByText("No embedding model is installed; search uses text only.")).toBeTruthy();
    const user = userEvent.setup();
    await user.click(screen.getByRole("tab", {name: "Search playground"}));
    await user.type(screen.getByRole("textbox", {name: "Search query"}), "error 809{Enter}");
    expect(transport.callsOf("knowledge.search")).toEqual([{query: "error 809", mode: "hybrid", topK: 5, collection: null}]);
    const results = await screen.findByLabelText("Search results");
    expect(within(results).getByText(/text search \(asked for hybrid\)/)).toBeTruthy();
    expect(within(results).getAllByText("0.910")).toHaveLength(1);
    expect(within(results).getByText("0.500")).toBeTruthy();
    // The text score is raw BM25, labelled as such and not dressed up like the 0–1 scores.
    const bm25 = within(results).getByText("BM25").closest(".score") as HTMLElement;
    expect(within(bm25).getByText("0.9")).toBeTruthy();
    expect(bm25.getAttribute("title")).toMatch(/not with the 0–1 scores/);
    expect(within(results).getByText(/VPN › 809 · page 2/)).toBeTruthy();
  });

  it("finishes an import card on knowledge.job and refreshes the documents", async () => {
    let listed = 0;
    const {transport} = renderKnowledge({"knowledge.list": () => (listed++, [knowledgeDocument()])});
    await screen.findByRole("table", {name: "Documents"});
    const before = listed;

    const file = {path: "/kb/quillfeather.md", state: "done" as const, chunks: 2};
    const done = {queued: 0, done: 1, skipped: 0, failed: 0, cancelled: 0};
    transport.emit("knowledge.progress", {jobId: "job9", file, counts: done, state: "running"});
    const card = await screen.findByRole("region", {name: "Import of 1 file"});
    expect(within(card).getByText("Running")).toBeTruthy();

    transport.emit("knowledge.job", importJob({id: "job9", state: "done", finishedAt: "2026-11-21T10:01:00.000Z", files: [file], counts: done}));
    expect(await within(card).findByText("Finished")).toBeTruthy();
    expect(within(card).getByText("Imported 1 file")).toBeTruthy();
    expect(within(card).queryByRole("button", {name: "Cancel"})).toBeNull();
    // A small finished job still shows each file's result.
    expect(within(card).getByText("Done · 2 chunks")).toBeTruthy();
    await waitFor(() => expect(listed).toBeGreaterThan(before));

    // A progress event that arrives late does not take the job back to running.
    transport.emit("knowledge.progress", {jobId: "job9", file, counts: done, state: "running"});
    expect(within(card).getByText("Finished")).toBeTruthy();
  });

  it("leaves out imports that had already finished before the view opened, unless they had problems", async () => {
    const finished = {queued: 0, done: 34, skipped: 0, failed: 0, cancelled: 0};
    renderKnowledge({
      "knowledge.jobs": () => [
        importJob({id: "starter", state: "done", finishedAt: "2026-11-20T09:00:00.000Z", counts: finished}),
        importJob({id: "broken", state: "done", finishedAt: "2026-11-20T08:00:00.000Z", files: [{path: "/kb/locked.pdf", state: "failed", error: {code: "PDF_ENCRYPTED", message: "The PDF is password-protected."}}], counts: {...finished, done: 0, failed: 1}}),
      ],
    });
    await screen.findByRole("table", {name: "Documents"});
    expect(await screen.findByRole("region", {name: "Import of 1 file"})).toBeTruthy();
    expect(screen.queryByRole("region", {name: "Import of 34 files"})).toBeNull();
  });

  it("shows a watched folder's sync while it runs and leaves it to the folder's card once it is over", async () => {
    const {transport} = renderKnowledge();
    await screen.findByRole("table", {name: "Documents"});
    const running = importJob({id: "sync1", origin: "folder", state: "running", files: [{path: "/share/a.md", state: "parsing"}], counts: {queued: 1, done: 0, skipped: 0, failed: 0, cancelled: 0}});
    act(() => transport.emit("knowledge.job", running));
    expect(await screen.findByRole("region", {name: "Import of 1 file"})).toBeTruthy();
    act(() =>
      transport.emit("knowledge.job", {...running, state: "done", finishedAt: "2026-12-02T07:00:00.000Z", files: [{path: "/share/a.md", state: "done"}], counts: {queued: 0, done: 1, skipped: 0, failed: 0, cancelled: 0}}),
    );
    await waitFor(() => expect(screen.queryByRole("region", {name: "Import of 1 file"})).toBeNull());
  });
});
