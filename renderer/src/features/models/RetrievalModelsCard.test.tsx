import {screen, waitFor, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import type {SettingsView} from "../../../../shared/contract.js";
import type {KnowledgeStats} from "../../../../shared/knowledge.js";
import {knowledgeStats, settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {ModelsPanel} from "./ModelsPanel.js";
import {describeFusion, formatWeight} from "./RetrievalModelsCard.js";

/** The Models panel over settings that remember updates, with the re-ranker present while re-ranking is on. */
function renderModels(stats: Partial<KnowledgeStats> = {}) {
  let view: SettingsView = settingsView();
  const reranker = stats.reranker === undefined ? {id: "bge-reranker-v2-m3-Q8_0.gguf", kind: "gguf"} : stats.reranker;
  return renderWithClient(<ModelsPanel active />, {
    "settings.get": () => view,
    "settings.update": (patch) => {
      const {retrieval, knowledge} = patch as {retrieval?: Partial<SettingsView["settings"]["retrieval"]>; knowledge?: Partial<SettingsView["settings"]["knowledge"]>};
      view = {...view, settings: {...view.settings, retrieval: {...view.settings.retrieval, ...retrieval}, knowledge: {...view.settings.knowledge, ...knowledge}}};
      return view;
    },
    "knowledge.stats": () => knowledgeStats({...stats, reranker: view.settings.retrieval.rerank ? reranker : null}),
    "knowledge.retrievalModels": () => ({
      embedding: [
        {name: "static-glove-wordpiece", kind: "transformers", active: true},
        {name: "nomic-embed-text-v1.5.Q8_0.gguf", kind: "gguf", active: false},
      ],
      rerankers: [
        {name: "bge-reranker-v2-m3-Q8_0.gguf", kind: "gguf", active: view.settings.retrieval.rerank && view.settings.knowledge.rerankerModel !== "ms-marco-MiniLM-L-6-v2"},
        {name: "ms-marco-MiniLM-L-6-v2", kind: "cross-encoder", active: view.settings.retrieval.rerank && view.settings.knowledge.rerankerModel === "ms-marco-MiniLM-L-6-v2"},
      ],
    }),
    "knowledge.reindex": (input) => ({ok: true, model: input?.embeddingModel ?? "static-glove-wordpiece"}),
  });
}

describe("fusion weights in words", () => {
  it("writes weights the way people do", () => {
    expect(formatWeight(1)).toBe("1.0");
    expect(formatWeight(0.35)).toBe("0.35");
    expect(formatWeight(0.3333)).toBe("0.33");
    expect(describeFusion({text: 1, vector: 0.35, measuredAt: "2026-11-21T10:00:00.000Z"})).toBe("Word matching 1.0 · Meaning 0.35, measured on this knowledge base");
    expect(describeFusion(null)).toMatch(/^Not measured yet/);
  });
});

describe("Retrieval models card", () => {
  it("shows the embedding model, the re-ranker and the measured fusion weights", async () => {
    renderModels({fusion: {text: 1, vector: 0.35, measuredAt: "2026-11-21T10:00:00.000Z"}});
    const card = await screen.findByRole("region", {name: "Retrieval models"});
    expect(await within(card).findByText("static-glove-wordpiece")).toBeTruthy();
    expect(within(card).getByText("· 300 dimensions")).toBeTruthy();
    expect(within(card).getByText("bge-reranker-v2-m3-Q8_0.gguf")).toBeTruthy();
    expect(within(card).getByText("GGUF")).toBeTruthy();
    expect(within(card).getByText("Word matching 1.0 · Meaning 0.35, measured on this knowledge base")).toBeTruthy();
  });

  it("says when the embedding model is closed while idle", async () => {
    renderModels({embeddingModelOpen: false});
    const card = await screen.findByRole("region", {name: "Retrieval models"});
    expect(await within(card).findByText("· closed while idle, opens on the next search")).toBeTruthy();
  });

  it("says how to get a re-ranker when none is found", async () => {
    renderModels({reranker: null, embeddingModel: null, embeddingDimension: null});
    const card = await screen.findByRole("region", {name: "Retrieval models"});
    expect(await within(card).findByText(/None found — put a re-ranker \.gguf \(e\.g\. bge-reranker\) or cross-encoder folder in the models folder/)).toBeTruthy();
    expect(within(card).getByText(/None: search matches words only/)).toBeTruthy();
    expect(within(card).getByText(/^Not measured yet/)).toBeTruthy();
  });

  it("switches re-ranking off and on through settings", async () => {
    const {transport} = renderModels();
    const card = await screen.findByRole("region", {name: "Retrieval models"});
    const toggle = await within(card).findByRole("switch", {name: "Re-rank the best matches"});
    await waitFor(() => expect((toggle as HTMLButtonElement).disabled).toBe(false));
    expect(toggle.getAttribute("aria-checked")).toBe("true");

    const user = userEvent.setup();
    await user.click(toggle);
    expect(transport.callsOf("settings.update")).toEqual([{retrieval: {rerank: false}}]);
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("false"));
    // The core stops naming a re-ranker once re-ranking is off; the card says so.
    expect(await within(card).findByText("Off")).toBeTruthy();
    expect(within(card).queryByText("bge-reranker-v2-m3-Q8_0.gguf")).toBeNull();

    await user.click(toggle);
    expect(transport.callsOf("settings.update")[1]).toEqual({retrieval: {rerank: true}});
    expect(await within(card).findByText("bge-reranker-v2-m3-Q8_0.gguf")).toBeTruthy();
  });

  it("switches the embedding model only after the re-index is confirmed", async () => {
    const {transport} = renderModels();
    const card = await screen.findByRole("region", {name: "Retrieval models"});
    const select = (await within(card).findByRole("combobox", {name: "Embedding model"})) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe("static-glove-wordpiece"));
    expect(within(select).getByRole("option", {name: "nomic-embed-text-v1.5.Q8_0.gguf (GGUF)"})).toBeTruthy();

    const user = userEvent.setup();
    await user.selectOptions(select, "nomic-embed-text-v1.5.Q8_0.gguf");
    const dialog = await screen.findByRole("dialog", {name: "Switch to nomic-embed-text-v1.5.Q8_0.gguf?"});
    // Until confirmed and re-indexed, the model in use is what the list shows.
    expect(select.value).toBe("static-glove-wordpiece");
    await user.click(within(dialog).getByRole("button", {name: "Cancel"}));
    expect(transport.callsOf("knowledge.reindex")).toEqual([]);

    await user.selectOptions(select, "nomic-embed-text-v1.5.Q8_0.gguf");
    await user.click(within(await screen.findByRole("dialog", {name: "Switch to nomic-embed-text-v1.5.Q8_0.gguf?"})).getByRole("button", {name: "Re-index with it"}));
    await waitFor(() => expect(transport.callsOf("knowledge.reindex")).toEqual([{embeddingModel: "nomic-embed-text-v1.5.Q8_0.gguf"}]));
    // The card follows the re-index it started.
    transport.emit("knowledge.reindex", {state: "running", done: 3, total: 10, model: "nomic-embed-text-v1.5.Q8_0.gguf", error: null});
    expect(await within(card).findByText("Re-indexing with nomic-embed-text-v1.5.Q8_0.gguf…")).toBeTruthy();
  });

  it("chooses a re-ranker, or goes back to the first one found", async () => {
    const {transport} = renderModels();
    const card = await screen.findByRole("region", {name: "Retrieval models"});
    const select = (await within(card).findByRole("combobox", {name: "Re-ranking model"})) as HTMLSelectElement;
    await waitFor(() => expect(select.disabled).toBe(false));
    expect(select.value).toBe("");
    const user = userEvent.setup();
    await user.selectOptions(select, "ms-marco-MiniLM-L-6-v2");
    expect(transport.callsOf("settings.update")).toEqual([{knowledge: {rerankerModel: "ms-marco-MiniLM-L-6-v2"}}]);
    await waitFor(() => expect(select.value).toBe("ms-marco-MiniLM-L-6-v2"));
    await user.selectOptions(select, "");
    expect(transport.callsOf("settings.update")[1]).toEqual({knowledge: {rerankerModel: null}});
  });
});
