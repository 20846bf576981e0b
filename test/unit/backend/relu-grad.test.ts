import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { NAS_RELU_GRAD } from '../../../src-main/engine/backend/kernels/NasReluGrad';
import { initBackends, randomValues, runOn } from './compare';

/** d/dx Σ relu(x)·dy, i.e. Relu's gradient applied to dy. */
const reluGradient = (x: Float32Array, dy: Float32Array, shape: number[]) => () =>
  tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor(dy, shape))))(tf.tensor(x, shape));

describe('NasReluGrad (Relu gradient in one kernel) on wasm', () => {
  beforeAll(initBackends);

  it('is a hand-worked dy·step(x), including NaN, ±0 and infinities as tfjs composes them', async () => {
    const x = Float32Array.of(2, -1, 0, -0, NaN, 3, -2, Infinity, -Infinity, 0.5, 1e-30);
    const dy = Float32Array.of(5, 7, -3, 4, 1, Infinity, Infinity, -2, 6, NaN, -8);
    const [wasm] = await runOn('wasm', reluGradient(x, dy, [x.length]));
    // step(x) = [1,0,0,0,NaN,1,0,1,0,1,1]; ∞·0 = NaN; −3·0 = −0.
    expect(Array.from(wasm)).toEqual([5, 0, -0, 0, NaN, Infinity, NaN, -2, 0, NaN, -8]);
    const [cpu] = await runOn('cpu', reluGradient(x, dy, [x.length]));
    await tf.setBackend('wasm');
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it.each([
    ['a cell map', [2, 6, 5, 8]],
    ['a size that is not a multiple of 4 (JS tail)', [3, 7, 5]],
    ['fewer than 4 values', [3]],
  ])('equals the cpu backend bit for bit: %s', async (_, shape) => {
    const rng = new Rng(shape.reduce((a, b) => a * 31 + b, 7));
    const size = tf.util.sizeFromShape(shape);
    const x = randomValues(rng, size);
    const dy = randomValues(rng, size);
    const [wasm] = await runOn('wasm', reluGradient(x, dy, shape));
    const [cpu] = await runOn('cpu', reluGradient(x, dy, shape));
    await tf.setBackend('wasm');
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it('runs as one kernel call instead of Step, Cast and Multiply', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([[1, -2], [3, -4]]);
    const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(x));
    expect(profile.kernelNames).toContain(NAS_RELU_GRAD);
    expect(profile.kernelNames).not.toContain('Step');
    x.dispose();
    profile.result && tf.dispose(profile.result as tf.Tensor);
  });

  it('rejects operands of different shapes with a message naming both', () => {
    const dy = tf.ones([4]);
    const x = tf.ones([2, 3]);
    expect(() => tf.engine().runKernel(NAS_RELU_GRAD, { dy, x })).toThrow(/one shape.*\[4\].*\[2,3\]/);
    tf.dispose([dy, x]);
  });
});
