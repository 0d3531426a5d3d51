import {screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {PackExportResult, PackImportResult, PackManifest} from "../../../../shared/knowledge.js";
import type {FileDownload, FileUpload} from "../../client/transport.js";
import {knowledgeDocument, knowledgeStats} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {KnowledgePanel} from "./KnowledgePanel.js";

const manifest: PackManifest = {
  format: "deskside-knowledge-pack",
  formatVersion: 1,
  createdAt: "2026-12-01T10:00:00.000Z",
  appVersion: "0.1.0",
  collection: "Network",
  collections: ["Network"],
  counts: {documents: 2, chunks: 14, vectors: 14},
  embedding: {model: "all-MiniLM-L6-v2", dimension: 384},
  payload: {encoding: "jsonl+gzip", bytes: 4096, sha256: "0".repeat(64)},
};

/** POST /api/knowledge/pack's answer, in the help-desk API's snake_case. */
const importView = {
  imported: [
    {id: "n1", title: "VPN error 809", collection: "Network", chunks: 8},
    {id: "n2", title: "Guest Wi-Fi portal", collection: "Network", chunks: 6},
  ],
  skipped: [{title: "Printer offline", collection: "Network", reason: "already in Network", document_id: "d9"}],
  replaced: [],
  chunks: 14,
  vectors: "pack",
  embedding_model: "all-MiniLM-L6-v2",
  took_ms: 420,
  manifest: {...manifest, format_version: 1, created_at: manifest.createdAt, app_version: manifest.appVersion},
};

function renderPanel(options: Parameters<typeof renderWithClient>[2] = {}, extra: Parameters<typeof renderWithClient>[1] = {}) {
  return renderWithClient(
    <KnowledgePanel />,
    {
      "knowledge.list": () => [knowledgeDocument()],
      "knowledge.stats": () => knowledgeStats({documents: 1, chunks: 12, collections: ["Network"]}),
      ...extra,
    },
    options,
  );
}

describe("Knowledge panel: packs in a browser tab", () => {
  it("uploads a picked pack, follows the core's progress, then says what went in", async () => {
    let answer: (value: Awaited<ReturnType<FileUpload>>) => void = () => undefined;
    const sent: {route: string; method?: string; name: string}[] = [];
    const upload: FileUpload = (route, file, options) => {
      sent.push({route, method: options?.method, name: (file as File).name});
      options?.onProgress?.(file.size, file.size);
      return new Promise((resolve) => (answer = resolve));
    };
    const {transport} = renderPanel({host: "browser", upload});
    await screen.findByRole("table", {name: "Documents"});
    await userEvent.setup().upload(screen.getByLabelText("Choose a knowledge pack to import"), new File([new Uint8Array(64)], "network.deskpack"));
    await waitFor(() => expect(sent).toEqual([{route: "/api/knowledge/pack", method: "POST", name: "network.deskpack"}]));
    expect(screen.getByRole("button", {name: "Import pack"}).getAttribute("aria-busy")).toBe("true");

    transport.emit("knowledge.packImport", {id: "p1", state: "verifying", done: 0, total: 0, error: null});
    expect(await screen.findByText("Checking the whole pack before anything is written…")).toBeTruthy();
    transport.emit("knowledge.packImport", {id: "p1", state: "writing", done: 7, total: 14, error: null});
    expect(await screen.findByText(/Writing 7 of 14 passages/)).toBeTruthy();
    expect(screen.getByRole("progressbar", {name: "Pack import progress"}).getAttribute("aria-valuenow")).toBe("50");

    answer({ok: true, result: importView});
    const banner = await screen.findByText("Knowledge pack imported: network.deskpack");
    const text = banner.closest(".banner")!.textContent!;
    expect(text).toContain("2 documents (14 passages) added to Network.");
    expect(text).toContain("1 document already there was skipped.");
    expect(text).toContain("Their vectors came with the pack (all-MiniLM-L6-v2); nothing was embedded again.");
  });

  it("shows a bad pack's error with its code", async () => {
    const upload: FileUpload = async () => ({ok: false, error: {code: "PACK_INVALID", message: "This knowledge pack was changed or damaged after it was made (its checksum does not match); nothing was imported. Export it again."}});
    renderPanel({host: "browser", upload});
    await screen.findByRole("table", {name: "Documents"});
    await userEvent.setup().upload(screen.getByLabelText("Choose a knowledge pack to import"), new File(["x"], "tampered.deskpack"));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("Knowledge pack not imported: tampered.deskpack")).toBeTruthy();
    expect(within(alert).getByText(/checksum does not match.*\(PACK_INVALID\)$/).getAttribute("data-code")).toBe("PACK_INVALID");
  });

  it("downloads the whole knowledge base or one collection with the token, under the server's file name", async () => {
    const routes: string[] = [];
    const download: FileDownload = async (route) => {
      routes.push(route);
      return {ok: true, result: {blob: new Blob([new Uint8Array(2048)]), fileName: "deskside-network-2026-12-01.deskpack"}};
    };
    renderPanel({host: "browser", download});
    await screen.findByRole("table", {name: "Documents"});
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", {name: "Export pack"}));
    expect(await screen.findByText("Downloaded deskside-network-2026-12-01.deskpack (2.0 KB).")).toBeTruthy();
    await user.click(screen.getByRole("button", {name: 'Export the collection "Network" as a pack'}));
    await waitFor(() => expect(routes).toEqual(["/api/knowledge/pack", "/api/knowledge/pack?collection=Network"]));
  });
});

describe("Knowledge panel: packs in the desktop app", () => {
  it("saves and opens packs through the native dialogs and the core", async () => {
    const exported: PackExportResult = {fileName: "network.deskpack", sizeBytes: 4096, manifest, tookMs: 30};
    const result: PackImportResult = {
      manifest,
      imported: [{id: "n1", title: "VPN error 809", collection: "Network", chunks: 8}],
      skipped: [],
      replaced: [],
      chunks: 8,
      vectors: "embedded",
      embeddingModel: "nomic-embed-text-v1.5.Q8_0.gguf",
      tookMs: 900,
    };
    const {transport} = renderPanel(
      {
        host: "electron",
        desktop: {
          pickSavePath: async (options) => `/home/tech/${options.defaultName}`,
          pickFiles: async () => ["/home/tech/network.deskpack"],
        },
      },
      {"knowledge.exportPack": () => exported, "knowledge.importPack": () => result},
    );
    await screen.findByRole("table", {name: "Documents"});
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", {name: 'Export the collection "Network" as a pack'}));
    await waitFor(() => expect(transport.callsOf("knowledge.exportPack")).toHaveLength(1));
    expect(transport.callsOf("knowledge.exportPack")[0]).toMatchObject({collection: "Network", path: expect.stringMatching(/^\/home\/tech\/deskside-network-\d{4}-\d{2}-\d{2}\.deskpack$/)});
    expect(await screen.findByText("Saved network.deskpack: 2 documents, 4.0 KB.")).toBeTruthy();

    await user.click(screen.getByRole("button", {name: "Import pack"}));
    await waitFor(() => expect(transport.callsOf("knowledge.importPack")).toEqual([{path: "/home/tech/network.deskpack"}]));
    const banner = await screen.findByText("Knowledge pack imported: network.deskpack");
    expect(banner.closest(".banner")!.textContent).toContain("Their passages were embedded with nomic-embed-text-v1.5.Q8_0.gguf, since the pack was made with all-MiniLM-L6-v2.");
  });
});
