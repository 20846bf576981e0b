import { describe, expect, it } from 'vitest';
import { cholesky, forwardSubstitute, inverseCholesky, logAbsDet, rowCorrelation, solveCholesky, symmetricEigenvalues } from '../../../src-main/engine/linalg/dense';

/** Worked by hand: A = [[4, 2, 2], [2, 5, 3], [2, 3, 6]] = LLᵀ with L = [[2, 0, 0], [1, 2, 0], [1, 1, 2]], det A = (2·2·2)² = 64. */
const A = Float64Array.from([4, 2, 2, 2, 5, 3, 2, 3, 6]);
const L = [2, 0, 0, 1, 2, 0, 1, 1, 2];

describe('small dense linear algebra (engine/linalg/dense.ts) against hand-worked values', () => {
  it('cholesky gives the hand factor, and refuses a matrix that is not positive definite', () => {
    expect(Array.from(cholesky(A, 3)!)).toEqual(L);
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull(); // eigenvalues 3 and −1
  });

  it('forward substitution, solve and inverse: L⁻¹b, A⁻¹b, A·A⁻¹ = I (to 1e-12)', () => {
    const l = cholesky(A, 3)!;
    // L y = (2, 5, 9): y = (1, 2, 3) by hand.
    expect(Array.from(forwardSubstitute(l, 3, [2, 5, 9]))).toEqual([1, 2, 3]);
    // A x = b with x = (1, −1, 2): b = (4 − 2 + 4, 2 − 5 + 6, 2 − 3 + 12) = (6, 3, 11).
    solveCholesky(l, 3, [6, 3, 11]).forEach((v, i) => expect(v).toBeCloseTo([1, -1, 2][i], 12));
    const inv = inverseCholesky(l, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('symmetric eigenvalues ascending: [[2, 1], [1, 2]] → 1, 3; the 3×3 above sums to its trace 15 and multiplies to det 64', () => {
    symmetricEigenvalues([[2, 1], [1, 2]]).forEach((v, i) => expect(v).toBeCloseTo([1, 3][i], 12));
    const rows = [[4, 2, 2], [2, 5, 3], [2, 3, 6]];
    const ev = symmetricEigenvalues(rows);
    expect(ev.reduce((s, x) => s + x, 0)).toBeCloseTo(15, 10);
    expect(ev.reduce((s, x) => s * x, 1)).toBeCloseTo(64, 10);
    expect(ev).toEqual([...ev].sort((a, b) => a - b));
  });

  it('log|det| by pivoted elimination: log 64 for the 3×3, log 2 for a matrix that needs a row swap, −∞ when singular', () => {
    expect(logAbsDet([[4, 2, 2], [2, 5, 3], [2, 3, 6]])).toBeCloseTo(Math.log(64), 12);
    expect(logAbsDet([[0, 1], [2, 0]])).toBeCloseTo(Math.log(2), 12); // det −2
    expect(logAbsDet([[1, 2], [2, 4]])).toBe(-Infinity);
  });

  it('row correlation: Pearson of each pair (1 for a shifted and scaled copy, −1 for a reversed line)', () => {
    const c = rowCorrelation([Float32Array.from([1, 2, 3]), Float32Array.from([10, 12, 14]), Float32Array.from([3, 2, 1])]);
    expect(c[0][1]).toBeCloseTo(1, 12);
    expect(c[0][2]).toBeCloseTo(-1, 12);
    expect(c[1][1]).toBeCloseTo(1, 12);
  });
});
