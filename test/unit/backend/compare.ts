import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import { Rng } from '../../../src-shared/model/rng';

/** Relative error bound for a kernel against the cpu backend (float32 sums of up to ~10^4 terms). */
export const TOLERANCE = 1e-4;

export async function initBackends(): Promise<void> {
  await tf.setBackend('wasm');
  registerTrainingKernels();
}

export function randomValues(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** Runs `build` on one backend and reads every output; nothing stays allocated. */
export async function runOn(backend: string, build: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const result = build();
    return Array.isArray(result) ? result : [result];
  });
  const values = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(outs);
  return values;
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} against ${expected.length}`);
  }
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/** The largest relative error of the wasm outputs of `build` against the cpu backend's. */
export async function wasmVsCpu(build: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const wasm = await runOn('wasm', build);
  const cpu = await runOn('cpu', build);
  await tf.setBackend('wasm');
  return Math.max(...wasm.map((w, i) => relativeError(w, cpu[i])));
}

/** Rank-4 filter with (d - 1) zeros between taps: a dilated filter as a dense one. */
export function dilateFilter(filter: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return filter;
  const [fh, fw, c, m] = filter.shape;
  const spread = tf.pad(tf.reshape(filter, [fh, 1, fw, 1, c, m]), [
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spread, [fh * d, fw * d, c, m]), 0, [(fh - 1) * d + 1, (fw - 1) * d + 1, c, m]) as tf.Tensor4D;
}
