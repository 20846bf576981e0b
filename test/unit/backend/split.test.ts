import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, runOn } from './compare';

describe('SplitV on wasm (our Slice per piece)', () => {
  beforeAll(initBackends);

  it.each([
    ['channel pieces of a cell concat', [3, 5, 4, 32], [8, 16, 8], 3],
    ['an inferred size (-1) on the channel axis', [2, 3, 3, 24], [8, -1], 3],
    ['equal parts along the rows', [2, 6, 5, 4], 3, 1],
    ['rank 2, leading axis', [10, 7], [1, 4, 5], 0],
  ] as const)('%s equals the cpu backend exactly', async (_, shape, splits, axis) => {
    const values = randomValues(new Rng(shape.length + axis), tf.util.sizeFromShape([...shape]));
    const build = () => tf.split(tf.tensor(values, [...shape]), typeof splits === 'number' ? splits : [...splits], axis);
    const wasm = await runOn('wasm', build);
    const cpu = await runOn('cpu', build);
    await tf.setBackend('wasm');
    expect(wasm.map((w) => w.length)).toEqual(cpu.map((c) => c.length));
    wasm.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(cpu[i])));
  });

  it('splits int32 tensors and the gradient of concat routes each piece back', async () => {
    const [a, b] = await runOn('wasm', () => tf.split(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [1, 2], 1));
    expect(Array.from(a)).toEqual([1, 4]);
    expect(Array.from(b)).toEqual([2, 3, 5, 6]);
    const grads = await runOn('wasm', () => {
      const x = tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]);
      const y = tf.tensor4d([5, 6], [1, 1, 1, 2]);
      // d/dx Σ concat(x, y) · [1..6] = [1, 2, 3, 4], d/dy = [5, 6]
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), tf.tensor1d([1, 2, 3, 4, 5, 6]))))([x, y]);
    });
    expect(grads.map((g) => Array.from(g))).toEqual([[1, 2, 3, 4], [5, 6]]);
  });
});
