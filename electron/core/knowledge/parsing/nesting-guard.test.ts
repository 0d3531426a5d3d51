import {describe, expect, it} from "vitest";
import {markupDepth} from "./nesting-guard.js";

describe("markup depth", () => {
  it("counts nesting from tags alone, ignoring void elements, optional end tags, comments and scripts", () => {
    expect(markupDepth("<div><section><p>a<p>b<ul><li>x<li>y</ul></section></div>", 100)).toBe(3);
    expect(markupDepth("<div><br><img src=x><hr/><input></div>", 100)).toBe(1);
    expect(markupDepth("<div><!-- <div><div> --><script>if (a<b) '<div>'</script><style>p>a{}</style></div>", 100)).toBe(1);
    expect(markupDepth("<w:document><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>", 100)).toBe(5);
  });

  it("stops past the limit and stays linear on unclosed tags, comments and brackets", () => {
    expect(markupDepth("<div>".repeat(100_000), 512)).toBe(513);
    const started = performance.now();
    expect(markupDepth("<a ".repeat(200_000) + ">", 512)).toBe(1);
    expect(markupDepth("<!--".repeat(100_000), 512)).toBe(0);
    expect(markupDepth("<script>".repeat(100_000), 512)).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
