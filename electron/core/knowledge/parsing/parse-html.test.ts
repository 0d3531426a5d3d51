import {describe, expect, it} from "vitest";
import {parseDocument} from "./parse-document.js";
import {utf8} from "../../../../test/helpers/expect-error.js";

const PAGE = `<!DOCTYPE html>
<html><head><title>Reset MFA</title><style>.banner{color:red} STYLE_TEXT</style>
<script>window.tracking = "SCRIPT_TEXT";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/kb">NAV_TEXT Knowledge base</a></nav>
<header class="site"><div>HEADER_TEXT Contoso IT</div></header>
<main><article>
  <h1>Reset MFA for a user</h1>
  <p>When a user loses their phone, reset their <b>multi-factor</b> registration in the admin portal.
     This is the most common ticket on Monday mornings, so follow the steps in order.</p>
  <h2>Steps</h2>
  <ol><li>Open the admin portal</li><li>Find the user<ul><li>Search by e-mail address</li></ul></li></ol>
  <h3>PowerShell</h3>
  <pre><code>Reset-MfaRegistration -User jdoe
  Get-MfaStatus -User jdoe</code></pre>
  <h2>Reference</h2>
  <table><thead><tr><th>Field</th><th>Value</th></tr></thead>
    <tbody><tr><td>Portal</td><td>https://admin.example.com</td></tr><tr><td>Owner</td><td>Identity team</td></tr></tbody></table>
  <p>Check that the user can sign in again before you close the ticket, and record the change in the ticket history.</p>
</article></main>
<footer>FOOTER_TEXT © Contoso</footer>
</body></html>`;

describe("HTML parsing", () => {
  it("keeps the article's structure and drops navigation, scripts, styles, headers and footers", async () => {
    const doc = await parseDocument(utf8(PAGE), "reset-mfa.html");
    expect(doc.title).toBe("Reset MFA");
    expect(doc.kind).toBe("html");
    const all = doc.blocks.map((block) => block.text).join("\n");
    for (const chrome of ["NAV_TEXT", "SCRIPT_TEXT", "STYLE_TEXT", "HEADER_TEXT", "FOOTER_TEXT"]) expect(all).not.toContain(chrome);

    const byText = (text: string) => doc.blocks.find((block) => block.text === text);
    expect(byText("1. Open the admin portal")).toMatchObject({type: "list-item", headingPath: expect.arrayContaining(["Steps"])});
    expect(byText("Search by e-mail address")?.type).toBe("list-item");
    expect(doc.blocks.find((block) => block.type === "code")).toMatchObject({text: expect.stringContaining("Reset-MfaRegistration -User jdoe\n")});
    expect(doc.blocks.find((block) => block.type === "code")?.headingPath.at(-1)).toBe("PowerShell");
    expect(doc.blocks.filter((block) => block.type === "table-row").map((block) => block.text)).toEqual([
      "Field: Portal; Value: https://admin.example.com",
      "Field: Owner; Value: Identity team",
    ]);
    expect(doc.blocks.find((block) => block.text.startsWith("When a user loses"))?.text).toContain("reset their multi-factor registration");
  });

  it("ends a callout's own heading with the callout, so the section goes on after it", async () => {
    // DocBook's shape: sections are divs with their heading, each callout box has its own heading.
    const para = (text: string) => `<p>${text} ${"The server reads this file at start-up and again on reload. ".repeat(4)}</p>`;
    const page = `<html><head><title>21.1. The access file</title></head><body><div class="sect1"><h2>21.1. The access file</h2>
      ${para("Intro.")}<div class="sect2"><h3>21.1.1. Record format</h3>${para("Records.")}
      <div class="note"><h3 class="title">Note</h3>${para("Inside the note.")}</div>
      ${para("After the note.")}</div>
      <div class="sect2"><h3>21.1.2. Examples</h3>${para("Examples.")}<div class="warning" role="note"><h3>Warning</h3>${para("Careful.")}</div></div></div></body></html>`;
    const doc = await parseDocument(utf8(page), "auth.html");
    const pathOf = (start: string) => doc.blocks.find((block) => block.text.startsWith(start))?.headingPath;
    expect(pathOf("Records.")?.at(-1)).toBe("21.1.1. Record format");
    expect(pathOf("Inside the note.")).toEqual([...pathOf("Records.")!, "Note"]);
    expect(pathOf("After the note.")).toEqual(pathOf("Records."));
    expect(pathOf("Examples.")?.at(-1)).toBe("21.1.2. Examples");
    expect(pathOf("Careful.")).toEqual([...pathOf("Examples.")!, "Warning"]);
  });

  it("leaves out a book's page links and generated table of contents, unless the contents are all the page has", async () => {
    // DocBook's contents list. Readability drops some of these itself but keeps others (it kept the
    // list of a 15-question FAQ chapter), and the page body, read when Readability's article is a
    // small share of the page (as here, where the list is most of it), keeps them all.
    const titles = ["What is a package?", "Holding a package back", "Removing a package", "Listing what is installed", "Verifying installed files", "Finding a package's files", "Reinstalling a package", "Cleaning the cache"];
    const entries = titles.map((title, i) => `<dt><span class="section"><a href="#s${i}">7.${i + 1}. ${title} TOC_ONLY</a></span></dt>`);
    const toc = `<div class="toc"><p><strong>Table of Contents</strong></p><dl class="toc">${entries.join("")}</dl></div>`;
    const page = `<html><head><title>Packages</title></head><body><div class="navheader"><table><tr><td><a href="ch06.html">Prev NAV_ONLY</a></td><th>Chapter 7. Packages</th><td><a href="ch08.html">Next</a></td></tr></table></div>${toc}<div class="section"><h2 id="s1">7.2. Holding a package back</h2><div>Mark it as held and upgrades leave it alone.</div></div></body></html>`;
    const doc = await parseDocument(utf8(page), "pkg-basics.html");
    const texts = doc.blocks.map((block) => block.text);
    expect(texts.join("\n")).not.toContain("TOC_ONLY");
    expect(texts.join("\n")).not.toContain("NAV_ONLY");
    expect(texts).not.toContain("Table of Contents");
    expect(doc.blocks.find((block) => block.text.startsWith("Mark it as held"))?.headingPath.at(-1)).toBe("7.2. Holding a package back");

    const frontPage = await parseDocument(utf8(`<html><head><title>Manual</title></head><body>${toc}</body></html>`), "index.html");
    expect(frontPage.blocks.map((block) => block.text).join("\n")).toContain("TOC_ONLY");
  });

  it("keeps every section of a manual page whose longest section alone would pass for the article", async () => {
    // AsciiDoc's manual page shape: NAME in the header, then sibling sections, the options the longest.
    const option = (name: string) =>
      `<dt class="hdlist1">--${name}</dt><dd><p>Sets ${name} for this run, for every remote, and for every branch named on the command line.</p><div class="paragraph"><p>The value overrides the configuration, the environment, and the defaults, in that order.</p></div></dd>`;
    const page = `<html><head><title>tool-push(1)</title></head><body class="manpage">
      <div id="header"><h1>tool-push(1) Manual Page</h1><h2>NAME</h2><div class="sectionbody"><p>tool-push - Update remote refs along with associated objects</p></div></div>
      <div id="content">
        <div class="sect1"><h2 id="_description">DESCRIPTION</h2><div class="sectionbody"><div class="paragraph"><p>Updates remote refs using local refs, while sending the objects needed to complete them. ${"Hooks on the remote side may refuse an update. ".repeat(3)}</p></div></div></div>
        <div class="sect1"><h2 id="_options">OPTIONS</h2><div class="sectionbody"><div class="dlist"><dl>${["all", "mirror", "tags", "atomic", "force", "prune", "verbose", "quiet", "dry-run", "porcelain", "delete", "signed"].map(option).join("")}</dl></div></div></div>
        <div class="sect1"><h2 id="_examples">EXAMPLES</h2><div class="sectionbody"><div class="paragraph"><p>To delete a branch on the remote, push with --delete and name the branch: the remote ref is removed, and the local branch stays as it was.</p></div></div></div>
      </div>
      <div id="footer"><div id="footer-text">Last updated 2023-10-23</div></div></body></html>`;
    const doc = await parseDocument(utf8(page), "tool-push.html");
    const pathOf = (start: string) => doc.blocks.find((block) => block.text.startsWith(start))?.headingPath;
    expect(pathOf("tool-push - Update remote refs")).toEqual(["tool-push(1) Manual Page", "NAME"]);
    expect(pathOf("Updates remote refs using local refs")?.at(-1)).toBe("DESCRIPTION");
    expect(pathOf("To delete a branch on the remote")?.at(-1)).toBe("EXAMPLES");
    expect(pathOf("Sets atomic for this run")?.at(-1)).toBe("OPTIONS");
    expect(doc.meta.mainContent).toBe("body");
  });

  it("still leaves out a sidebar of links that Readability drops, though it is a large share of the page", async () => {
    const para = (text: string) => `<p>${text} ${"The KDC reads the database dump and replaces its own copy in one step. ".repeat(3)}</p>`;
    const links = Array.from({length: 40}, (_, i) => `<li><a href="page${i}.html">Administration topic number ${i}</a></li>`).join("");
    const page = `<html><head><title>kprop</title></head><body>
      <div class="document"><div class="body"><section><h1>kprop</h1>${para("Propagates the database.")}<h2>Options</h2>${para("The -r option names the realm.")}${para("The -f option names the dump file.")}</section></div></div>
      <div class="sphinxsidebar"><h2>Table of contents</h2><ul>${links}</ul><h4>Next topic</h4><p><a href="kpropd.html">kpropd</a></p></div></body></html>`;
    const doc = await parseDocument(utf8(page), "kprop.html");
    const all = doc.blocks.map((block) => block.text).join("\n");
    expect(all).toContain("The -f option names the dump file.");
    expect(all).not.toContain("Administration topic number");
    expect(all).not.toContain("Table of contents");
  });

  it("leaves out a generator's footer of copyright and licence prose", async () => {
    const para = (text: string) => `<p>${text} ${"The key and the message are bytes; the digest name picks the hash. ".repeat(3)}</p>`;
    const footer = `FOOTER_TEXT Copyright 2001-2023, the project's foundation. This page is licensed under the foundation's licence, version 2. Examples, recipes and other code in the documentation are additionally licensed under a permissive licence. See History and License for more information. The foundation is a non-profit corporation; please donate. Last updated on Jun 1, 2023. Found a bug? Created with a documentation generator.`;
    const page = `<html><head><title>hmac</title></head><body><div class="document"><div class="body"><section><h1>hmac — keyed hashing</h1>${para("Create a new hmac object.")}${para("Update it with more of the message.")}</section></div></div>
      <div class="footer">${footer}</div></body></html>`;
    const doc = await parseDocument(utf8(page), "hmac.html");
    const all = doc.blocks.map((block) => block.text).join("\n");
    expect(all).toContain("Update it with more of the message.");
    expect(all).not.toContain("FOOTER_TEXT");
  });

  it("leaves out permalink marks after headings, whatever the generator calls them, and keeps links that say something", async () => {
    const body = "Busy servers write large logs; move them aside on a schedule and tell the server to reopen its files. ".repeat(3);
    const page = `<html><head><title>Logs</title></head><body><div id="page-content">
      <h2><a id="rotation" name="rotation">Log Rotation</a> <a title="Permanent link" href="#rotation" class="permalink">&para;</a></h2><p>${body}</p>
      <h2 id="piped">Piped Logs <a href="#piped">\u00a7</a></h2><p>${body} See <a href="#rotation">log rotation</a> above.</p></div></body></html>`;
    const doc = await parseDocument(utf8(page), "logs.html");
    expect(doc.blocks.filter((block) => block.type === "heading").map((block) => block.text)).toEqual(["Log Rotation", "Piped Logs"]);
    expect(doc.blocks.map((block) => block.text).join("\n")).not.toMatch(/[\u00b6\u00a7]/);
    expect(doc.blocks.some((block) => block.text.includes("See log rotation above."))).toBe(true);
  });

  it("falls back to the page body when there is no article to find", async () => {
    const doc = await parseDocument(utf8("<html><body><nav>NAV_TEXT</nav><div>Error 0x80070005 means access denied.</div></body></html>"), "tip.htm");
    expect(doc.blocks.map((block) => block.text)).toEqual(["Error 0x80070005 means access denied."]);
    expect(doc.title).toBe("tip");
  });

  it("reads a whole manual on one page (over 40,000 tags) whole, as the HTML standard parses it", async () => {
    // Each section: a heading, a paragraph and a list whose items are never closed, as old generators
    // write them; 8,000 sections of six tags are 48,000.
    const sections = Array.from({length: 8000}, (_, i) => `<h2 id="s${i}">Option ${i}<a class="headerlink" href="#s${i}">¶</a></h2>\n<p>Setting ${i} controls queue ${i}.\n<ul><li>Default ${i}<li>Range 0 to ${i + 1}</ul>`);
    const page = `<!DOCTYPE html><html><head><title>All options</title><script>SCRIPT_TEXT</script></head><body><a href="#main" class="skip-to-content">SKIP_TEXT</a><nav>NAV_TEXT</nav><main id="main">${sections.join("\n")}</main><footer>FOOTER_TEXT</footer></body></html>`;
    const doc = await parseDocument(utf8(page), "all.html");
    expect(doc.title).toBe("All options");
    expect(doc.meta.mainContent).toBe("body (large page)");
    expect(doc.blocks).toHaveLength(8000 * 4);
    expect(doc.blocks.slice(4 * 4321, 4 * 4322)).toEqual([
      {type: "heading", text: "Option 4321", level: 2, headingPath: []},
      {type: "paragraph", text: "Setting 4321 controls queue 4321.", headingPath: ["Option 4321"]},
      {type: "list-item", text: "Default 4321", headingPath: ["Option 4321"]},
      {type: "list-item", text: "Range 0 to 4322", headingPath: ["Option 4321"]},
    ]);
    expect(JSON.stringify(doc.blocks)).not.toMatch(/SCRIPT_TEXT|SKIP_TEXT|NAV_TEXT|FOOTER_TEXT|¶/);
  });

  it("decodes with the charset the page declares", async () => {
    const bytes = Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"><title>Caf'), Buffer.from([0xe9]), Buffer.from("</title></head><body><p>Men"), Buffer.from([0xfc]), Buffer.from("</p></body></html>")]);
    const doc = await parseDocument(bytes, "legacy.html");
    expect(doc.title).toBe("Café");
    expect(doc.blocks[0].text).toBe("Menü");
    expect(doc.meta.encoding).toBe("windows-1252");
  });
});
