import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

describe("JSON parsing", () => {
  it("reads an FAQ export wrapped in an object, whatever the case of its keys", async () => {
    const faq = {
      faqs: [
        {Question: "How do I reset my VPN password?", Answer: "Use the self-service portal.", category: "VPN"},
        {q: "Printer offline?", a: "Restart the spooler."},
      ],
    };
    const doc = await parseDocument(utf8(JSON.stringify(faq, null, 2)), "faq.json");
    expect(doc).toMatchObject({title: "faq", kind: "json", mime: "application/json", meta: {format: "json", recordCount: 2}});
    expect(doc.blocks).toEqual([
      {type: "record", text: "Question: How do I reset my VPN password?\nAnswer: Use the self-service portal.\nCategory: VPN", headingPath: [], row: 1},
      {type: "record", text: "Question: Printer offline?\nAnswer: Restart the spooler.", headingPath: [], row: 2},
    ]);
  });

  it("recognises ticket fields one level down and flattens other objects", async () => {
    const tickets = [
      {key: "IT-7", fields: {summary: "Outlook crashes", description: "Crashes at start", resolution: {name: "Fixed"}}},
      {title: "Wi-Fi drops", body: "Update the driver."},
      {host: "srv-01", port: 443, tags: ["web", "prod"]},
    ];
    const doc = await parseDocument(utf8(JSON.stringify(tickets)), "tickets.json");
    expect(doc.blocks.map((block) => block.text)).toEqual([
      "Title: Outlook crashes\nDescription: Crashes at start\nResolution: Fixed\nKey: IT-7",
      "Title: Wi-Fi drops\nUpdate the driver.",
      "host: srv-01\nport: 443\ntags: web, prod".replace(/^(\w)/gm, (c) => c.toUpperCase()),
    ]);
  });

  it("reads JSON Lines, skipping a bad line with a warning", async () => {
    const jsonl = '{"subject":"VPN down","description":"Gateway unreachable"}\n{"subject": oops\n{"summary":"Laptop slow","resolution":"Disk cleanup"}\n';
    const doc = await parseDocument(utf8(jsonl), "tickets.jsonl");
    expect(doc.mime).toBe("application/x-ndjson");
    expect(doc.blocks.map((block) => [block.row, block.text])).toEqual([
      [1, "Title: VPN down\nGateway unreachable"],
      [3, "Title: Laptop slow\nDisk cleanup"],
    ]);
    expect(doc.warnings).toEqual([expect.stringMatching(/Line 2 is not valid JSON/)]);
  });

  it("reads one nested document (an API reference) as named sections with their prose", async () => {
    const reference = {
      modules: [
        {
          textRaw: "File system",
          type: "module",
          desc: "<p>Reads &amp; writes files.</p>\n<p>Every method has a <code>sync</code> form.</p><!-- slot -->",
          methods: [{textRaw: "fs.readFile(path)", type: "method", desc: "<p>Reads the whole file into memory.</p>", params: [{name: "path", type: "string"}]}],
        },
      ],
      globals: [{textRaw: "process", desc: "The process object describes the running program."}],
    };
    const doc = await parseDocument(utf8(JSON.stringify(reference)), "all.json");
    expect(doc.meta.reading).toBe("tree");
    expect(doc.blocks).toEqual([
      {type: "heading", text: "File system", level: 1, headingPath: []},
      {type: "paragraph", text: "Reads & writes files.", headingPath: ["File system"]},
      {type: "paragraph", text: "Every method has a sync form.", headingPath: ["File system"]},
      {type: "heading", text: "fs.readFile(path)", level: 2, headingPath: ["File system"]},
      {type: "paragraph", text: "Reads the whole file into memory.", headingPath: ["File system", "fs.readFile(path)"]},
      {type: "heading", text: "path", level: 3, headingPath: ["File system", "fs.readFile(path)"]},
      {type: "heading", text: "process", level: 1, headingPath: []},
      {type: "paragraph", text: "The process object describes the running program.", headingPath: ["process"]},
    ]);
    // Names and values without prose are still nothing to import.
    const bare = {servers: [{name: "a", port: 1, tls: true, zone: "x", rack: 2}], clients: [{name: "b", port: 2, tls: false, zone: "y", rack: 3}]};
    expect((await expectDesksideError(parseDocument(utf8(JSON.stringify(bare)), "inventory.json"))).code).toBe("FILE_EMPTY");
  });

  it("fails on malformed JSON and on JSON Lines where every line is bad", async () => {
    const malformed = await expectDesksideError(parseDocument(utf8('{"faqs": [{"question": "a", '), "faq.json"));
    expect(malformed.code).toBe("PARSE_FAILED");
    expect(malformed.message).toMatch(/not valid/);
    expect((await expectDesksideError(parseDocument(utf8("{oops\n{nope\n"), "bad.jsonl"))).code).toBe("PARSE_FAILED");
  });
});

describe("running out of memory while reading", () => {
  it("is a file too large, not a damaged file, however V8 says it", async () => {
    const {isAllocationFailure, outOfMemory} = await import("./file-limits.js");
    for (const message of ["Invalid string length", "Invalid array length", "Invalid typed array length: 4294967296", "Array buffer allocation failed"])
      expect(isAllocationFailure(new RangeError(message)), message).toBe(true);
    expect(isAllocationFailure(new RangeError("Maximum call stack size exceeded"))).toBe(false);
    expect(isAllocationFailure(new SyntaxError("Unexpected token"))).toBe(false);
    const error = outOfMemory({maxMemoryMb: 64});
    expect(error).toMatchObject({code: "FILE_TOO_LARGE", details: {maxMemoryMb: 64}});
    expect(error.message).toMatch(/more than 64 MB of memory/);
  });
});
