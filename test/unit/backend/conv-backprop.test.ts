import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, relativeError, TOLERANCE, wasmVsCpu } from './compare';

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

/** [batch, size, Ci, Co]: the DARTS supernet's 1×1 shapes (SIMD path), Ci or Co off its tile (matMul path), batch 1. */
const pointwiseShapes: Array<[number, number, number, number]> = [
  [32, 28, 8, 8],
  [32, 28, 24, 8],
  [32, 14, 16, 16],
  [32, 7, 32, 32],
  [32, 14, 64, 16],
  [2, 9, 8, 12],
  [2, 9, 6, 8],
  [2, 9, 5, 3],
  [1, 5, 8, 8],
];

const pointwiseGradient = (xShape: [number, number, number, number], xs: Float32Array, dys: Float32Array, co: number) => {
  const x = tf.tensor4d(xs, xShape);
  const dy = tf.tensor4d(dys, [...xShape.slice(0, 3), co] as [number, number, number, number]);
  const filterShape = [1, 1, xShape[3], co];
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape }) as tf.Tensor;
};

describe('1×1 stride-1 Conv2DBackpropFilter (SIMD outer-product sum) on wasm', () => {
  beforeAll(initBackends);

  it.each(pointwiseShapes)('batch %i, %ipx, %i -> %i matches cpu', async (batch, size, ci, co) => {
    const rng = new Rng(batch * 1000 + size * 10 + ci + co);
    const xShape: [number, number, number, number] = [batch, size, size, ci];
    const xs = randomValues(rng, batch * size * size * ci);
    const dys = randomValues(rng, batch * size * size * co);
    const error = await wasmVsCpu(() => pointwiseGradient(xShape, xs, dys, co));
    expect(error).toBeLessThan(TOLERANCE);
  });

  it('sums 25,088 pixels of offset values as accurately as a float64 reference (1e-5)', async () => {
    const [batch, size, ci, co] = [32, 28, 24, 8];
    const pixels = batch * size * size;
    const rng = new Rng(99);
    // A common offset makes every product positive-biased: a plain float32 running sum drifts here.
    const xs = Float32Array.from({ length: pixels * ci }, () => 1 + rng.normal());
    const dys = Float32Array.from({ length: pixels * co }, () => 0.5 + rng.normal());
    const expected = new Float64Array(ci * co);
    for (let p = 0; p < pixels; p++) {
      for (let i = 0; i < ci; i++) {
        const xv = xs[p * ci + i];
        for (let o = 0; o < co; o++) expected[i * co + o] += xv * dys[p * co + o];
      }
    }
    await tf.setBackend('wasm');
    const dw = pointwiseGradient([batch, size, size, ci], xs, dys, co);
    const actual = (await dw.data()) as Float32Array;
    tf.dispose(dw);
    expect(relativeError(actual, Float32Array.from(expected))).toBeLessThan(1e-5);
  });
});
