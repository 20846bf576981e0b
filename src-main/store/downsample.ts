/**
 * Which of `count` ordered points to keep so that at most `maxPoints` remain: the first, the last,
 * and evenly spaced ones between them (index round(i * (count - 1) / (maxPoints - 1))). When
 * count > maxPoints the spacing exceeds one, so the rounded indices are strictly increasing and
 * exactly `maxPoints` points are kept.
 */
export function evenlySpacedIndices(count: number, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new Error(`maxPoints must be an integer of at least 2 (the first and the last point), got ${maxPoints}`);
  }
  if (count <= maxPoints) return Array.from({ length: count }, (_, i) => i);
  const stride = (count - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => Math.round(i * stride));
}
