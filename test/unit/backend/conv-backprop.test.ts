import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, TOLERANCE, wasmVsCpu } from './compare';

type Pad = 'same' | 'valid';
interface ConvCase {
  batch: number;
  size: number;
  inC: number;
  outC: number;
  k: number;
  stride: number;
  pad: Pad;
}

const cases: ConvCase[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as Pad[]) {
    for (const [k, inC, outC, size, batch] of [
      [1, 8, 16, 8, 2],
      [3, 3, 4, 9, 1],
      [3, 16, 8, 8, 2],
      [5, 4, 6, 11, 1],
    ]) {
      cases.push({ batch, size, inC, outC, k, stride, pad });
    }
  }
}

const name = (c: ConvCase) => `${c.k}x${c.k} s${c.stride} ${c.pad} ${c.inC}->${c.outC} on ${c.size}px batch ${c.batch}`;

describe('conv2d backprop kernels on wasm against cpu', () => {
  beforeAll(initBackends);

  it.each(cases.map((c) => [name(c), c] as const))('Conv2DBackpropFilter and Conv2DBackpropInput, %s', async (_, c) => {
    const rng = new Rng(c.k * 100 + c.inC + c.stride);
    const xShape: [number, number, number, number] = [c.batch, c.size, c.size, c.inC];
    const fShape: [number, number, number, number] = [c.k, c.k, c.inC, c.outC];
    const xs = randomValues(rng, tf.util.sizeFromShape(xShape));
    const fs = randomValues(rng, tf.util.sizeFromShape(fShape));
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, 1, c.pad);
    const dys = randomValues(rng, tf.util.sizeFromShape(info.outShape));
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, xShape);
      const dy = tf.tensor4d(dys, info.outShape);
      const filter = tf.tensor4d(fs, fShape);
      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: fShape });
      const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: xShape });
      return [dw as tf.Tensor, dx as tf.Tensor];
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it.each([
    [1, 'same', 1],
    [2, 'same', 1],
    [2, 'valid', 2],
  ] as const)('tf.grads of conv2d stride %i %s batch %i match cpu', async (stride, pad, batch) => {
    const rng = new Rng(7 + stride);
    const xs = randomValues(rng, batch * 10 * 10 * 6);
    const fs = randomValues(rng, 3 * 3 * 6 * 5);
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, [batch, 10, 10, 6]);
      const f = tf.tensor4d(fs, [3, 3, 6, 5]);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))));
      return tf.grads(loss)([x, f]);
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it('rejects NCHW with a message that says to use NHWC', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 4, 4]);
    const dy = tf.zeros([1, 2, 4, 4]);
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: [1, 1, 2, 2],
      }),
    ).toThrow(/NHWC/);
    tf.dispose([x, dy]);
  });
});
