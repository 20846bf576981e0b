import type { Rng } from '../../../src-shared/model/rng';

/** Small dense linear algebra for the tests: an independent route to the eigenvalues. */
export type Matrix = number[][];

/** A random orthogonal matrix: Gram-Schmidt on seeded Gaussian columns (columns are the vectors). */
export function randomOrthogonal(n: number, rng: Rng): Matrix {
  const cols: number[][] = [];
  while (cols.length < n) {
    const c = Array.from({ length: n }, () => rng.normal());
    for (const q of cols) {
      const d = c.reduce((s, x, i) => s + x * q[i], 0);
      for (let i = 0; i < n; i++) c[i] -= d * q[i];
    }
    const norm = Math.hypot(...c);
    cols.push(c.map((x) => x / norm));
  }
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
}

/** Q diag(λ) Qᵀ. */
export function withSpectrum(q: Matrix, lambdas: number[]): Matrix {
  const n = q.length;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => lambdas.reduce((s, l, k) => s + q[i][k] * l * q[j][k], 0)));
}

export function matVec(a: Matrix, v: ArrayLike<number>): Float32Array {
  return Float32Array.from(a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)));
}

/**
 * Eigenvalues of a symmetric matrix (the proxies' cyclic Jacobi solver, ascending): an independent
 * reference for the Hessian's power iteration, which shares no code with it.
 */
export { symmetricEigenvalues } from '../../../src-main/engine/linalg/dense';
