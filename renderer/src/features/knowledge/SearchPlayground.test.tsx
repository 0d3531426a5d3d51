import {screen, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it} from "vitest";
import {STARTER_COLLECTION, type SearchResult} from "../../../../shared/knowledge.js";
import {settingsView} from "../../test/fixtures.js";
import {renderWithClient} from "../../test/render.js";
import {SearchPlayground} from "./SearchPlayground.js";

const hit = {
  chunkId: "d1:0",
  documentId: "d1",
  title: "VPN error 809",
  sourcePath: "/kb/vpn.md",
  headingPath: ["VPN error 809", "Fix"],
  page: null,
  row: null,
  text: "Allow UDP 500 and 4500.",
  collection: "Network",
  score: 0.9,
  scores: {fused: 0.03, vector: 0.7, text: 8.1},
};
const result = (overrides: Partial<SearchResult> = {}): SearchResult => ({hits: [hit], mode: "hybrid", effectiveMode: "hybrid", tookMs: 60, ...overrides});

async function search(handlers: Parameters<typeof renderWithClient>[1], collection?: string) {
  const rendered = renderWithClient(<SearchPlayground collections={["Network", STARTER_COLLECTION]} />, handlers);
  const user = userEvent.setup();
  await user.type(screen.getByRole("textbox", {name: "Search query"}), "vpn 809");
  if (collection) await user.selectOptions(screen.getByRole("combobox", {name: "Collection"}), collection);
  await user.click(screen.getByRole("button", {name: "Search"}));
  await screen.findByLabelText("Search results");
  return rendered;
}

describe("SearchPlayground", () => {
  it("marks hits whose text OCR read from a scan", async () => {
    await search({"knowledge.search": () => result({hits: [{...hit, chunkId: "d2:0", title: "Scanned notice", page: 2, ocr: true}, hit]})});
    const cards = within(screen.getByLabelText("Search results")).getAllByRole("listitem");
    expect(within(cards[0]).getByText("OCR").getAttribute("title")).toMatch(/misread/);
    expect(within(cards[0]).getByText(/page 2/)).toBeTruthy();
    expect(within(cards[1]).queryByText("OCR")).toBeNull();
  });

  it("shows where the time went and which re-ranker ordered the hits", async () => {
    await search({"knowledge.search": () => result({timings: {embedMs: 4.2, retrieveMs: 21.6, rerankMs: 33.4}, reranker: "bge-reranker-v2-m3-Q8_0.gguf"})});
    const timings = screen.getByLabelText("Search timings");
    const pairs = [...timings.querySelectorAll("div")].map((pair) => `${pair.querySelector("dt")!.textContent}=${pair.querySelector("dd")!.textContent}`);
    expect(pairs).toEqual(["Embed=4 ms", "Retrieve=22 ms", "Re-rank=33 ms", "Re-ranker=bge-reranker-v2-m3-Q8_0.gguf"]);
  });

  it("leaves out the re-rank time and model when no re-ranker ran", async () => {
    await search({"knowledge.search": () => result({timings: {embedMs: 1, retrieveMs: 9}})});
    const timings = screen.getByLabelText("Search timings");
    expect(within(timings).getByText("Embed")).toBeTruthy();
    expect(within(timings).queryByText("Re-rank")).toBeNull();
    expect(within(timings).queryByText("Re-ranker")).toBeNull();
  });

  it("leaves out collections excluded from answers when searching all, as chat does", async () => {
    const view = settingsView();
    view.settings.retrieval.excludedCollections = [STARTER_COLLECTION];
    const {transport} = await search({"settings.get": () => view, "knowledge.search": () => result()});
    expect(transport.callsOf("knowledge.search")).toEqual([{query: "vpn 809", mode: "hybrid", topK: 5, collection: null, excludeCollections: [STARTER_COLLECTION]}]);
    expect(screen.getByText(/leaving out Starter articles, as answers do/)).toBeTruthy();
  });

  it("searches a chosen collection as asked, excluded or not", async () => {
    const view = settingsView();
    view.settings.retrieval.excludedCollections = [STARTER_COLLECTION];
    const {transport} = await search({"settings.get": () => view, "knowledge.search": () => result()}, STARTER_COLLECTION);
    expect(transport.callsOf("knowledge.search")).toEqual([{query: "vpn 809", mode: "hybrid", topK: 5, collection: STARTER_COLLECTION}]);
  });
});
