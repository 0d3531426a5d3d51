import {gzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {detectType} from "./detect-type.js";
import {parseDocument} from "./parse-document.js";
import type {Block} from "./types.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

const US = "\u001f";
/** What makeinfo writes around an index node's entries for the Info reader. */
const INDEX_MARKER = "\u0000\u0008[index\u0000\u0008]";

/** An Info manual laid out the way makeinfo lays one out: preamble, nodes, menus, an index, the tag table. */
const MANUAL = [
  "This is spool.info, produced by makeinfo version 7.0 from spool.texi.",
  "",
  "This manual is for spool, version 2.1.",
  "INFO-DIR-SECTION Printing",
  "START-INFO-DIR-ENTRY",
  "* spool: (spool).       The print spooler.",
  "END-INFO-DIR-ENTRY",
  "",
  US,
  "File: spool.info,  Node: Top,  Next: Invoking spool,  Up: (dir)",
  "",
  "GNU ‘spool’",
  "***********",
  "",
  "This manual documents the print spooler.",
  "",
  "* Menu:",
  "",
  "* Invoking spool::     Running the spooler.",
  "* Queues::             Where jobs wait.",
  "* Index::              Every topic.",
  "",
  US,
  "File: spool.info,  Node: Invoking spool,  Next: Queues,  Prev: Top,  Up: Top",
  "",
  "1 Running spool",
  "***************",
  "",
  "The spooler reads its jobs from the queue folder.  It is normally",
  "started at boot.",
  "",
  "   A later paragraph starts indented, as Info indents it; for",
  "example:",
  "",
  "     spool --queue-limit=20 /var/spool/jobs",
  "",
  "‘-q N’",
  "‘--queue-limit=N’",
  "     Refuse new jobs once N jobs are waiting.  *Note Queues::, for",
  "     how jobs wait.",
  "",
  "     A second paragraph of the same option.",
  "",
  "‘--retry’",
  "     Send a failed job again after the printer comes back:",
  "          spool --retry --delay=30",
  "",
  " -- Command: spoolctl purge [HOURS]",
  "     Remove finished jobs older than HOURS (*note Purging: Queues.).",
  "",
  "   Exit status:",
  "",
  "   • 0 when every job was sent,",
  "     even after retries.",
  "   • 1 when a job failed.",
  "",
  "The spooler refuses a job in two cases:",
  "  1. The queue is full (*note Queue",
  "     limits::).",
  "  2. The printer is marked offline.",
  "",
  "1.1 Common problems",
  "===================",
  "",
  "If the printer is offline the job stays in the queue.",
  "",
  US,
  "File: spool.info,  Node: Queues,  Next: Index,  Prev: Invoking spool,  Up: Top",
  "",
  "2 Queues",
  "********",
  "",
  "Jobs wait in ‘/var/spool/jobs’ until a printer takes them.(1)",
  "",
  "   ---------- Footnotes ----------",
  "",
  "   (1) One folder per printer.",
  "",
  US,
  "File: spool.info,  Node: Index,  Prev: Queues,  Up: Top",
  "",
  "Index",
  "*****",
  "",
  `${INDEX_MARKER}`,
  "* Menu:",
  "",
  "* queue limit:                          Invoking spool.       (line 12)",
  "* retry:                                Invoking spool.       (line 20)",
  "",
  US,
  "Tag Table:",
  "Node: Top\u007f200",
  "Node: Invoking spool\u007f600",
  US,
  "End Tag Table",
  "",
  US,
  "Local Variables:",
  "coding: utf-8",
  "End:",
  "",
].join("\n");

async function parse(text: string, name = "spool.info") {
  return parseDocument(utf8(text), name);
}

function find(blocks: Block[], start: string): Block {
  const block = blocks.find((candidate) => candidate.text.startsWith(start));
  if (!block) throw new Error(`no block starts with ${start}`);
  return block;
}

describe("GNU Info manuals", () => {
  it("is told from plain text by its node headers, even with the index's NUL markers", async () => {
    expect(await detectType(utf8(MANUAL), "spool.info")).toEqual({kind: "info", mime: "text/x-info"});
    // Named like anything else, the content still decides.
    expect((await detectType(utf8(MANUAL), "notes.txt")).kind).toBe("info");
    // NUL bytes anywhere else are still binary.
    const binary = MANUAL.replace("This manual documents", "This \u0000\u0001\u0002 documents");
    expect((await expectDesksideError(detectType(utf8(binary), "spool.info"))).code).toBe("UNSUPPORTED_TYPE");
    // A text that only mentions a node header is text.
    expect((await detectType(utf8("Info files start with File: x.info, Node: Top, but this is a note."), "notes.txt")).kind).toBe("text");
  });

  it("reads nodes as sections: headings from underlines, without menus, the index or the reader's tables", async () => {
    const doc = await parse(MANUAL);
    expect(doc.kind).toBe("info");
    expect(doc.mime).toBe("text/x-info");
    expect(doc.title).toBe("GNU spool");
    expect(doc.meta).toMatchObject({manual: "spool.info", nodes: 4});
    const headings = doc.blocks.filter((block) => block.type === "heading").map((block) => [block.level, block.text, block.headingPath.join(" > ")]);
    expect(headings).toEqual([
      [1, "GNU ‘spool’", ""],
      [1, "1 Running spool", ""],
      [2, "1.1 Common problems", "1 Running spool"],
      [1, "2 Queues", ""],
      [1, "Index", ""],
    ]);
    const text = doc.blocks.map((block) => block.text).join("\n");
    // The preamble, menus, index entries, tag table and local variables are for the Info reader.
    // eslint-disable-next-line no-control-regex -- the Info layout characters must not reach the text
    expect(text).not.toMatch(/makeinfo|START-INFO-DIR-ENTRY|Menu:|Where jobs wait|queue limit:|\(line 12\)|Tag Table|coding: utf-8|File: spool|\u0000|\u001f/);
    expect(find(doc.blocks, "If the printer is offline").headingPath).toEqual(["1 Running spool", "1.1 Common problems"]);
  });

  it("joins paragraphs, keeps examples as code, and makes each option's tags and description one list item", async () => {
    const {blocks} = await parse(MANUAL);
    expect(find(blocks, "The spooler reads").text).toBe("The spooler reads its jobs from the queue folder. It is normally started at boot.");
    expect(find(blocks, "A later paragraph").type).toBe("paragraph");
    expect(find(blocks, "spool --queue-limit=20")).toMatchObject({type: "code", text: "spool --queue-limit=20 /var/spool/jobs"});

    const option = find(blocks, "‘-q N’");
    expect(option.type).toBe("list-item");
    expect(option.text).toBe("‘-q N’, ‘--queue-limit=N’\nRefuse new jobs once N jobs are waiting. See Queues, for how jobs wait.");
    expect(find(blocks, "A second paragraph of the same option").type).toBe("paragraph");

    // An example right under a description, without a blank line, is still an example.
    expect(find(blocks, "‘--retry’").text).toBe("‘--retry’\nSend a failed job again after the printer comes back:");
    expect(find(blocks, "spool --retry --delay=30").type).toBe("code");

    expect(find(blocks, "Command: spoolctl purge")).toMatchObject({type: "list-item", text: "Command: spoolctl purge [HOURS]\nRemove finished jobs older than HOURS (see Purging)."});
    expect(find(blocks, "Exit status:").type).toBe("paragraph");
    expect(find(blocks, "0 when every job")).toMatchObject({type: "list-item", text: "0 when every job was sent, even after retries."});
    expect(find(blocks, "1 when a job failed").type).toBe("list-item");
    // A list right under a paragraph, its items' wrapped lines set in: still items, not an example.
    expect(find(blocks, "The spooler refuses a job").type).toBe("paragraph");
    expect(find(blocks, "The queue is full")).toMatchObject({type: "list-item", text: "The queue is full (see Queue limits)."});
    expect(find(blocks, "The printer is marked offline").type).toBe("list-item");
    expect(find(blocks, "(1) One folder per printer.").headingPath).toEqual(["2 Queues"]);
    expect(blocks.some((block) => /Footnotes/.test(block.text))).toBe(false);
  });

  it("reads a gzipped manual and each part of a split one; the main file of a split manual names its parts", async () => {
    const gzipped = await parseDocument(gzipSync(utf8(MANUAL)), "spool.info.gz");
    expect(gzipped).toMatchObject({kind: "info", title: "GNU spool", meta: {compression: "gzip"}});

    const preamble = MANUAL.slice(0, MANUAL.indexOf(US));
    const main = `${preamble}${US}\nIndirect:\nspool.info-1: 300\nspool.info-2: 9000\n${US}\nTag Table:\n(Indirect)\nNode: Top\u007f300\n${US}\nEnd Tag Table\n`;
    const error = await expectDesksideError(parse(main, "spool.info"));
    expect(error.code).toBe("FILE_EMPTY");
    expect(error.message).toMatch(/only lists its parts \(spool\.info-1, spool\.info-2\), which hold the text/);

    const secondPart = `${preamble}${MANUAL.slice(MANUAL.indexOf(`${US}\nFile: spool.info,  Node: Queues`))}`;
    const part = await parse(secondPart, "spool.info-2");
    expect(part.title).toBe("spool.info, part 2");
    expect(part.blocks[0].text).toBe("2 Queues");
    const first = await parse(MANUAL, "spool.info-1");
    expect(first.title).toBe("GNU spool, part 1");
  });

  it("refuses Info's directory of manuals, which only lists them", async () => {
    const dir = `-*- Text -*-\nThis is the file .../info/dir.\n${US}\nFile: dir\tNode: Top\tThis is the top of the INFO tree\n\n* Menu:\n\nPrinting\n* spool: (spool).   The print spooler.\n`;
    const error = await expectDesksideError(parse(dir, "dir"));
    expect(error.code).toBe("FILE_EMPTY");
    expect(error.message).toMatch(/list of installed manuals/);
  });

  it("stays linear on hostile layouts: unfinished references, a staircase of indents, long blank runs", async () => {
    const header = `${US}\nFile: x.info,  Node: Top,  Up: (dir)\n\nX\n*\n\n`;
    const references = `${header}${"*note unfinished reference ".repeat(50_000)}\n`;
    const staircase = `${header}${Array.from({length: 1_000}, (_, index) => `${" ".repeat(index * 4)}step ${index}`).join("\n")}\n`;
    const spaces = `${header}${" ".repeat(2_000_000)}x\n${"   \n".repeat(200_000)}last words here\n`;
    // Quadratic reading of any of these would take minutes and run past the test's time limit.
    for (const text of [references, staircase, spaces]) expect((await parse(text)).kind).toBe("info");
  }, 20_000);
});
