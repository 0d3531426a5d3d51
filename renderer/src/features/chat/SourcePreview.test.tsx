import {screen, within} from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import {describe, expect, it, vi} from "vitest";
import type {DocumentText} from "../../../../shared/contract.js";
import {citation, knowledgeDocument} from "../../test/fixtures.js";
import {fail} from "../../test/fake-transport.js";
import {renderWithClient} from "../../test/render.js";
import {SourcePreview} from "./SourcePreview.js";

const SECTION = "Error 809\nThe VPN server did not answer.\n\nFix\nAllow UDP 500 and 4500 on the firewall.\nThen reconnect.";
const CITED = "Allow UDP 500 and 4500 on the firewall.";
const withPassage = citation(1, {passage: {text: SECTION, highlight: {start: SECTION.indexOf(CITED), end: SECTION.indexOf(CITED) + CITED.length}}});

const WHOLE = `VPN error 809\nIntroduction.\n\n${SECTION}\n\nEscalation\nCall the network team.`;
const documentText = (overrides: Partial<DocumentText> = {}): DocumentText => ({
  document: knowledgeDocument({id: "doc-1", title: "VPN error 809", sourcePath: "/kb/vpn-1.md", collection: "Network"}),
  text: WHOLE,
  highlight: {start: WHOLE.indexOf(CITED), end: WHOLE.indexOf(CITED) + CITED.length},
  truncated: false,
  ...overrides,
});

function renderPreview(source = withPassage, handlers: Parameters<typeof renderWithClient>[1] = {}) {
  const onClose = vi.fn();
  const result = renderWithClient(<SourcePreview citation={source} onClose={onClose} />, {"knowledge.document": () => documentText(), ...handlers});
  return {...result, onClose};
}

describe("SourcePreview", () => {
  it("shows the whole section around the cited excerpt with the excerpt marked", () => {
    renderPreview();
    const passage = screen.getByRole("region", {name: "Cited passage"});
    expect(passage.tagName).toBe("BLOCKQUOTE");
    expect(passage.textContent).toBe(SECTION);
    expect(passage.querySelector("mark")?.textContent).toBe(CITED);
    // The short snippet is not shown beside the passage.
    expect(screen.queryByText(withPassage.snippet)).toBeNull();
  });

  it("marks text recognised by OCR, with why to check it against the original on hovering", () => {
    renderPreview(citation(3, {ocr: true, page: 4}));
    const facts = screen.getByText("Location").closest("dl")!;
    expect(within(facts).getByText("Page 4")).toBeTruthy();
    const badge = within(facts).getByText("OCR");
    expect(badge.getAttribute("title")).toMatch(/misread/);
    expect(badge.closest("dd")!.textContent).toBe("OCR read from a scan");
    renderPreview(citation(4));
    expect(screen.getAllByText("OCR")).toHaveLength(1);
  });

  it("falls back to the snippet when the citation has no passage", () => {
    renderPreview(citation(2));
    expect(screen.queryByRole("region", {name: "Cited passage"})).toBeNull();
    const quote = screen.getByText(/did not answer on UDP 500\/4500/);
    expect(quote.tagName).toBe("BLOCKQUOTE");
    expect(quote.querySelector("mark")).toBeNull();
  });

  it("opens the whole document at the cited excerpt, and Escape closes only the document", async () => {
    const {transport, onClose} = renderPreview();
    const user = userEvent.setup();
    const open = screen.getByRole("button", {name: "Open whole document"});
    await user.click(open);
    expect(transport.callsOf("knowledge.document")).toEqual([{id: "doc-1", chunkId: "chunk-1"}]);

    const dialog = await screen.findByRole("dialog", {name: "VPN error 809"});
    expect(within(dialog).getByText("vpn-1.md · Network")).toBeTruthy();
    const text = await within(dialog).findByRole("region", {name: "Document text"});
    expect(text.textContent).toBe(WHOLE);
    expect(text.querySelector("mark")?.textContent).toBe(CITED);
    expect(within(dialog).queryByText(/very long/)).toBeNull();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole("complementary", {name: "Source 1"})).toBeTruthy();
    expect(document.activeElement).toBe(open);
  });

  it("says when a long document was cut, and when the cited excerpt is not in what is shown", async () => {
    renderPreview(withPassage, {"knowledge.document": () => documentText({truncated: true, highlight: null})});
    await userEvent.setup().click(screen.getByRole("button", {name: "Open whole document"}));
    const dialog = await screen.findByRole("dialog");
    expect(await within(dialog).findByText(/This document is very long: the first \d+ characters are shown here/)).toBeTruthy();
    expect(within(dialog).getByText(/The cited passage is not in the part shown here/)).toBeTruthy();
    expect(within(dialog).getByRole("region", {name: "Document text"}).querySelector("mark")).toBeNull();
  });

  it("shows why a document cannot be opened, without a stack trace", async () => {
    renderPreview(withPassage, {"knowledge.document": () => fail("NOT_FOUND", "That document is not in the knowledge base.")});
    await userEvent.setup().click(screen.getByRole("button", {name: "Open whole document"}));
    const dialog = await screen.findByRole("dialog");
    expect(await within(dialog).findByText("That document is not in the knowledge base.")).toBeTruthy();
  });
});
