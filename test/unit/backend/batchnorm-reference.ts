import { BATCH_NORM_EPS } from '../../../src-main/engine/backend/kernels/batch-norm-names';

/** Float64 batch norm over all axes but the last, from the definition: [y, invStd]. */
export function batchNormReference(x: ArrayLike<number>, channels: number): { y: Float64Array; invStd: Float64Array } {
  const rows = x.length / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) mean[i % channels] += x[i] / rows;
  for (let i = 0; i < x.length; i++) variance[i % channels] += (x[i] - mean[i % channels]) ** 2 / rows;
  const invStd = variance.map((v) => 1 / Math.sqrt(v + BATCH_NORM_EPS));
  const y = Float64Array.from(x, (v, i) => (v - mean[i % channels]) * invStd[i % channels]);
  return { y, invStd };
}

/** Float64 closed-form input gradient: invStd·(dy − mean(dy) − y·mean(dy·y)). */
export function batchNormGradReference(x: ArrayLike<number>, dy: ArrayLike<number>, channels: number): Float64Array {
  const { y, invStd } = batchNormReference(x, channels);
  const rows = x.length / channels;
  const meanDy = new Float64Array(channels);
  const meanDot = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) {
    meanDy[i % channels] += dy[i] / rows;
    meanDot[i % channels] += (dy[i] * y[i]) / rows;
  }
  return Float64Array.from(dy, (g, i) => invStd[i % channels] * (g - meanDy[i % channels] - y[i] * meanDot[i % channels]));
}

/** max |a − b| / max |b|. */
export function relativeTo(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} against ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
