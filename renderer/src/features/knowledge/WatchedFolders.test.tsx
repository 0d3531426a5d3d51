import {fireEvent, screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import {fail} from "../../test/fake-transport.js";
import {knowledgeDocument, knowledgeStats, watchedFolder} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {splitDroppedFolders} from "./dropped-files.js";
import {KnowledgePanel} from "./KnowledgePanel.js";
import {withFolderEvent} from "./useWatchedFolders.js";
import {pathInFolder} from "./WatchedFolderRow.js";

/** A knowledge panel over a core that keeps its watched folders in memory. */
function renderFolders(initial: WatchedFolder[], options: Parameters<typeof renderWithClient>[2] = {}) {
  let folders = initial;
  const update = (id: string, change: Partial<WatchedFolder>) => {
    folders = folders.map((folder) => (folder.id === id ? {...folder, ...change} : folder));
    return folders.find((folder) => folder.id === id) ?? fail("NOT_FOUND", "That folder is not watched.");
  };
  return renderWithClient(
    <KnowledgePanel />,
    {
      "knowledge.list": () => [knowledgeDocument()],
      "knowledge.stats": () => knowledgeStats({collections: ["Network", "Runbooks"]}),
      "knowledge.folders": () => folders,
      "knowledge.pauseFolder": ({id, paused}) => update(id, {paused, state: paused ? "paused" : "scanning"}),
      "knowledge.rescanFolder": ({id}) => update(id, {state: "scanning"}),
      "knowledge.removeFolder": ({id, keepDocuments}) => {
        const folder = folders.find((item) => item.id === id);
        folders = folders.filter((item) => item.id !== id);
        // The server deletes every document of the folder, failed and left-out files included.
        return {ok: true, deleted: keepDocuments || !folder ? 0 : folder.documents + folder.failed + folder.leftOutCount};
      },
      "knowledge.addFolder": ({path, collection}) => {
        if (path !== "/srv/runbooks") fail("FOLDER_NOT_FOUND", "There is no folder at this path on the computer running Deskside.");
        const folder = watchedFolder({id: "new", path, collection: collection ?? null, state: "scanning", files: 0, documents: 0, lastSyncAt: null, lastScanAt: null});
        folders = [...folders, folder];
        return folder;
      },
    },
    options,
  );
}

const card = () => screen.findByRole("region", {name: "Watched folders"});
const rowOf = async (path: string) => within(await card()).findByRole("listitem", {name: path});

describe("pathInFolder", () => {
  it("shows a file's path inside its folder, on POSIX and Windows", () => {
    expect(pathInFolder("/srv/runbooks", "/srv/runbooks/network/vpn.md")).toBe("network/vpn.md");
    expect(pathInFolder("/srv/runbooks/", "/srv/runbooks/vpn.md")).toBe("vpn.md");
    expect(pathInFolder("/srv/runbooks", "/srv/runbooks-old/vpn.md")).toBe("/srv/runbooks-old/vpn.md");
    expect(pathInFolder("C:\\Runbooks", "c:\\runbooks\\Printers\\jam.pdf")).toBe("Printers\\jam.pdf");
  });
});

describe("withFolderEvent", () => {
  it("replaces a folder in place, adds a new one and drops a removed one", () => {
    const a = watchedFolder({id: "a"});
    const b = watchedFolder({id: "b", path: "/srv/manuals"});
    expect(withFolderEvent([a, b], {...a, documents: 13})).toEqual([{...a, documents: 13}, b]);
    expect(withFolderEvent([a], b)).toEqual([a, b]);
    expect(withFolderEvent([a, b], {...a, removed: true})).toEqual([b]);
  });
});

describe("Watched folders in the Knowledge panel", () => {
  it("lists each folder with its state, counts, last sync and errors", async () => {
    renderFolders([
      watchedFolder({
        failed: 2,
        leftOutCount: 3,
        pending: 1,
        files: 17,
        state: "syncing",
        errors: [
          {path: "/srv/runbooks/printers/jam.pdf", code: "PARSE_FAILED", message: "This PDF is damaged and cannot be read."},
          {path: "/srv/runbooks/private", code: "FOLDER_UNREADABLE", message: "Deskside may not read this folder."},
        ],
        leftOut: [{path: "/srv/runbooks/diagrams/vpn.png", code: "FILE_EMPTY", message: "No text was found in this PNG image."}],
      }),
      watchedFolder({id: "f2", path: "/mnt/share/manuals", collection: null, state: "missing", documents: 3, files: 3, error: {code: "FOLDER_MISSING", message: "The folder is gone; its documents are kept until it returns."}}),
    ]);
    const first = await rowOf("/srv/runbooks");
    expect(within(first).getByText("Syncing")).toBeTruthy();
    expect(within(first).getByText("Collection: Runbooks")).toBeTruthy();
    for (const text of ["17 files", "12 documents", "2 failed", "3 left out", "1 pending"]) expect(within(first).getByText(text)).toBeTruthy();
    expect(within(first).getByText(/^Last synced /).getAttribute("title")).toMatch(/^Last synced .*2026/);

    const toggle = within(first).getByRole("button", {name: "Show 2 files with errors"});
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await userEvent.setup().click(toggle);
    const errors = within(first).getByRole("list", {name: "Errors in /srv/runbooks"});
    const items = within(errors).getAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual(["printers/jam.pdfPARSE_FAILEDThis PDF is damaged and cannot be read.", "privateFOLDER_UNREADABLEDeskside may not read this folder."]);
    expect(within(first).getByRole("button", {name: "Hide 2 files with errors"}).getAttribute("aria-expanded")).toBe("true");

    // Files with nothing to import are listed apart, folded away, with their reason.
    expect(within(first).queryByRole("list", {name: "Left out of /srv/runbooks"})).toBeNull();
    await userEvent.setup().click(within(first).getByRole("button", {name: "Show 1 file left out (first 1 shown)"}));
    const leftOut = within(first).getByRole("list", {name: "Left out of /srv/runbooks"});
    expect(within(leftOut).getAllByRole("listitem").map((item) => item.textContent)).toEqual(["diagrams/vpn.pngFILE_EMPTYNo text was found in this PNG image."]);

    const second = await rowOf("/mnt/share/manuals");
    expect(within(second).getByText("Folder missing")).toBeTruthy();
    expect(within(second).getByText("No collection")).toBeTruthy();
    expect(within(second).queryByText(/left out/)).toBeNull();
    const banner = within(second).getByText(/The folder is gone/);
    expect(banner.textContent).toBe("The folder is gone; its documents are kept until it returns. (FOLDER_MISSING)");
    expect(banner.getAttribute("data-code")).toBe("FOLDER_MISSING");
  });

  it("says when no folder is watched", async () => {
    renderFolders([]);
    expect(within(await card()).getByText(/No folder is watched/)).toBeTruthy();
  });

  it("follows knowledge.folder events: new counts, a new folder, a removed one", async () => {
    const {transport} = renderFolders([watchedFolder({state: "scanning", documents: 0, files: 0, lastSyncAt: null})]);
    const row = await rowOf("/srv/runbooks");
    expect(within(row).getByText("Scanning")).toBeTruthy();
    expect(within(row).getByText("First sync under way")).toBeTruthy();

    transport.emit("knowledge.folder", watchedFolder({files: 2, documents: 2, lastSyncAt: new Date().toISOString()}));
    await waitFor(() => expect(within(row).getByText("Watching")).toBeTruthy());
    expect(within(row).getByText("2 documents")).toBeTruthy();
    expect(within(row).getByText("Last synced just now")).toBeTruthy();

    transport.emit("knowledge.folder", watchedFolder({id: "f2", path: "/srv/tickets", state: "scanning"}));
    expect(await rowOf("/srv/tickets")).toBeTruthy();
    transport.emit("knowledge.folder", {...watchedFolder(), removed: true});
    await waitFor(() => expect(within(screen.getByRole("region", {name: "Watched folders"})).queryByRole("listitem", {name: "/srv/runbooks"})).toBeNull());
    expect(within(await card()).getAllByRole("listitem").map((item) => item.getAttribute("aria-label"))).toEqual(["/srv/tickets"]);
  });

  it("pauses and resumes a folder; Rescan waits while it is paused", async () => {
    const {transport} = renderFolders([watchedFolder()]);
    const row = await rowOf("/srv/runbooks");
    const user = userEvent.setup();
    await user.click(within(row).getByRole("button", {name: "Pause watching /srv/runbooks"}));
    expect(transport.callsOf("knowledge.pauseFolder")).toEqual([{id: "f1", paused: true}]);
    await waitFor(() => expect(within(row).getByText("Paused")).toBeTruthy());
    expect((within(row).getByRole("button", {name: "Rescan /srv/runbooks"}) as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(row).getByRole("button", {name: "Resume watching /srv/runbooks"}));
    expect(transport.callsOf("knowledge.pauseFolder")).toEqual([
      {id: "f1", paused: true},
      {id: "f1", paused: false},
    ]);
    await waitFor(() => expect(within(row).getByText("Scanning")).toBeTruthy());
    await user.click(within(row).getByRole("button", {name: "Rescan /srv/runbooks"}));
    expect(transport.callsOf("knowledge.rescanFolder")).toEqual([{id: "f1"}]);
  });

  it("keeps an event that overtook the answer to an action", async () => {
    let answer: (folder: WatchedFolder) => void = () => undefined;
    const {transport} = renderFolders([watchedFolder()]);
    transport.handlers["knowledge.rescanFolder"] = () => new Promise<WatchedFolder>((resolve) => (answer = resolve));
    const row = await rowOf("/srv/runbooks");
    await userEvent.setup().click(within(row).getByRole("button", {name: "Rescan /srv/runbooks"}));
    // The scan of a small folder is over before its answer ("scanning") arrives.
    transport.emit("knowledge.folder", watchedFolder({state: "scanning"}));
    transport.emit("knowledge.folder", watchedFolder({state: "watching", documents: 13}));
    answer(watchedFolder({state: "scanning"}));
    await waitFor(() => expect((within(row).getByRole("button", {name: "Rescan /srv/runbooks"}) as HTMLButtonElement).disabled).toBe(false));
    expect(within(row).getByText("Watching")).toBeTruthy();
    expect(within(row).getByText("13 documents")).toBeTruthy();
  });

  it("removes a folder keeping its documents", async () => {
    const {transport} = renderFolders([watchedFolder({documents: 12})]);
    const user = userEvent.setup();
    await user.click(within(await rowOf("/srv/runbooks")).getByRole("button", {name: "Remove /srv/runbooks"}));
    const dialog = screen.getByRole("dialog", {name: 'Stop watching "runbooks"?'});
    expect(dialog.textContent).toContain("Its 12 documents can stay in the knowledge base as ordinary documents, or be deleted from it.");
    await user.click(within(dialog).getByRole("button", {name: "Keep 12 documents"}));
    expect(transport.callsOf("knowledge.removeFolder")).toEqual([{id: "f1", keepDocuments: true}]);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(within(await card()).queryByRole("listitem")).toBeNull();
    expect(await screen.findByText("Stopped watching /srv/runbooks; its documents stay in the knowledge base.")).toBeTruthy();
  });

  it("removes a folder deleting its documents, and Cancel changes nothing", async () => {
    // Failed and left-out files are listed as documents too, and go with the rest.
    const {transport} = renderFolders([watchedFolder({documents: 9, failed: 1, leftOutCount: 2})]);
    const user = userEvent.setup();
    const row = await rowOf("/srv/runbooks");
    await user.click(within(row).getByRole("button", {name: "Remove /srv/runbooks"}));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", {name: "Cancel"}));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(transport.callsOf("knowledge.removeFolder")).toEqual([]);

    await user.click(within(row).getByRole("button", {name: "Remove /srv/runbooks"}));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", {name: "Delete 12 documents"}));
    expect(transport.callsOf("knowledge.removeFolder")).toEqual([{id: "f1", keepDocuments: false}]);
    expect(await screen.findByText("Stopped watching /srv/runbooks and deleted 12 documents.")).toBeTruthy();
    expect(within(await card()).queryByRole("listitem")).toBeNull();
  });

  it("adds a folder by its path in a browser, showing why a path was refused", async () => {
    const {transport} = renderFolders([], {host: "browser"});
    const user = userEvent.setup();
    await user.click(within(await card()).getByRole("button", {name: "Add folder…"}));
    const dialog = screen.getByRole("dialog", {name: "Keep a folder in sync"});
    const path = within(dialog).getByLabelText("Folder path on the computer running Deskside");
    await user.type(path, "/srv/runbook");
    await user.type(within(dialog).getByLabelText("Collection"), "Runbooks");
    await user.click(within(dialog).getByRole("button", {name: "Add folder"}));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("There is no folder at this path on the computer running Deskside. (FOLDER_NOT_FOUND)");
    expect(path.getAttribute("aria-invalid")).toBe("true");

    await user.type(path, "s");
    await user.click(within(dialog).getByRole("button", {name: "Add folder"}));
    expect(transport.callsOf("knowledge.addFolder")).toEqual([
      {path: "/srv/runbook", collection: "Runbooks"},
      {path: "/srv/runbooks", collection: "Runbooks"},
    ]);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const row = await rowOf("/srv/runbooks");
    expect(within(row).getByText("Scanning")).toBeTruthy();
    expect(within(row).getByText("Collection: Runbooks")).toBeTruthy();
  });

  it("adds a folder with the native picker in the desktop app, into the collection chosen for imports", async () => {
    const picked: unknown[] = [];
    const {transport} = renderFolders([], {
      host: "electron",
      desktop: {
        pickFiles: async (options) => {
          picked.push(options);
          return ["/srv/runbooks"];
        },
      },
    });
    const user = userEvent.setup();
    await user.type(screen.getByPlaceholderText("None"), "Network");
    await user.click(within(await card()).getByRole("button", {name: "Add folder…"}));
    expect(picked).toEqual([{directories: true}]);
    await waitFor(() => expect(transport.callsOf("knowledge.addFolder")).toEqual([{path: "/srv/runbooks", collection: "Network"}]));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(await rowOf("/srv/runbooks")).toBeTruthy();
  });
});

/** A drop the way Chromium hands it over: items whose entries say whether they are folders. */
function dropOf(items: {name: string; directory: boolean}[]): DataTransfer {
  const files = items.map((item) => new File(["x"], item.name));
  return {
    files,
    types: ["Files"],
    items: items.map((item, index) => ({kind: "file", getAsFile: () => files[index], webkitGetAsEntry: () => ({isFile: !item.directory, isDirectory: item.directory, name: item.name, fullPath: `/${item.name}`})})),
  } as unknown as DataTransfer;
}

describe("Dropped folders kept in sync", () => {
  it("splits a drop into folders and files by their paths, or gives up when one has none", () => {
    const drop = dropOf([
      {name: "runbooks", directory: true},
      {name: "vpn.md", directory: false},
    ]);
    expect(splitDroppedFolders(drop, (file) => `/home/tech/${file.name}`)).toEqual({folders: ["/home/tech/runbooks"], files: ["/home/tech/vpn.md"]});
    expect(splitDroppedFolders(drop, (file) => (file.name === "vpn.md" ? null : `/home/tech/${file.name}`))).toBeNull();
  });

  it("watches dropped folders when the box is checked and imports loose files once", async () => {
    const {transport} = renderFolders([], {host: "electron", desktop: {pathForFile: (file) => `/home/tech/${file.name}`}});
    transport.handlers["knowledge.import"] = () => ({id: "job1", state: "running", createdAt: "", finishedAt: null, files: [], warnings: [], counts: {queued: 1, done: 0, skipped: 0, failed: 0, cancelled: 0}});
    transport.handlers["knowledge.addFolder"] = ({path}) => watchedFolder({id: "d", path, collection: null, state: "scanning"});
    const zone = await screen.findByRole("region", {name: "Import documents"});
    const box = within(zone).getByRole("checkbox", {name: "Keep dropped folders in sync"});
    expect((box as HTMLInputElement).checked).toBe(false);

    // Unchecked: a dropped folder is imported once, as before.
    fireEvent.drop(zone, {dataTransfer: dropOf([{name: "runbooks", directory: true}])});
    await waitFor(() => expect(transport.callsOf("knowledge.import")).toEqual([{paths: ["/home/tech/runbooks"], collection: null}]));

    await userEvent.setup().click(box);
    fireEvent.drop(zone, {
      dataTransfer: dropOf([
        {name: "runbooks", directory: true},
        {name: "vpn.md", directory: false},
      ]),
    });
    await waitFor(() => expect(transport.callsOf("knowledge.addFolder")).toEqual([{path: "/home/tech/runbooks", collection: null}]));
    await waitFor(() => expect(transport.callsOf("knowledge.import")).toEqual([{paths: ["/home/tech/runbooks"], collection: null}, {paths: ["/home/tech/vpn.md"], collection: null}]));
    expect(await rowOf("/home/tech/runbooks")).toBeTruthy();
  });

  it("points a browser to Add folder… instead", async () => {
    renderFolders([], {host: "browser"});
    const zone = await screen.findByRole("region", {name: "Import documents"});
    expect(within(zone).queryByRole("checkbox")).toBeNull();
    expect(within(zone).getByText("To keep a folder in sync, use Add folder… under Watched folders.")).toBeTruthy();
  });
});
