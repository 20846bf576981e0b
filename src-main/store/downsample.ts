import { createLTTB } from 'downsample';

/** NaN replaced by the last finite value before it (leading NaNs: the first finite one; none: 0). */
function carryFinite(ys: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ys.length);
  let first = 0;
  for (let i = 0; i < ys.length; i++) {
    if (Number.isFinite(ys[i])) {
      first = ys[i];
      break;
    }
  }
  let last = first;
  for (let i = 0; i < ys.length; i++) {
    if (Number.isFinite(ys[i])) last = ys[i];
    out[i] = last;
  }
  return out;
}

/**
 * Which of the points (xs[i], ys[i]), ordered by x, to keep so that at most `maxPoints` remain:
 * LTTB's picks, so a spike between two evenly spaced picks survives. The first and last points are
 * always kept; with more than `maxPoints` points exactly `maxPoints` indices come back, increasing.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new Error(`maxPoints must be an integer of at least 2 (the first and the last point), got ${maxPoints}`);
  }
  if (xs.length !== ys.length) throw new Error(`lttbIndices needs as many x as y values, got ${xs.length} and ${ys.length}`);
  const count = xs.length;
  if (count <= maxPoints) return Array.from({ length: count }, (_, i) => i);
  // The package maps a target of 2 to the first two points, not the first and the last.
  if (maxPoints === 2) return [0, count - 1];
  // LTTB (the `downsample` package) over row indices. Its triangle areas turn a NaN into a bucket
  // with no pick (and a crash in the next one), so it sees each NaN as the last finite value before
  // it; the picked rows keep their NaN, so a diverged stretch keeps its share of points (a gap).
  const finite = carryFinite(ys);
  const lttb = createLTTB<number>({ x: (i: number) => xs[i], y: (i: number) => finite[i] });
  const indices = new Uint32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  return Array.from(lttb(indices, maxPoints) as Uint32Array);
}
