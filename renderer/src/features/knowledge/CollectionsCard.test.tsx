import {screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {SettingsView} from "../../../../shared/contract.js";
import {STARTER_COLLECTION, type KnowledgeDocument} from "../../../../shared/knowledge.js";
import {knowledgeDocument, knowledgeStats, settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {collectionsOf} from "./CollectionsCard.js";
import {KnowledgePanel} from "./KnowledgePanel.js";

const starter = (id: string, title: string) => knowledgeDocument({id, title, collection: STARTER_COLLECTION, origin: "default-knowledge"});

/** A knowledge base with two starter articles and one of the team's own, and settings that remember updates. */
function renderKnowledge(options: {excluded?: string[]} = {}) {
  let documents: KnowledgeDocument[] = [starter("s1", "Reset a password"), starter("s2", "Map a network drive"), knowledgeDocument({id: "d1", collection: "Network"})];
  let view: SettingsView = settingsView();
  view.settings.retrieval.excludedCollections = options.excluded ?? [];
  const collections = () => [...new Set(documents.map((d) => d.collection).filter((c): c is string => c !== null))];
  return renderWithClient(<KnowledgePanel />, {
    "knowledge.list": () => documents,
    "knowledge.stats": () => knowledgeStats({documents: documents.length, collections: collections()}),
    "settings.get": () => view,
    "settings.update": (patch) => {
      const retrieval = (patch as {retrieval?: Partial<SettingsView["settings"]["retrieval"]>}).retrieval;
      view = {...view, settings: {...view.settings, retrieval: {...view.settings.retrieval, ...retrieval}}};
      return view;
    },
    "knowledge.deleteCollection": ({collection}) => {
      const before = documents.length;
      documents = documents.filter((d) => d.collection !== collection);
      return {deleted: before - documents.length};
    },
  });
}

describe("collectionsOf", () => {
  it("counts documents per collection and puts the starter articles first", () => {
    const docs = [knowledgeDocument({collection: "Printing"}), starter("s1", "a"), knowledgeDocument({collection: "Apps"}), knowledgeDocument({collection: null})];
    expect(collectionsOf(["Printing", STARTER_COLLECTION, "Apps", "Empty"], docs)).toEqual([
      {name: STARTER_COLLECTION, documents: 1, starter: true},
      {name: "Apps", documents: 1, starter: false},
      {name: "Empty", documents: 0, starter: false},
      {name: "Printing", documents: 1, starter: false},
    ]);
  });
});

describe("Collections in the Knowledge panel", () => {
  it("shows the starter articles first, marked as shipping with Deskside", async () => {
    renderKnowledge();
    const card = await screen.findByRole("region", {name: "Collections"});
    const rows = within(card).getAllByRole("listitem");
    expect(rows.map((row) => row.getAttribute("aria-label"))).toEqual([STARTER_COLLECTION, "Network"]);
    expect(within(rows[0]).getByText("Ships with Deskside")).toBeTruthy();
    expect(within(rows[0]).getByText(/^2 documents/)).toBeTruthy();
    expect(within(rows[0]).getByRole("button", {name: "Remove starter articles"})).toBeTruthy();
    expect(within(rows[1]).getByRole("button", {name: 'Remove the collection "Network"'})).toBeTruthy();
  });

  it("excludes the starter articles from answers and includes them again", async () => {
    const {transport} = renderKnowledge();
    const row = within(await screen.findByRole("region", {name: "Collections"})).getByRole("listitem", {name: STARTER_COLLECTION});
    const toggle = within(row).getByRole("switch", {name: `Use "${STARTER_COLLECTION}" in answers`});
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("true"));
    expect(within(row).getByText("Included in answers")).toBeTruthy();

    const user = userEvent.setup();
    await user.click(toggle);
    expect(transport.callsOf("settings.update")).toEqual([{retrieval: {excludedCollections: [STARTER_COLLECTION]}}]);
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("false"));
    expect(within(row).getByText("Excluded")).toBeTruthy();

    await user.click(within(row).getByText("Excluded"));
    expect(transport.callsOf("settings.update")[1]).toEqual({retrieval: {excludedCollections: []}});
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("true"));
  });

  it("keeps other exclusions when toggling one collection", async () => {
    const {transport} = renderKnowledge({excluded: ["Network"]});
    const card = await screen.findByRole("region", {name: "Collections"});
    const network = within(card).getByRole("switch", {name: 'Use "Network" in answers'});
    await waitFor(() => expect(network.getAttribute("aria-checked")).toBe("false"));
    await userEvent.setup().click(within(card).getByRole("switch", {name: `Use "${STARTER_COLLECTION}" in answers`}));
    expect(transport.callsOf("settings.update")).toEqual([{retrieval: {excludedCollections: ["Network", STARTER_COLLECTION]}}]);
  });

  it("removes the starter articles only after confirmation, and forgets their exclusion", async () => {
    const {transport} = renderKnowledge({excluded: [STARTER_COLLECTION]});
    const card = await screen.findByRole("region", {name: "Collections"});
    const user = userEvent.setup();

    await user.click(within(card).getByRole("button", {name: "Remove starter articles"}));
    const dialog = screen.getByRole("dialog", {name: "Remove the starter articles?"});
    expect(within(dialog).getByText(/The 2 help-desk articles that ship with Deskside are deleted/)).toBeTruthy();
    await user.click(within(dialog).getByRole("button", {name: "Cancel"}));
    expect(transport.callsOf("knowledge.deleteCollection")).toEqual([]);

    await user.click(within(card).getByRole("button", {name: "Remove starter articles"}));
    await user.click(within(screen.getByRole("dialog", {name: "Remove the starter articles?"})).getByRole("button", {name: "Remove starter articles"}));
    expect(transport.callsOf("knowledge.deleteCollection")).toEqual([{collection: STARTER_COLLECTION}]);
    expect(await screen.findByText("Removed 2 starter articles.")).toBeTruthy();
    expect(transport.callsOf("settings.update")).toEqual([{retrieval: {excludedCollections: []}}]);
    await waitFor(() => expect(within(card).queryByRole("listitem", {name: STARTER_COLLECTION})).toBeNull());
    expect(within(screen.getByRole("table", {name: "Documents"})).queryByText("Reset a password")).toBeNull();
  });
});
