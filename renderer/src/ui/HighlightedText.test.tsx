import {render, screen} from "@testing-library/react";
import {describe, expect, it, vi} from "vitest";
import {HighlightedText, splitAtRange} from "./HighlightedText.js";

describe("splitAtRange", () => {
  it("splits around the range and clamps one that runs past the text", () => {
    expect(splitAtRange("abcdef", {start: 2, end: 4})).toEqual({before: "ab", marked: "cd", after: "ef"});
    expect(splitAtRange("abcdef", {start: 4, end: 99})).toEqual({before: "abcd", marked: "ef", after: ""});
  });

  it("marks nothing for no range, an empty one or one past the end", () => {
    expect(splitAtRange("abc", null)).toBeNull();
    expect(splitAtRange("abc", {start: 1, end: 1})).toBeNull();
    expect(splitAtRange("abc", {start: 7, end: 9})).toBeNull();
  });
});

describe("HighlightedText", () => {
  it("wraps the range in <mark> and keeps the whole text", () => {
    render(<HighlightedText text="Symptoms. Fix: restart the spooler. Done." highlight={{start: 10, end: 35}} label="Passage" />);
    const box = screen.getByRole("region", {name: "Passage"});
    expect(box.textContent).toBe("Symptoms. Fix: restart the spooler. Done.");
    expect(box.querySelector("mark")?.textContent).toBe("Fix: restart the spooler.");
  });

  it("scrolls its own box so the mark sits in the middle", () => {
    // jsdom has no layout: place the mark 900 px below the top of a 400 px box.
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(400);
    vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(function (this: Element) {
      const mark = this.tagName === "MARK";
      return {top: mark ? 1000 : 100, height: mark ? 40 : 400, bottom: 0, left: 0, right: 0, width: 0, x: 0, y: 0, toJSON: () => ({})};
    });
    render(<HighlightedText text={"line\n".repeat(200)} highlight={{start: 500, end: 520}} label="Document" />);
    expect(screen.getByRole("region", {name: "Document"}).scrollTop).toBe(900 - (400 - 40) / 2);
  });

  it("shows a mark taller than the box from its start", () => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(200);
    vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(function (this: Element) {
      const mark = this.tagName === "MARK";
      return {top: mark ? 600 : 100, height: mark ? 500 : 200, bottom: 0, left: 0, right: 0, width: 0, x: 0, y: 0, toJSON: () => ({})};
    });
    render(<HighlightedText text={"word ".repeat(400)} highlight={{start: 100, end: 900}} label="Document" />);
    expect(screen.getByRole("region", {name: "Document"}).scrollTop).toBe(500 - 8);
  });

  it("renders plain text without a range", () => {
    render(<HighlightedText as="blockquote" text="Only the excerpt." highlight={null} />);
    const quote = screen.getByText("Only the excerpt.");
    expect(quote.tagName).toBe("BLOCKQUOTE");
    expect(quote.querySelector("mark")).toBeNull();
  });
});
