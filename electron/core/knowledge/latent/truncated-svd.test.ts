import {describe, expect, it} from "vitest";
import {symmetricEigen, truncatedSvd, type CsrMatrix} from "./truncated-svd.js";

function csr(dense: number[][]): CsrMatrix {
  const rowStart = [0];
  const colIndex: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, j) => {
      if (v !== 0) {
        colIndex.push(j);
        values.push(v);
      }
    });
    rowStart.push(colIndex.length);
  }
  return {rows: dense.length, cols: dense[0].length, rowStart: Int32Array.from(rowStart), colIndex: Int32Array.from(colIndex), values: Float32Array.from(values)};
}

function column(right: Float64Array, rank: number, r: number, cols: number): number[] {
  return Array.from({length: cols}, (_, j) => right[j * rank + r]);
}

describe("symmetricEigen", () => {
  it("finds the eigenpairs of a small symmetric matrix, largest first", () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1 with eigenvectors (1, 1)/√2 and (1, −1)/√2.
    const {values, vectors} = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 10);
    expect(values[1]).toBeCloseTo(1, 10);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 10);
    expect(vectors[0] * vectors[2]).toBeCloseTo(0.5, 10);
  });
});

describe("truncatedSvd", () => {
  it("recovers the singular values and right vectors of a matrix with a known decomposition", async () => {
    // Rows are combinations of two orthogonal directions with weights 5 and 2, so the singular values
    // are 5·|a| and 2·|b| for the coefficient columns a and b.
    const d1 = [1, 1, 0, 0].map((x) => x / Math.SQRT2);
    const d2 = [0, 0, 1, -1].map((x) => x / Math.SQRT2);
    const a = [0.6, 0.8, 0];
    const b = [0, 0, 1];
    const dense = a.map((ai, i) => d1.map((x, j) => 5 * ai * x + 2 * b[i] * d2[j]));
    const svd = await truncatedSvd(csr(dense), 2, {seed: 7});
    expect(svd.rank).toBe(2);
    expect(svd.values[0]).toBeCloseTo(5, 6);
    expect(svd.values[1]).toBeCloseTo(2, 6);
    const v1 = column(svd.right, 2, 0, 4);
    const v2 = column(svd.right, 2, 1, 4);
    expect(Math.abs(v1.reduce((s, x, j) => s + x * d1[j], 0))).toBeCloseTo(1, 6);
    expect(Math.abs(v2.reduce((s, x, j) => s + x * d2[j], 0))).toBeCloseTo(1, 6);
  });

  it("gives orthonormal vectors for a larger random sparse matrix and agrees with its Gram matrix", async () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows = 120;
    const cols = 60;
    const dense = Array.from({length: rows}, () => Array.from({length: cols}, () => (random() < 0.1 ? random() : 0)));
    const svd = await truncatedSvd(csr(dense), 5, {seed: 1, powerIterations: 6});
    for (let r = 0; r < 5; r++)
      for (let s = 0; s <= r; s++) {
        const dot = column(svd.right, 5, r, cols).reduce((sum, x, j) => sum + x * column(svd.right, 5, s, cols)[j], 0);
        expect(dot).toBeCloseTo(r === s ? 1 : 0, 6);
      }
    // The largest singular value squared is the largest eigenvalue of AᵀA.
    const gram = new Float64Array(cols * cols);
    for (const row of dense) for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) gram[i * cols + j] += row[i] * row[j];
    expect(svd.values[0] ** 2).toBeCloseTo(symmetricEigen(gram, cols).values[0], 4);
  });

  it("keeps fewer vectors than asked when the matrix has lower rank", async () => {
    const svd = await truncatedSvd(csr([[1, 2, 0], [2, 4, 0], [3, 6, 0], [1, 2, 0]]), 3, {oversample: 0});
    expect(svd.rank).toBe(1);
    expect(svd.values[0]).toBeCloseTo(Math.sqrt(5 * (1 + 4 + 9 + 1)), 6);
  });

  it("stops when aborted", async () => {
    const dense = Array.from({length: 400}, (_, i) => Array.from({length: 300}, (_, j) => ((i * 7 + j * 13) % 11 === 0 ? 1 : 0)));
    const controller = new AbortController();
    controller.abort();
    await expect(truncatedSvd(csr(dense), 50, {signal: controller.signal})).rejects.toThrow();
  });
});
