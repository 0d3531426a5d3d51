import {describe, expect, it} from "vitest";
import {RUNTIME_OPTIONS} from "./runtime-config.js";
import {readServeArguments, serveUsage} from "./serve-arguments.js";

describe("readServeArguments", () => {
  it("accepts every override, both spellings, and the server's own switches", () => {
    expect(readServeArguments(["--port", "4000", "--data-dir=/srv/deskside", "--gpu", "cpu", "--print-token"])).toEqual({help: false, version: false});
    expect(readServeArguments(["-h"]).help).toBe(true);
    expect(readServeArguments(["--version"]).version).toBe(true);
    expect(readServeArguments([])).toEqual({help: false, version: false});
  });

  it("stops at a mistyped flag and names the one meant", () => {
    expect(() => readServeArguments(["--datadir", "/srv/deskside"])).toThrow(/Unknown option --datadir \(did you mean --data-dir\?\)/);
    expect(() => readServeArguments(["--prot", "4000"])).toThrow(/Unknown option --prot \(did you mean --port\?\)/);
    expect(() => readServeArguments(["--frobnicate"])).toThrow(/^Unknown option --frobnicate\. Run with --help/);
  });

  it("stops at a flag without its value and at stray words", () => {
    expect(() => readServeArguments(["--port"])).toThrow(/--port needs a value \(--port N\)/);
    expect(() => readServeArguments(["--data-dir", "--port", "4000"])).toThrow(/--data-dir needs a value/);
    expect(() => readServeArguments(["--help=yes"])).toThrow(/--help takes no value/);
    expect(() => readServeArguments(["4000"])).toThrow(/Unexpected argument "4000"/);
  });

  it("lists every flag with its environment variable in the help", () => {
    const usage = serveUsage();
    for (const option of RUNTIME_OPTIONS) expect(usage).toMatch(new RegExp(`--${option.flag} .*\\[${option.env}\\]`));
    expect(usage).toContain("--print-token");
  });
});
