/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's moments, so
 * the first points are not pulled towards 0. With weight w, a running sum s ← w·s + (1 − w)·v over
 * the finite values, and the n-th finite value's smoothed value is s / (1 − wⁿ). Non-finite values
 * pass through unchanged and do not count; a constant series is left as it is (TensorBoard #786:
 * rounding would otherwise wobble it). w = 0 returns the values; w must lie in [0, 1).
 */
export function debiasedEma(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1), got ${weight}`);
  const constant = values.every((v) => v === values[0]);
  if (weight === 0 || constant) return [...values];
  let sum = 0;
  let count = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    sum = sum * weight + (1 - weight) * v;
    count++;
    return sum / (1 - weight ** count);
  });
}
