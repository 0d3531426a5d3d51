import {describe, expect, it} from "vitest";
import {readStrictArguments} from "./strict-arguments.js";

const SPEC = {strings: [{flag: "data-dir", value: "FOLDER"}], switches: [{flag: "check"}, {flag: "help", short: "h"}]};

describe("readStrictArguments", () => {
  it("returns what was given", () => {
    expect(readStrictArguments(["--data-dir", "/d", "--check"], SPEC)).toEqual({"data-dir": "/d", check: true});
    expect(readStrictArguments(["-h"], SPEC)).toEqual({help: true});
  });

  it("names the flag a typo meant only when one is close", () => {
    expect(() => readStrictArguments(["--data_dir", "/d"], SPEC)).toThrow(/did you mean --data-dir\?/);
    expect(() => readStrictArguments(["--chek"], SPEC)).toThrow(/Unknown option --chek \(did you mean --check\?\)/);
    expect(() => readStrictArguments(["--repair"], SPEC)).toThrow(/^Unknown option --repair\. /);
  });
});
