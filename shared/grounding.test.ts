import {describe, expect, it} from "vitest";
import {citedIndexes, citedSources, groundedMode} from "./grounding.js";

const sources = [{index: 1}, {index: 2}];

describe("grounding", () => {
  it("reads single and listed markers in order of first use", () => {
    expect(citedIndexes("Allow UDP 500 [2] and 4500 [1, 2]; see [2].")).toEqual([2, 1]);
    expect(citedIndexes("No markers, only [a] and [].")).toEqual([]);
  });

  it("counts only markers that match a source", () => {
    expect(citedSources("See [3] and [2].", sources)).toEqual([{index: 2}]);
  });

  it("keeps grounded only for an answer that cites one of its sources", () => {
    expect(groundedMode("grounded", "Restart the service [1].", sources)).toBe("grounded");
    expect(groundedMode("grounded", "Restart the service.", sources)).toBe("uncited");
    expect(groundedMode("grounded", "Restart the service [7].", sources)).toBe("uncited");
    expect(groundedMode("grounded", "Restart the service [1].", [])).toBe("uncited");
  });

  it("leaves the other modes alone", () => {
    expect(groundedMode("general", "No sources here.", [])).toBe("general");
    expect(groundedMode("retrieval-only", "**[1] VPN**", sources)).toBe("retrieval-only");
    expect(groundedMode("no-answer", "Nothing found.", [])).toBe("no-answer");
  });
});
