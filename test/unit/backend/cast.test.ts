import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackends } from './compare';

describe('Cast on wasm', () => {
  beforeAll(initBackends);

  it('to the same dtype keeps the values, and outlives the disposed input (shared buffer, counted)', () => {
    const x = tf.tensor2d([1.5, -2, 3.25, 4], [2, 2]);
    const buffersBefore = tf.engine().backend.numDataIds();
    const y = tf.cast(x, 'float32');
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3.25, 4]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore - 1);
  });

  it('to another dtype converts as the stock kernel does', () => {
    const x = tf.tensor1d([1.7, -2.2, 0, 3]);
    expect(Array.from(tf.cast(x, 'int32').dataSync())).toEqual([1, -2, 0, 3]);
    const i = tf.tensor1d([3, -1], 'int32');
    const f = tf.cast(i, 'float32');
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.dataSync())).toEqual([3, -1]);
    tf.dispose([x, i, f]);
  });

  it('gives the gradient of a division (whose gradient casts both sides) as the closed form', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([2, 4, 5]);
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.div(p, q)))([a, b]);
    const [av, bv] = [a.dataSync(), b.dataSync()];
    ga.dataSync().forEach((v, k) => expect(v).toBeCloseTo(1 / bv[k], 6));
    gb.dataSync().forEach((v, k) => expect(v).toBeCloseTo(-av[k] / bv[k] ** 2, 6));
  });
});
