import {describe, expect, it} from "vitest";
import {boundedNotes, DOCUMENT_NOTES, documentToRow, rowToDocument} from "./store-schema.js";
import {documentRecord} from "../../../test/helpers/document-records.js";

describe("a document's import notes as stored", () => {
  it("keeps up to the limit as they are, cuts long ones and counts what was left out", () => {
    expect(boundedNotes(["one", "two"])).toEqual(["one", "two"]);
    const long = "x".repeat(DOCUMENT_NOTES.chars + 50);
    expect(boundedNotes([long])[0]).toHaveLength(DOCUMENT_NOTES.chars);
    expect(boundedNotes([long])[0].endsWith("\u2026")).toBe(true);
    const many = Array.from({length: DOCUMENT_NOTES.count + 5}, (_, i) => `note ${i}`);
    const kept = boundedNotes(many);
    expect(kept).toHaveLength(DOCUMENT_NOTES.count);
    expect(kept.slice(0, -1)).toEqual(many.slice(0, DOCUMENT_NOTES.count - 1));
    expect(kept.at(-1)).toBe("6 more notes were left out.");
  });

  it("round-trips through a row, and reads a missing or unreadable column as none", () => {
    const doc = documentRecord("d1", "/kb/scan.pdf", {notes: ["2 of 9 pages have no text layer"]});
    expect(rowToDocument(documentToRow(doc)).notes).toEqual(doc.notes);
    expect(documentToRow(documentRecord("d2", "/kb/a.md")).notes).toBeNull();
    const row = documentToRow(doc);
    expect(rowToDocument({...row, notes: undefined}).notes).toEqual([]);
    expect(rowToDocument({...row, notes: "not json"}).notes).toEqual([]);
    expect(rowToDocument({...row, notes: '[1, "kept"]'}).notes).toEqual(["kept"]);
  });
});
