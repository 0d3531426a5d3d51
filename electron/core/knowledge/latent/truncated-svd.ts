/**
 * The leading right singular vectors of a sparse matrix by randomized range finding (Halko, Martinsson
 * and Tropp 2011): multiply by a random block, sharpen it with a few power iterations, orthonormalize,
 * and take the singular vectors of the small projected matrix from its Gram matrix's eigenvectors.
 * Plain TypeScript with periodic yields, so a knowledge base can be factored in the server process
 * without holding up requests. Deterministic for a given seed.
 */
import {setImmediate as nextTurn} from "node:timers/promises";
import {mulberry32} from "../seeded-random.js";

/** A sparse matrix in compressed sparse row form. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** rowStart[i]..rowStart[i + 1] index the entries of row i. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float32Array;
}

export interface TruncatedSvd {
  /** How many singular vectors were kept (at most the requested rank). */
  rank: number;
  /** Singular values, largest first. */
  values: Float64Array;
  /** Right singular vectors, row-major cols × rank: entry (j, r) at j * rank + r. */
  right: Float64Array;
}

export interface SvdOptions {
  /** Extra random directions beyond the rank; more makes the leading vectors more accurate. */
  oversample?: number;
  /** Power iterations; each sharpens the separation of leading and trailing singular values. */
  powerIterations?: number;
  seed?: number;
  signal?: AbortSignal;
}

/** Work units (multiply-adds) between yields to the event loop: a few milliseconds each. */
const WORK_PER_TURN = 4_000_000;

class Yielder {
  private work = 0;
  constructor(private readonly signal?: AbortSignal) {}
  async add(units: number): Promise<void> {
    this.work += units;
    if (this.work < WORK_PER_TURN) return;
    this.work = 0;
    await nextTurn();
    this.signal?.throwIfAborted();
  }
}

/** Box-Muller over a seeded generator: reproducible Gaussian numbers. */
function gaussian(seed: number): () => number {
  const next = mulberry32(seed);
  // Half a step off zero, so the logarithm never sees 0.
  const uniform = () => (next() + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A · B for dense B (a.cols × width, row-major); the result is a.rows × width. */
async function multiply(a: CsrMatrix, b: Float64Array, width: number, yielder: Yielder): Promise<Float64Array> {
  const out = new Float64Array(a.rows * width);
  for (let i = 0; i < a.rows; i++) {
    const o = i * width;
    for (let p = a.rowStart[i]; p < a.rowStart[i + 1]; p++) {
      const v = a.values[p];
      const bRow = a.colIndex[p] * width;
      for (let r = 0; r < width; r++) out[o + r] += v * b[bRow + r];
    }
    await yielder.add((a.rowStart[i + 1] - a.rowStart[i]) * width + 1);
  }
  return out;
}

/** Aᵀ · B for dense B (a.rows × width, row-major); the result is a.cols × width. */
async function multiplyTransposed(a: CsrMatrix, b: Float64Array, width: number, yielder: Yielder): Promise<Float64Array> {
  const out = new Float64Array(a.cols * width);
  for (let i = 0; i < a.rows; i++) {
    const bRow = i * width;
    for (let p = a.rowStart[i]; p < a.rowStart[i + 1]; p++) {
      const v = a.values[p];
      const o = a.colIndex[p] * width;
      for (let r = 0; r < width; r++) out[o + r] += v * b[bRow + r];
    }
    await yielder.add((a.rowStart[i + 1] - a.rowStart[i]) * width + 1);
  }
  return out;
}

/**
 * Orthonormalizes the columns of a row-major (rows × width) block in place by Cholesky QR, run twice
 * for orthogonality in floating point (CholeskyQR2): it reads the block row by row, where column-wise
 * Gram-Schmidt strides across it and took five times as long. A column that depends on earlier ones
 * (the block has lower rank) is left as zeros.
 */
async function orthonormalize(m: Float64Array, rows: number, width: number, yielder: Yielder, passes = 2): Promise<void> {
  for (let pass = 0; pass < passes; pass++) {
    const gram = new Float64Array(width * width);
    for (let i = 0; i < rows; i++) {
      const o = i * width;
      for (let r = 0; r < width; r++) {
        const x = m[o + r];
        if (x === 0) continue;
        for (let s = r; s < width; s++) gram[r * width + s] += x * m[o + s];
      }
      await yielder.add((width * width) / 2);
    }
    // Upper-triangular R with RᵀR = gram, stored transposed (rt[c * width + k] = R[k][c]) so the
    // substitution below reads it in order.
    const rt = new Float64Array(width * width);
    let largest = 0;
    for (let c = 0; c < width; c++) largest = Math.max(largest, gram[c * width + c]);
    const dropped = new Uint8Array(width);
    for (let c = 0; c < width; c++) {
      let d = gram[c * width + c];
      for (let k = 0; k < c; k++) d -= rt[c * width + k] ** 2;
      if (!(d > 1e-12 * largest)) {
        dropped[c] = 1;
        continue;
      }
      const pivot = Math.sqrt(d);
      rt[c * width + c] = pivot;
      for (let j = c + 1; j < width; j++) {
        let v = gram[c * width + j];
        for (let k = 0; k < c; k++) v -= rt[c * width + k] * rt[j * width + k];
        rt[j * width + c] = v / pivot;
      }
    }
    // Each row x of the result solves x R = row (forward substitution).
    const x = new Float64Array(width);
    for (let i = 0; i < rows; i++) {
      const o = i * width;
      for (let c = 0; c < width; c++) {
        if (dropped[c]) {
          x[c] = 0;
          continue;
        }
        let v = m[o + c];
        const row = c * width;
        for (let k = 0; k < c; k++) v -= x[k] * rt[row + k];
        x[c] = v / rt[row + c];
      }
      m.set(x, o);
      await yielder.add((width * width) / 2);
    }
  }
}

/** Eigenvalues and eigenvectors of a small symmetric matrix (n × n, row-major) by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: Float64Array, n: number): {values: Float64Array; vectors: Float64Array} {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const sq = a[i * n + j] ** 2;
        total += sq;
        if (i !== j) off += sq;
      }
    if (off <= 1e-22 * Math.max(total, 1e-300)) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = [...Array(n).keys()].sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from];
  });
  return {values, vectors};
}

/** The `rank` leading singular values and right singular vectors of `a`. */
export async function truncatedSvd(a: CsrMatrix, rank: number, options: SvdOptions = {}): Promise<TruncatedSvd> {
  options.signal?.throwIfAborted();
  const yielder = new Yielder(options.signal);
  const wanted = Math.max(1, Math.min(rank, a.rows, a.cols));
  const width = Math.min(wanted + (options.oversample ?? 20), a.rows, a.cols);
  const random = gaussian(options.seed ?? 1);
  // The range of Aᵀ (the column space the right singular vectors span), found from a random block.
  let z: Float64Array = new Float64Array(a.rows * width);
  for (let i = 0; i < z.length; i++) z[i] = random();
  const iterations = options.powerIterations ?? 4;
  // Intermediate blocks only need to stay well conditioned (one Cholesky pass); the last one is the
  // basis the vectors come from and gets two.
  let q: Float64Array = await multiplyTransposed(a, z, width, yielder);
  await orthonormalize(q, a.cols, width, yielder, iterations === 0 ? 2 : 1);
  for (let it = 0; it < iterations; it++) {
    z = await multiply(a, q, width, yielder);
    await orthonormalize(z, a.rows, width, yielder, 1);
    q = await multiplyTransposed(a, z, width, yielder);
    await orthonormalize(q, a.cols, width, yielder, it === iterations - 1 ? 2 : 1);
  }
  // B = A Q (rows × width) has the singular values of A restricted to that range; BᵀB's eigenvectors
  // W turn Q into the right singular vectors Q W.
  const b = await multiply(a, q, width, yielder);
  const gram = new Float64Array(width * width);
  for (let i = 0; i < a.rows; i++) {
    const o = i * width;
    for (let r = 0; r < width; r++) {
      const x = b[o + r];
      if (x === 0) continue;
      for (let s = r; s < width; s++) gram[r * width + s] += x * b[o + s];
    }
    await yielder.add(width * width);
  }
  for (let r = 0; r < width; r++) for (let s = 0; s < r; s++) gram[r * width + s] = gram[s * width + r];
  const eigen = symmetricEigen(gram, width);
  let kept = 0;
  while (kept < wanted && eigen.values[kept] > 1e-12 * Math.max(eigen.values[0], 1e-300)) kept++;
  const right = new Float64Array(a.cols * kept);
  for (let j = 0; j < a.cols; j++) {
    for (let r = 0; r < kept; r++) {
      let sum = 0;
      for (let s = 0; s < width; s++) sum += q[j * width + s] * eigen.vectors[s * width + r];
      right[j * kept + r] = sum;
    }
    await yielder.add(width * kept);
  }
  return {rank: kept, values: Float64Array.from({length: kept}, (_, r) => Math.sqrt(Math.max(0, eigen.values[r]))), right};
}
