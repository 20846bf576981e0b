import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { maxPoolGradKernels, poolGeometry } from '../../../src-main/engine/backend/simd/max-pool-grad-bodies';
import { initBackends, randomValues, relativeError, runOn } from './compare';

type Pad = 'same' | 'valid';

/** dx of Σ maxPool(x)·r, r differing per output so each window's dy is its own. */
const poolGradient = (xs: Float32Array, shape: [number, number, number, number], k: [number, number], stride: [number, number], pad: Pad) => () => {
  const x = tf.tensor4d(xs, shape);
  const y = tf.maxPool(x, k, stride, pad);
  const r = tf.range(1, 1 + y.size).reshape(y.shape).div(y.size);
  return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, stride, pad), r)))(x);
};

describe('MaxPoolGrad by the generated SIMD passes on wasm', () => {
  beforeAll(initBackends);

  const cases: Array<[string, [number, number, number, number], [number, number], [number, number], Pad]> = [
    ['DARTS max_pool_3x3, 28×28×8, stride 1', [2, 28, 28, 8], [3, 3], [1, 1], 'same'],
    ['DARTS reduction, 28×28×16, stride 2', [1, 28, 28, 16], [3, 3], [2, 2], 'same'],
    ['odd sizes 7×9, C 12, stride 2', [2, 7, 9, 12], [3, 3], [2, 2], 'same'],
    ['valid padding, 9×8, C 4', [1, 9, 8, 4], [3, 3], [1, 1], 'valid'],
    ['2×2 stride 2 (NB201-style), C 32', [3, 6, 6, 32], [2, 2], [2, 2], 'valid'],
    ['rectangular 3×2 window, strides 1×2', [1, 7, 8, 4], [3, 2], [1, 2], 'same'],
    ['window larger than the stride on a tiny map, batch 1', [1, 3, 3, 4], [3, 3], [2, 2], 'same'],
  ];

  it.each(cases)('equals the cpu backend: %s', async (_, shape, k, stride, pad) => {
    const rng = new Rng(shape.reduce((a, b) => a * 7 + b, 3));
    const xs = randomValues(rng, tf.util.sizeFromShape(shape));
    const [wasm] = await runOn('wasm', poolGradient(xs, shape, k, stride, pad));
    const [cpu] = await runOn('cpu', poolGradient(xs, shape, k, stride, pad));
    await tf.setBackend('wasm');
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
    // The generated path, not the JS fallback, ran for these geometries.
    const info = tf.backend_util.computePool2DInfo(shape, k, stride, 1, pad);
    expect(maxPoolGradKernels(tf.backend() as BackendWasm, poolGeometry(info))).not.toBeNull();
  });

  it('sends ties to the first maximum in row-major order and nothing from windows of −∞ or NaN, as cpu does', async () => {
    const shape: [number, number, number, number] = [1, 4, 4, 4];
    const rng = new Rng(11);
    const xs = Float32Array.from({ length: 64 }, () => rng.int(2));
    // Pixel (0, 0) and (0, 1) all −∞ / NaN in channel 1 and 2: the top-left 2×2 window has no winner there.
    for (const p of [0, 1, 4, 5]) {
      xs[p * 4 + 1] = -Infinity;
      xs[p * 4 + 2] = NaN;
    }
    const [wasm] = await runOn('wasm', poolGradient(xs, shape, [2, 2], [2, 2], 'valid'));
    const [cpu] = await runOn('cpu', poolGradient(xs, shape, [2, 2], [2, 2], 'valid'));
    await tf.setBackend('wasm');
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    for (const p of [0, 1, 4, 5]) expect([wasm[p * 4 + 1], wasm[p * 4 + 2]]).toEqual([0, 0]);
  });

  it('is a hand-worked 1×3×3×4 case: each 2×2 window of a stride-1 pool gives its dy to its maximum', async () => {
    // Channel 0 holds 0…8 row-major: window (a, b)'s maximum is its bottom-right pixel.
    const xs = new Float32Array(36);
    for (let p = 0; p < 9; p++) xs[p * 4] = p;
    const [wasm] = await runOn('wasm', poolGradient(xs, [1, 3, 3, 4], [2, 2], [1, 1], 'valid'));
    // Windows (0,0),(0,1),(1,0),(1,1) have dy 1/16, 5/16, 9/16, 13/16 (r = 1…16 over 2×2×4, channel 0 at 4i+1).
    const channel0 = Array.from({ length: 9 }, (_, p) => wasm[p * 4]);
    expect(channel0).toEqual([0, 0, 0, 0, 1 / 16, 5 / 16, 0, 9 / 16, 13 / 16]);
  });
});
