/**
 * Tells when a hit says what an earlier hit already said, in other passage boundaries: the same
 * manual kept as HTML and as text (`users-and-groups.html` and `users-and-groups.txt.gz` side by side
 * in /usr/share/doc), a PDF beside the page it was printed from, a runbook pasted into a ticket. The
 * formats cut passages in different places and space, wrap and punctuate them differently, so the
 * texts are compared as runs of words: a passage is a copy when at least `share` of the smaller
 * passage's five-word runs are found in the other.
 */

const RUN = 5;
/** Passages with fewer runs than this are compared whole instead (a heading, a one-line step). */
const MIN_RUNS = 8;

export class NearCopies {
  private readonly seen: Set<string>[] = [];
  private readonly whole = new Set<string>();

  constructor(private readonly share: number) {}

  /** True when `text` is a copy of a text seen before; otherwise remembers it. */
  isCopy(text: string): boolean {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const key = words.join(" ");
    if (this.whole.has(key)) return true;
    const runs = new Set<string>();
    for (let i = 0; i + RUN <= words.length; i++) runs.add(words.slice(i, i + RUN).join(" "));
    if (this.share > 0 && runs.size >= MIN_RUNS) {
      for (const earlier of this.seen) {
        const [small, large] = runs.size <= earlier.size ? [runs, earlier] : [earlier, runs];
        let shared = 0;
        for (const run of small) if (large.has(run)) shared++;
        if (shared >= this.share * small.size) return true;
      }
    }
    this.whole.add(key);
    if (runs.size >= MIN_RUNS) this.seen.push(runs);
    return false;
  }
}
