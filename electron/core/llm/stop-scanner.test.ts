import {describe, expect, it} from "vitest";
import {StopScanner} from "./stop-scanner.js";

/** Streams `pieces` through a scanner: what was passed on, and whether it stopped. */
function run(stops: string[], pieces: string[]) {
  const scanner = new StopScanner(stops);
  const passed: string[] = [];
  for (const piece of pieces) {
    const next = scanner.push(piece);
    passed.push(next.text);
    if (next.stopped) return {passed, stopped: true};
  }
  passed.push(scanner.flush());
  return {passed, stopped: false};
}

describe("StopScanner", () => {
  it("passes text on at once when it cannot be the start of a stop string", () => {
    expect(run(["\n\n### Human"], ["Restart", " the", " spooler."])).toEqual({passed: ["Restart", " the", " spooler.", ""], stopped: false});
  });

  it("stops at a stop string split over pieces and never passes any of it on", () => {
    const result = run(["\n\n### Human"], ["Done.", "\n", "\n##", "# Hu", "man: next", " question"]);
    expect(result).toEqual({passed: ["Done.", "", "", "", ""], stopped: true});
  });

  it("holds back a possible start, then releases it when the next piece shows it was not one", () => {
    expect(run(["END"], ["step 1 E", "ND?", "x"]).passed.join("")).toBe("step 1 ");
    expect(run(["END"], ["step 1 E", "asy"])).toEqual({passed: ["step 1 ", "Easy", ""], stopped: false});
    // Generation ended while holding a possible start: it is passed on at the end.
    expect(run(["END"], ["step 1 EN"])).toEqual({passed: ["step 1 ", "EN"], stopped: false});
  });

  it("ends at the earliest of several stop strings and cuts what follows in the same piece", () => {
    expect(run(["B", "A"], ["xxAyyB"])).toEqual({passed: ["xx"], stopped: true});
    expect(run(["©W"], ["inst", "© ", "Wi"])).toEqual({passed: ["inst", "© ", "Wi", ""], stopped: false});
    expect(run(["© W"], ["inst", "©", " Wi"])).toEqual({passed: ["inst", "", ""], stopped: true});
  });

  it("ignores empty stop strings", () => {
    expect(run(["", ""], ["a", "b"])).toEqual({passed: ["a", "b", ""], stopped: false});
  });
});
