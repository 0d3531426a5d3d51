import {describe, expect, it} from "vitest";
import {htmlFragmentText} from "./html-fragment-text.js";
import {decodeEntities} from "./text-cleanup.js";

/** The regular expressions Markdown's inline HTML was read with, kept as the reference. */
const reference = (html: string) =>
  decodeEntities(
    html
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi, "\n")
      .replace(/<[^>]+>/g, " "),
  );

describe("htmlFragmentText", () => {
  it.each([
    "<p>Restart the <b>spooler</b> &amp; retry.</p><p>Then print.</p>",
    "<div>a<br>b<br/>c</div><ul><li>one<li>two</ul>",
    "before<script>var x = '<p>';</script>after<STYLE>p{}</style>end",
    "<script>never closed <p>text</p>",
    "<style>a</style><script>b</script><style>c",
    "x <!-- note --> y <!-- open <p>z</p>",
    "<!-->odd--> a <> b < c > d <a <b>e",
    "a < b and c > d, 1 <2",
    "<SCRIPT>x</SCRIPT><Script>y</script>",
    "<h2>Title</h2>\n<tr><td>1</td><td>2</td></tr>",
  ])("reads %j as the reference expressions do", (html) => {
    expect(htmlFragmentText(html)).toBe(reference(html));
  });

  it("takes linear time where the expressions would rescan the rest of the text at every open tag", () => {
    const hostile = `${"<script".repeat(100_000)}${"<!--".repeat(100_000)}${"<a".repeat(200_000)}`;
    // Quadratic reading of 1.9 million characters would take minutes and run past the test's time limit.
    expect(htmlFragmentText(hostile)).toBe(hostile);
  }, 10_000);

  it("breaks blocks with what the caller asks for", () => {
    expect(htmlFragmentText("<p>a</p><pre>b</pre>c", {blockBreak: "\n\n", blockEnd: /<\/(p|pre)>/gi})).toBe(" a\n\n b\n\nc");
  });
});
