import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {utf8} from "../../../../test/helpers/expect-error.js";

const RUNBOOK = `# VPN Runbook

Connect through the [portal](https://vpn.example.com) &amp; sign in with **SSO**.
This line wraps softly.

## Windows

### Install

- Download the client
  - from the portal
- Run the installer

1. Open *Settings*
2. Choose VPN

| Setting | Value |
|---------|-------|
| Server  | vpn.example.com |
| Port    | 443 |

\`\`\`powershell
Test-NetConnection vpn.example.com -Port 443
  # indented comment
\`\`\`

## macOS

> Install from the App Store.
`;

describe("Markdown parsing", () => {
  it("turns nested headings into paths and keeps lists, table rows and code", async () => {
    const doc = await parseDocument(utf8(RUNBOOK), "vpn.md");
    expect(doc.title).toBe("VPN Runbook");
    expect(doc.blocks.map((block) => [block.type, block.headingPath.join(" > "), block.text])).toEqual([
      ["heading", "", "VPN Runbook"],
      ["paragraph", "VPN Runbook", "Connect through the portal (https://vpn.example.com) & sign in with SSO. This line wraps softly."],
      ["heading", "VPN Runbook", "Windows"],
      ["heading", "VPN Runbook > Windows", "Install"],
      ["list-item", "VPN Runbook > Windows > Install", "Download the client"],
      ["list-item", "VPN Runbook > Windows > Install", "from the portal"],
      ["list-item", "VPN Runbook > Windows > Install", "Run the installer"],
      ["list-item", "VPN Runbook > Windows > Install", "1. Open Settings"],
      ["list-item", "VPN Runbook > Windows > Install", "2. Choose VPN"],
      ["table-row", "VPN Runbook > Windows > Install", "Setting: Server; Value: vpn.example.com"],
      ["table-row", "VPN Runbook > Windows > Install", "Setting: Port; Value: 443"],
      ["code", "VPN Runbook > Windows > Install", "Test-NetConnection vpn.example.com -Port 443\n  # indented comment"],
      ["heading", "VPN Runbook", "macOS"],
      ["paragraph", "VPN Runbook > macOS", "Install from the App Store."],
    ]);
    expect(doc.blocks.filter((block) => block.type === "heading").map((block) => block.level)).toEqual([1, 2, 3, 2]);
  });

  it("handles a file name with spaces and non-Latin characters", async () => {
    const doc = await parseDocument(utf8("Подключение к VPN: откройте клиент.\n\n## Шаги\n\n- Войти\n"), "Руководство VPN 手册.md");
    expect(doc.title).toBe("Руководство VPN 手册");
    expect(doc.kind).toBe("markdown");
    expect(doc.blocks.at(-1)).toMatchObject({type: "list-item", text: "Войти", headingPath: ["Шаги"]});
  });

  it("uses front matter for the title and keeps it out of the text", async () => {
    const doc = await parseDocument(utf8("---\ntitle: Printer FAQ\ntags: [printing]\n---\n\nPaper jams: open tray 2.\n"), "faq.md");
    expect(doc.title).toBe("Printer FAQ");
    expect(doc.blocks.map((block) => block.text)).toEqual(["Paper jams: open tray 2."]);
  });

  it("reads MyST (Sphinx's Markdown): directives by what a reader sees, roles as their text, targets left out", async () => {
    const myst = [
      "# Caching",
      "",
      "```{versionadded} 6.0",
      "```",
      "",
      "(wheel-caching)=",
      "",
      "## Where it is",
      "",
      "See {ref}`the cache commands <cache-commands>` and {doc}`/topics/configuration`.",
      "",
      "```{caution}",
      ":class: dropdown",
      "The layout may change between **any** two versions.",
      "```",
      "",
      ":::{tip} Clear it with `pip cache purge`.",
      "It is safe.",
      ":::",
      "",
      "```{code-block} console",
      "$ pip cache dir",
      "```",
      "",
      "```{toctree}",
      "topics/index",
      "```",
      "",
      "```{tab} Linux",
      "Under `~/.cache/pip`.",
      "```",
      "",
      "```python",
      "x = {ref}`kept`  # code is left as written",
      "```",
    ].join("\n");
    const doc = await parseDocument(utf8(myst), "caching.md");
    expect(doc.blocks.map((block) => [block.type, block.text])).toEqual([
      ["heading", "Caching"],
      ["paragraph", "New in version 6.0:"],
      ["heading", "Where it is"],
      ["paragraph", "See the cache commands and configuration."],
      ["paragraph", "Caution: The layout may change between any two versions."],
      ["paragraph", "Tip: Clear it with pip cache purge."],
      ["paragraph", "It is safe."],
      ["code", "$ pip cache dir"],
      ["paragraph", "Linux"],
      ["paragraph", "Under ~/.cache/pip."],
      ["code", "x = {ref}`kept`  # code is left as written"],
    ]);
  });

  it("reads 100,000 MyST directives one after another in linear time", async () => {
    const many = Array.from({length: 100_000}, (_, i) => `\`\`\`{note}\nStep ${i}.\n\`\`\``).join("\n\n");
    // Looking for each directive's first paragraph from the document's start would take minutes.
    const doc = await parseDocument(utf8(many), "notes.md");
    expect(doc.blocks).toHaveLength(100_000);
    expect(doc.blocks[99_999].text).toBe("Note: Step 99999.");
  }, 20_000);
});
