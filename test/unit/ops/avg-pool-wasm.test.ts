import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import { avgPool3x3ExcludePad } from '../../../src-main/engine/ops/primitives';
import { randn } from './gradcheck';

// The pooling relies on the AvgPool kernel excluding padded cells (XNNPACK on wasm) and on the
// depthwise input-gradient kernel for its backward pass: check both on wasm against the cpu
// backend, where primitives.test.ts checks them by hand and by finite differences.
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerTrainingKernels();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Forward values and the gradient of Σ pool(x)·r on the current backend. */
function valueAndGrad(xs: Float32Array, shape: [number, number, number, number], rs: Float32Array, stride: 1 | 2): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, shape);
    const y = avgPool3x3ExcludePad(x, stride);
    const r = tf.tensor(rs, y.shape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(avgPool3x3ExcludePad(t as tf.Tensor4D, stride), r)))(x);
    return [y.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

describe('avg pool excluding padding on wasm', () => {
  it('matches the hand-worked 3x3 example at stride 1 and 2', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    expect(Array.from(avgPool3x3ExcludePad(x, 1).dataSync())).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
    expect(Array.from(avgPool3x3ExcludePad(x, 2).dataSync())).toEqual([3, 4, 6, 7]);
    x.dispose();
  });

  for (const stride of [1, 2] as const) {
    for (const [h, w, c] of [[6, 6, 8], [7, 5, 16], [4, 9, 3]]) {
      it(`value and gradient equal the cpu backend's, stride ${stride}, ${h}x${w}x${c} (to 1e-5)`, async () => {
        const rng = new Rng(h * 10 + w + stride);
        const shape: [number, number, number, number] = [2, h, w, c];
        const [xs, rs] = tf.tidy(() => [shape, [2, Math.ceil(h / stride), Math.ceil(w / stride), c]].map((s) => randn(rng, s).dataSync() as Float32Array));
        const onWasm = valueAndGrad(xs, shape, rs, stride);
        await tf.setBackend('cpu');
        const onCpu = valueAndGrad(xs, shape, rs, stride);
        await tf.setBackend('wasm');
        onWasm.forEach((a, k) => a.forEach((v, i) => expect(Math.abs(v - onCpu[k][i])).toBeLessThan(1e-5)));
      });
    }
  }
});
