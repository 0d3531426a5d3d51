/**
 * The reference every retrieval method must beat: plain Okapi BM25 (k1 = 1.2, b = 0.75) over whole
 * documents, with the same word analysis as the knowledge base's full-text index (lowercase, stemmed,
 * English stop words dropped), so the comparison is about ranking, not tokenizing.
 */

export type Analyze = (text: string) => Promise<string[]>;

interface IndexedDocument {
  label: string;
  length: number;
  termFrequency: Map<string, number>;
}

export class Bm25Baseline {
  private readonly documents: IndexedDocument[] = [];
  private readonly documentFrequency = new Map<string, number>();

  constructor(
    private readonly analyze: Analyze,
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  async add(label: string, text: string): Promise<void> {
    const terms = await this.analyze(text);
    const termFrequency = new Map<string, number>();
    for (const term of terms) termFrequency.set(term, (termFrequency.get(term) ?? 0) + 1);
    for (const term of termFrequency.keys()) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    this.documents.push({label, length: terms.length, termFrequency});
  }

  /** Document labels, best first. */
  async rank(query: string, limit = 10): Promise<string[]> {
    const terms = [...new Set(await this.analyze(query))];
    const n = this.documents.length;
    const averageLength = this.documents.reduce((sum, d) => sum + d.length, 0) / Math.max(1, n);
    const scored = this.documents.map((doc) => {
      let score = 0;
      for (const term of terms) {
        const tf = doc.termFrequency.get(term);
        if (!tf) continue;
        const df = this.documentFrequency.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * doc.length) / averageLength));
      }
      return {label: doc.label, score};
    });
    return scored
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label))
      .slice(0, limit)
      .map((s) => s.label);
  }
}
