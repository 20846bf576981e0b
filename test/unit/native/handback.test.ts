import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import { registerNativeKernels } from '../../../src-main/engine/backend/native/index';
import { randomInput } from './harness';

// The engine's order (select.ts): our training kernels, then the native ones over them. The native
// MaxPoolGrad hands channel counts divisible by 4 back to our SIMD kernel; both paths must agree
// with the cpu backend.
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  registerNativeKernels();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

async function maxPoolInputGrad(backend: string, x: Float32Array, shape: [number, number, number, number], r: Float32Array, stride: 1 | 2): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const dy = (t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 3, stride, 'same'), tf.tensor(r, [shape[0], Math.ceil(shape[1] / stride), Math.ceil(shape[2] / stride), shape[3]])));
    return tf.grad(dy)(tf.tensor4d(x, shape)).dataSync() as Float32Array;
  });
}

describe('MaxPoolGrad with training and native kernels registered', () => {
  for (const channels of [8, 3]) {
    for (const stride of [1, 2] as const) {
      it(`equals the cpu backend's gradient, ${channels} channels, stride ${stride} (to 1e-6)`, async () => {
        const rng = new Rng(channels * 10 + stride);
        const shape: [number, number, number, number] = [2, 7, 6, channels];
        const x = randomInput(rng, shape).values;
        const r = randomInput(rng, [2, Math.ceil(7 / stride), Math.ceil(6 / stride), channels]).values;
        const wasm = await maxPoolInputGrad('wasm', x, shape, r, stride);
        const cpu = await maxPoolInputGrad('cpu', x, shape, r, stride);
        cpu.forEach((v, i) => expect(Math.abs(wasm[i] - v)).toBeLessThan(1e-6));
        expect(cpu.some((v) => v !== 0)).toBe(true);
      });
    }
  }
});
