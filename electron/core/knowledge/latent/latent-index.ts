/**
 * Latent semantic indexing of the knowledge base itself: a truncated SVD of the passages' tf-idf
 * matrix maps every indexed word to a short vector, so a passage and a question that use related
 * words (the ones that occur in the same passages of THIS knowledge base) come out similar even when
 * they share few words. It needs no model and learns the team's own vocabulary; search uses it to
 * re-score the candidates the word and vector searches found (see search.ts), not to find new ones.
 *
 * Weighting: (1 + ln tf) × idf per passage, rows scaled to unit length; words found in a single
 * passage are left out (they relate nothing). A passage's latent vector is its weighted words'
 * vectors summed and normalized, so a passage imported after the factorization is folded in the same
 * way (foldTerms). Vectors are kept as 8-bit integers: ranking by cosine loses nothing measurable and
 * 100k passages take about 15 MB.
 */
import {setImmediate as nextTurn} from "node:timers/promises";
import {truncatedSvd, type CsrMatrix} from "./truncated-svd.js";

export interface LatentBuildOptions {
  /** Dimensions kept. */
  rank: number;
  /** Words in fewer passages than this are left out. */
  minPassages?: number;
  signal?: AbortSignal;
  seed?: number;
}

export interface LatentPassage {
  id: string;
  /** The passage's analysed words (title, headings and body), repeats included. */
  terms: string[];
  /** Projected onto the factorization without shaping it (its words, weights and dimensions); see LatentIndexBuilder.add. */
  projectedOnly?: boolean;
}

const FORMAT_VERSION = 1;
/** Passages handled between yields to the event loop outside the factorization (a few ms each). */
const ROWS_PER_TURN = 500;
const MAGIC = "DSLATENT";

function idfOf(passages: number, df: number): number {
  return Math.log(1 + (passages - df + 0.5) / (df + 0.5));
}

function normalize(v: Float32Array): Float32Array | null {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (!(norm > 0)) return null;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return v;
}

/** Unit vectors as signed bytes (×127). */
function quantize(v: Float32Array, out: Int8Array, offset: number): void {
  for (let r = 0; r < v.length; r++) out[offset + r] = Math.max(-127, Math.min(127, Math.round(v[r] * 127)));
}

export class LatentIndex {
  private readonly termIndex: Map<string, number>;
  private readonly chunkIndex: Map<string, number>;

  private constructor(
    readonly rank: number,
    private readonly terms: string[],
    private readonly idf: Float32Array,
    /** terms × rank, each row scaled by termScale. */
    private readonly termVectors: Int8Array,
    private readonly termScale: Float32Array,
    private readonly chunkIds: string[],
    /** chunks × rank unit vectors ×127. */
    private readonly chunkVectors: Int8Array,
    /** Passages counted when the index was built; the basis for when to build it again. */
    readonly passages: number,
    /** Free-form label of what the index was built from (the store), kept in the file. */
    readonly source: string,
  ) {
    this.termIndex = new Map(terms.map((t, i) => [t, i]));
    this.chunkIndex = new Map(chunkIds.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.chunkIds.length;
  }

  get vocabulary(): number {
    return this.terms.length;
  }

  /** Builds the index from passages given in any number of batches (see LatentIndexBuilder). */
  static async build(passages: LatentPassage[], options: LatentBuildOptions & {source?: string}): Promise<LatentIndex | null> {
    const builder = new LatentIndexBuilder();
    for (const p of passages) builder.add(p.id, p.terms, {projectedOnly: p.projectedOnly});
    return builder.finish(options);
  }

  /** @internal for LatentIndexBuilder */
  static async fromMatrix(
    matrix: CsrMatrix,
    /** The leading rows that are factorized; the rest are only projected. */
    factorizedRows: number,
    rowIds: string[],
    terms: string[],
    idf: Float32Array,
    passages: number,
    options: LatentBuildOptions & {source?: string},
  ): Promise<LatentIndex | null> {
    const factorized: CsrMatrix = {...matrix, rows: factorizedRows, rowStart: matrix.rowStart.subarray(0, factorizedRows + 1)};
    const svd = await truncatedSvd(factorized, Math.min(options.rank, factorizedRows - 1, matrix.cols - 1), {signal: options.signal, seed: options.seed});
    const rank = svd.rank;
    if (rank < 1) return null;
    const termVectors = new Int8Array(terms.length * rank);
    const termScale = new Float32Array(terms.length);
    for (let j = 0; j < terms.length; j++) {
      let max = 0;
      for (let r = 0; r < rank; r++) max = Math.max(max, Math.abs(svd.right[j * rank + r]));
      termScale[j] = max / 127;
      for (let r = 0; r < rank; r++) termVectors[j * rank + r] = max > 0 ? Math.round((svd.right[j * rank + r] / max) * 127) : 0;
    }
    const index = new LatentIndex(rank, terms, idf, termVectors, termScale, [], new Int8Array(0), passages, options.source ?? "");
    const chunkVectors = new Int8Array(matrix.rows * rank);
    const chunkIds: string[] = [];
    for (let i = 0; i < matrix.rows; i++) {
      // 100k passages take a second or two here; requests get a turn in between.
      if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) {
        await nextTurn();
        options.signal?.throwIfAborted();
      }
      const from = matrix.rowStart[i];
      const to = matrix.rowStart[i + 1];
      const v = index.project(Array.from(matrix.colIndex.subarray(from, to)), Array.from(matrix.values.subarray(from, to)));
      if (!v) continue;
      quantize(v, chunkVectors, chunkIds.length * rank);
      chunkIds.push(rowIds[i]);
    }
    return new LatentIndex(rank, terms, idf, termVectors, termScale, chunkIds, chunkVectors.slice(0, chunkIds.length * rank), passages, options.source ?? "");
  }

  /** Σ weight × word vector, normalized; null when no word is indexed. */
  private project(cols: number[], weights: number[]): Float32Array | null {
    const out = new Float32Array(this.rank);
    for (let k = 0; k < cols.length; k++) {
      const j = cols[k];
      const w = weights[k] * this.termScale[j];
      const o = j * this.rank;
      for (let r = 0; r < this.rank; r++) out[r] += w * this.termVectors[o + r];
    }
    return normalize(out);
  }

  private weighted(terms: string[], logTf: boolean): {cols: number[]; weights: number[]} {
    const counts = new Map<number, number>();
    for (const t of terms) {
      const j = this.termIndex.get(t);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    const cols = [...counts.keys()];
    return {cols, weights: cols.map((j) => (logTf ? 1 + Math.log(counts.get(j)!) : counts.get(j)!) * this.idf[j])};
  }

  /** A word's idf in the passages the index was built from; undefined for a word it does not hold. */
  idfOf(term: string): number | undefined {
    const j = this.termIndex.get(term);
    return j === undefined ? undefined : this.idf[j];
  }

  /** A question's latent vector (its words by count × idf), or null when none of them is indexed. */
  queryVector(terms: string[]): Float32Array | null {
    const {cols, weights} = this.weighted(terms, false);
    return this.project(cols, weights);
  }

  /** The latent vector of a passage the index was not built with, weighted as the indexed ones. */
  foldTerms(terms: string[]): Float32Array | null {
    const {cols, weights} = this.weighted(terms, true);
    return this.project(cols, weights);
  }

  has(chunkId: string): boolean {
    return this.chunkIndex.has(chunkId);
  }

  /** Cosine similarity of an indexed passage and a query vector; undefined for a passage not indexed. */
  similarity(chunkId: string, query: Float32Array): number | undefined {
    const i = this.chunkIndex.get(chunkId);
    if (i === undefined) return undefined;
    let dot = 0;
    const o = i * this.rank;
    for (let r = 0; r < this.rank; r++) dot += this.chunkVectors[o + r] * query[r];
    return dot / 127;
  }

  serialize(): Buffer {
    const header = Buffer.from(
      JSON.stringify({version: FORMAT_VERSION, rank: this.rank, terms: this.terms.length, chunks: this.chunkIds.length, passages: this.passages, source: this.source}),
    );
    const parts = [
      Buffer.from(MAGIC),
      u32(header.length),
      header,
      withLength(Buffer.from(this.terms.join("\n"))),
      withLength(Buffer.from(this.chunkIds.join("\n"))),
      withLength(Buffer.from(this.idf.buffer, this.idf.byteOffset, this.idf.byteLength)),
      withLength(Buffer.from(this.termScale.buffer, this.termScale.byteOffset, this.termScale.byteLength)),
      withLength(Buffer.from(this.termVectors.buffer, this.termVectors.byteOffset, this.termVectors.byteLength)),
      withLength(Buffer.from(this.chunkVectors.buffer, this.chunkVectors.byteOffset, this.chunkVectors.byteLength)),
    ];
    return Buffer.concat(parts);
  }

  /** Reads a serialized index; null for anything that is not a whole one of this version (it is rebuilt). */
  static parse(data: Buffer): LatentIndex | null {
    try {
      if (data.subarray(0, MAGIC.length).toString() !== MAGIC) return null;
      let at = MAGIC.length;
      const next = () => {
        const length = data.readUInt32LE(at);
        const part = data.subarray(at + 4, at + 4 + length);
        if (part.length !== length) throw new Error("truncated");
        at += 4 + length;
        return part;
      };
      const header = JSON.parse(next().toString()) as {version: number; rank: number; terms: number; chunks: number; passages: number; source: string};
      if (header.version !== FORMAT_VERSION) return null;
      const split = (b: Buffer) => (b.length ? b.toString().split("\n") : []);
      const terms = split(next());
      const chunkIds = split(next());
      const floats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      const bytes = (b: Buffer) => new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      const idf = floats(next());
      const termScale = floats(next());
      const termVectors = bytes(next());
      const chunkVectors = bytes(next());
      const {rank} = header;
      if (terms.length !== header.terms || chunkIds.length !== header.chunks || idf.length !== terms.length || termScale.length !== terms.length) return null;
      if (termVectors.length !== terms.length * rank || chunkVectors.length !== chunkIds.length * rank) return null;
      return new LatentIndex(rank, terms, idf, termVectors, termScale, chunkIds, chunkVectors, header.passages, header.source);
    } catch {
      return null;
    }
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function withLength(b: Buffer): Buffer {
  return Buffer.concat([u32(b.length), b]);
}

/**
 * Collects passages a batch at a time, keeping each as word ids and counts (a 100k-passage knowledge
 * base would hold millions of word strings otherwise), then factors them.
 */
export class LatentIndexBuilder {
  private readonly words = new Map<string, number>();
  private readonly ids: string[] = [];
  /** Per passage: distinct word ids, and how often each occurs. */
  private readonly passageWords: Int32Array[] = [];
  private readonly passageCounts: Uint16Array[] = [];
  private readonly projectedOnly: boolean[] = [];
  private projectedCount = 0;

  /** Passages added, projected-only ones included. */
  get passages(): number {
    return this.ids.length;
  }

  /** Passages that shape the factorization. */
  get factorized(): number {
    return this.ids.length - this.projectedCount;
  }

  /**
   * Adds a passage. A `projectedOnly` one gets a latent vector but does not shape the index: its words
   * count toward no document frequency, and the dimensions are those of the other passages. The
   * starter articles are added so: a handful of generic articles beside a team's manuals would
   * otherwise claim dimensions of their own and reshuffle how the team's passages relate.
   */
  add(id: string, terms: string[], options: {projectedOnly?: boolean} = {}): void {
    const counts = new Map<number, number>();
    for (const t of terms) {
      let j = this.words.get(t);
      if (j === undefined) this.words.set(t, (j = this.words.size));
      counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    this.ids.push(id);
    this.passageWords.push(Int32Array.from(counts.keys()));
    this.passageCounts.push(Uint16Array.from(counts.values(), (n) => Math.min(n, 65535)));
    this.projectedOnly.push(options.projectedOnly === true);
    if (options.projectedOnly) this.projectedCount++;
  }

  async finish(options: LatentBuildOptions & {source?: string}): Promise<LatentIndex | null> {
    const minPassages = options.minPassages ?? 2;
    const factorized = this.factorized;
    const df = new Int32Array(this.words.size);
    this.passageWords.forEach((words, i) => {
      if (!this.projectedOnly[i]) for (const j of words) df[j]++;
    });
    const kept = [...this.words.entries()].filter(([, j]) => df[j] >= minPassages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const terms = kept.map(([t]) => t);
    const column = new Int32Array(this.words.size).fill(-1);
    kept.forEach(([, j], col) => (column[j] = col));
    const idf = Float32Array.from(kept, ([, j]) => idfOf(factorized, df[j]));
    let nnz = 0;
    for (const words of this.passageWords) for (const j of words) if (column[j] >= 0) nnz++;
    const rowIds: string[] = [];
    const rowStart = new Int32Array(this.ids.length + 1);
    const colIndex = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    let at = 0;
    let factorizedRows = 0;
    // The factorized passages form the leading rows, in the order given; projected-only ones follow.
    const order = [...this.ids.keys()].filter((i) => !this.projectedOnly[i]).concat([...this.ids.keys()].filter((i) => this.projectedOnly[i]));
    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      if (n % ROWS_PER_TURN === ROWS_PER_TURN - 1) {
        await nextTurn();
        options.signal?.throwIfAborted();
      }
      const entries: [number, number][] = [];
      this.passageWords[i].forEach((j, k) => {
        if (column[j] >= 0) entries.push([column[j], (1 + Math.log(this.passageCounts[i][k])) * idf[column[j]]]);
      });
      if (entries.length === 0) continue;
      entries.sort((a, b) => a[0] - b[0]);
      const norm = Math.sqrt(entries.reduce((s, [, v]) => s + v * v, 0));
      for (const [col, v] of entries) {
        colIndex[at] = col;
        values[at++] = v / norm;
      }
      rowIds.push(this.ids[i]);
      rowStart[rowIds.length] = at;
      if (!this.projectedOnly[i]) factorizedRows++;
    }
    // A factorization needs a few passages and words to relate anything.
    if (factorizedRows < 3 || terms.length < 3) return null;
    const matrix: CsrMatrix = {rows: rowIds.length, cols: terms.length, rowStart: rowStart.subarray(0, rowIds.length + 1), colIndex, values};
    return LatentIndex.fromMatrix(matrix, factorizedRows, rowIds, terms, idf, this.ids.length, options);
  }
}
