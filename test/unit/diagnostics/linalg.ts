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

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigenvalues(input: Matrix): number[] {
  const a = input.map((r) => [...r]);
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]);
}
