import {render, screen} from "@testing-library/react";
import {describe, expect, it} from "vitest";
import {citation} from "../../test/fixtures.js";
import {CitationChips} from "./CitationChips.js";

describe("CitationChips", () => {
  it("shows an OCR badge on sources whose text was recognised from a scan, and says so to screen readers", () => {
    render(<CitationChips sources={[citation(1, {ocr: true, page: 3}), citation(2)]} activeIndex={null} onOpen={() => undefined} />);
    const scanned = screen.getByRole("button", {name: /^Source 1: .*\(recognised by OCR\)$/});
    expect(scanned.querySelector(".badge")?.textContent).toBe("OCR");
    const typed = screen.getByRole("button", {name: /^Source 2: /});
    expect(typed.querySelector(".badge")).toBeNull();
    expect(typed.getAttribute("aria-label")).not.toMatch(/OCR/);
  });
});
