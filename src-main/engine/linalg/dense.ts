/**
 * Small dense linear algebra in float64 JavaScript, the engine's one copy: the proxies' eigenvalues,
 * log|det| and correlation of batch×batch matrices (row-major number[][]), and the Cholesky routines
 * of the GP and the Bayesian linear head (row-major n×n Float64Arrays). Matrices of a few hundred
 * rows at most; no TensorFlow.
 */

/** Eigenvalues of a symmetric matrix, ascending (cyclic Jacobi rotations; exact to rounding for n ≤ a few hundred). */
export function symmetricEigenvalues(matrix: readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  const a = matrix.map((row) => {
    if (row.length !== n) throw new Error(`symmetricEigenvalues needs a square matrix, got a row of ${row.length} in ${n}×${n}`);
    return Float64Array.from(row);
  });
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-30 * (scale + off) || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        if (apq === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
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
  return Array.from({ length: n }, (_, i) => a[i][i]).sort((x, y) => x - y);
}

/** log|det(A)| by LU with partial pivoting (numpy's slogdet's second value); −∞ for a singular matrix. */
export function logAbsDet(matrix: readonly (readonly number[])[]): number {
  const n = matrix.length;
  const a = matrix.map((row) => Float64Array.from(row));
  let logDet = 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (a[pivot][col] === 0) return -Infinity;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    logDet += Math.log(Math.abs(a[col][col]));
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / a[col][col];
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r][k] -= f * a[col][k];
    }
  }
  return logDet;
}

/** numpy.corrcoef of the rows: Pearson correlation between every two rows (NaN for a constant row). */
export function rowCorrelation(rows: readonly Float32Array[]): number[][] {
  const centred = rows.map((row) => {
    const mean = row.reduce((s, x) => s + x, 0) / row.length;
    const c = Float64Array.from(row, (x) => x - mean);
    return { c, norm: Math.sqrt(c.reduce((s, x) => s + x * x, 0)) };
  });
  return centred.map((ri) =>
    centred.map((rj) => {
      let dot = 0;
      for (let k = 0; k < ri.c.length; k++) dot += ri.c[k] * rj.c[k];
      return dot / (ri.norm * rj.norm);
    }),
  );
}

/** Lower Cholesky factor of a symmetric n×n matrix, or null when it is not positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
    if (!(d > 0)) return null;
    const root = Math.sqrt(d);
    l[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / root;
    }
  }
  return l;
}

/** L⁻¹b. */
export function forwardSubstitute(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  return y;
}

/** (LLᵀ)⁻¹b. */
export function solveCholesky(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = forwardSubstitute(l, n, b);
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** The inverse of a symmetric positive-definite matrix from its Cholesky factor. */
export function inverseCholesky(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = solveCholesky(l, n, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}
