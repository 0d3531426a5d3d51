import {gzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {detectType} from "./detect-type.js";
import {parseDocument} from "./parse-document.js";
import type {Block} from "./types.js";
import {expectDesksideError, utf8} from "../../../../test/helpers/expect-error.js";

/** A runbook page the way Sphinx projects write them. */
const PAGE = `.. include:: global.rst.inc
.. highlight:: bash
.. _backups:

=================
 Backup runbook
=================

.. contents:: On this page
   :local:

.. |tool| replace:: **Borg**
.. |reg| unicode:: U+00AE

Overview
========

Nightly _\`backups\` run |tool|\\ |reg| as the *backup* user; see :ref:\`restore-steps\`
and :doc:\`/usage/prune\`. Report failures on the \`service desk <https://desk.example/>\`_
or to ops_ [#]_.

.. _ops: mailto:ops@example.org
.. [#] Weekdays only.

.. This comment is for the page's editors only.
   It spans two lines.

.. _restore-steps:

Restoring a file
----------------

Mount the archive first::

    borg mount /srv/repo::host-2024 /mnt/restore
    cp /mnt/restore/etc/hosts /etc/hosts

Or copy straight out of it::
    borg extract /srv/repo::host-2024 etc/hosts

Then unmount it:

.. code-block:: console
   :caption: Unmounting

   borg umount /mnt/restore

.. warning:: Never restore over a running
   database; stop it first.

.. note::

   The repository stays locked while mounted.

Options
~~~~~~~

-v, --verbose  Print every file.
--dry-run      Show what would happen.

.. option:: --lock-wait SECONDS

   Wait this long for the lock before giving up.

Terms
~~~~~

Repository
    Where the archives live.

Archive : noun
    One backup.

:Owner: Operations team
:orphan:

1. Stop the service.
2. Restore the files.

   Check their owners.

- First bullet
  continues here.
- Second bullet

+------------+--------------------+
| Exit code  | Meaning            |
+============+====================+
| 0          | success            |
+------------+--------------------+
| 2          | error, see the log |
|            | for details        |
+------------+--------------------+

=====  ==========
Code   Meaning
=====  ==========
1      warning
2      error
=====  ==========

.. list-table:: Schedules
   :header-rows: 1

   * - Host
     - Time
   * - db1
     - 02:00

.. csv-table::
   :header: "Host", "Repository"

   "web1", "/srv/web1"

.. versionadded:: 1.2
   Archives can be compared with \`\`borg diff\`\`.

.. image:: diagram.png
   :alt: Not read.

.. toctree::

   usage/prune
`;

async function parse(text: string, name = "runbook.rst") {
  return parseDocument(utf8(text), name);
}

const texts = (blocks: Block[], type?: Block["type"]) => blocks.filter((b) => !type || b.type === type).map((b) => b.text);

describe("parseRst", () => {
  it("reads titles at the level of their adornment style, the first one being the document's title", async () => {
    const doc = await parse(PAGE);
    expect(doc.kind).toBe("rst");
    expect(doc.mime).toBe("text/x-rst");
    expect(doc.title).toBe("Backup runbook");
    const headings = doc.blocks.filter((b) => b.type === "heading").map((b) => [b.level, b.text]);
    expect(headings).toEqual([
      [1, "Backup runbook"],
      [2, "Overview"],
      [3, "Restoring a file"],
      [4, "Options"],
      [4, "Terms"],
    ]);
    const options = doc.blocks.find((b) => b.text.startsWith("-v, --verbose"))!;
    expect(options.headingPath).toEqual(["Backup runbook", "Overview", "Restoring a file", "Options"]);
  });

  it("resolves inline markup, roles, links and substitutions as the page shows them", async () => {
    const doc = await parse(PAGE);
    const overview = texts(doc.blocks, "paragraph").find((t) => t.startsWith("Nightly"))!;
    expect(overview).toBe("Nightly backups run Borg® as the backup user; see Restoring a file and prune. Report failures on the service desk or to ops.");
  });

  it("leaves out comments, targets, tables of contents, includes, images and page options", async () => {
    const all = (await parse(PAGE)).blocks
      .filter((b) => b.type !== "code")
      .map((b) => b.text)
      .join("\n");
    for (const hidden of ["comment", "global.rst.inc", "On this page", "diagram.png", "Not read", "usage/prune", "orphan", "mailto", "highlight", ":local:"]) {
      expect(all).not.toContain(hidden);
    }
    expect(all).not.toMatch(/(^|\n)\.\. |::|\|tool\||`/);
  });

  it("keeps literal blocks and code directives as code, without their options", async () => {
    const doc = await parse(PAGE);
    expect(texts(doc.blocks, "code")).toEqual([
      "borg mount /srv/repo::host-2024 /mnt/restore\ncp /mnt/restore/etc/hosts /etc/hosts",
      "borg extract /srv/repo::host-2024 etc/hosts",
      "borg umount /mnt/restore",
    ]);
    expect(texts(doc.blocks, "paragraph")).toContain("Mount the archive first:");
  });

  it("labels admonitions and version notes, whether their text starts on the directive's line or below it", async () => {
    const paragraphs = texts((await parse(PAGE)).blocks, "paragraph");
    expect(paragraphs).toContain("Warning: Never restore over a running database; stop it first.");
    expect(paragraphs).toContain("Note: The repository stays locked while mounted.");
    expect(paragraphs).toContain("New in version 1.2: Archives can be compared with borg diff.");
  });

  it("reads option, definition, field, numbered and bullet lists as one item per entry", async () => {
    const items = texts((await parse(PAGE)).blocks, "list-item");
    expect(items).toEqual(
      expect.arrayContaining([
        "-v, --verbose\nPrint every file.",
        "--dry-run\nShow what would happen.",
        "--lock-wait SECONDS\nWait this long for the lock before giving up.",
        "Repository\nWhere the archives live.",
        "Archive\nOne backup.",
        "Owner: Operations team",
        "Stop the service.",
        "Restore the files.",
        "First bullet continues here.",
        "Second bullet",
        "[#] Weekdays only.",
      ]),
    );
    // An item's further paragraphs follow it.
    expect(texts((await parse(PAGE)).blocks, "paragraph")).toContain("Check their owners.");
  });

  it("reads grid, simple, list and CSV tables as rows named by their header", async () => {
    const rows = texts((await parse(PAGE)).blocks, "table-row");
    expect(rows).toEqual([
      "Exit code: 0; Meaning: success",
      "Exit code: 2; Meaning: error, see the log for details",
      "Code: 1; Meaning: warning",
      "Code: 2; Meaning: error",
      "Host: db1; Time: 02:00",
      "Host: web1; Repository: /srv/web1",
    ]);
  });

  it("is recognised by its extension, a built Sphinx site's .rst.txt, or its markup alone, and gzipped", async () => {
    expect((await detectType(utf8("Plain words.\n"), "notes.rst")).kind).toBe("rst");
    expect((await detectType(utf8("Plain words.\n"), "faq.rst.txt")).kind).toBe("rst");
    expect((await detectType(utf8(PAGE), "README")).kind).toBe("rst");
    expect((await detectType(utf8("Setup\n=====\n\nSee :ref:`install` and ``make``.\n"), "README.txt")).kind).toBe("rst");
    // Underlined titles alone are plain text's too; Markdown stays Markdown.
    expect((await detectType(utf8("Setup\n=====\n\nRun the installer.\n\nUsage\n-----\n\nRun it.\n"), "notes.txt")).kind).toBe("text");
    expect((await detectType(utf8("# Setup\n\n- Run `make`\n- See [docs](https://x.example)\n"), "notes.txt")).kind).toBe("markdown");
    const gz = await parseDocument(gzipSync(utf8(PAGE)), "runbook.rst.gz");
    expect(gz.kind).toBe("rst");
    expect(gz.title).toBe("Backup runbook");
    expect((await parse("Just a line.\n", "faq.rst.txt")).title).toBe("faq");
  });

  it("refuses a page that only includes other files, naming them", async () => {
    const error = await expectDesksideError(parse(".. include:: global.rst.inc\n\n.. include:: check.rst.inc\n", "check.rst.txt"));
    expect(error.code).toBe("FILE_EMPTY");
    expect(error.message).toMatch(/only includes other files \(global\.rst\.inc, check\.rst\.inc\)/);
  });

  it("stays linear on hostile layouts: unclosed markup, a staircase of indents, an endless table", async () => {
    const unclosed = `Title\n=====\n\n${"``open *star `tick :role:`x |sub ".repeat(40_000)}\n`;
    const staircase = `Title\n=====\n\n${Array.from({length: 2_000}, (_, index) => `${" ".repeat(index * 2)}- step ${index}`).join("\n")}\n`;
    const table = `${"+---".repeat(64)}+\n${`${"| x ".repeat(64)}|\n`.repeat(20_000)}`;
    const dots = `${"a.".repeat(300_000)}_\n`;
    const emptyColumns = `${"+---".repeat(64)}+\n${`| x ${"|   ".repeat(63)}|\n`.repeat(20_000)}`;
    // Quadratic reading of any of these would take minutes and run past the test's time limit.
    for (const text of [unclosed, staircase, table, dots, emptyColumns]) expect((await parse(text)).kind).toBe("rst");
  }, 20_000);
});
