/**
 * Mean over edges of the entropy (natural log) of softmax(alpha row): log K for uniform weights
 * (the start of a DARTS search), 0 for one-hot. Computed as logsumexp(a) - Σ softmax(a)·a, which
 * stays finite for large alphas.
 */
export function meanEntropy(alpha: readonly (readonly number[])[]): number {
  if (alpha.length === 0) throw new Error('meanEntropy needs at least one edge (alpha row)');
  let total = 0;
  alpha.forEach((row, edge) => {
    if (row.length === 0) throw new Error(`alpha row ${edge} is empty`);
    const max = Math.max(...row);
    if (!Number.isFinite(max) || row.some((a) => !Number.isFinite(a))) throw new Error(`alpha row ${edge} holds a non-finite weight`);
    let sum = 0;
    let weighted = 0;
    for (const a of row) {
      const e = Math.exp(a - max);
      sum += e;
      weighted += e * (a - max);
    }
    // Rounding can leave a one-hot row a hair below zero.
    total += Math.max(0, Math.log(sum) - weighted / sum);
  });
  return total / alpha.length;
}
