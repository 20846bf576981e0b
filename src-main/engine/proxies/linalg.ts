/**
 * The small dense linear algebra the proxies need on batch×batch matrices (64×64 at most), in
 * float64 JavaScript: eigenvalues of a symmetric matrix, log|det|, a correlation matrix.
 * Matrices are row-major number[][].
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
