/**
 * Kendall's τ-b (ties corrected, as scipy.stats.kendalltau's default): (concordant − discordant) /
 * √((n₀ − tiesA)(n₀ − tiesB)) over all n₀ = n(n−1)/2 pairs. O(n²): the predictor comparison ranks a
 * few thousand cells. NaN for fewer than 2 pairs or a constant side.
 */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`kendallTau needs two lists of the same length, got ${a.length} and ${b.length}`);
  const n = a.length;
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesA) * (pairs - tiesB));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}
