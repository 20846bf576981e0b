import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { dilateFilter, initBackends, randomValues, runOn, relativeError, TOLERANCE, wasmVsCpu } from './compare';

type Pad = 'same' | 'valid';
interface DwCase {
  batch: number;
  size: number;
  c: number;
  m: number;
  k: number;
  stride: number;
  dilation: number;
  pad: Pad;
}

const cases: DwCase[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as Pad[]) {
    for (const [k, c, m, size, batch, dilation] of [
      [3, 8, 1, 8, 2, 1],
      [3, 3, 2, 9, 1, 1],
      [5, 16, 1, 10, 2, 1],
      [3, 4, 1, 11, 1, 2],
      [5, 2, 1, 12, 2, 2],
    ]) {
      cases.push({ batch, size, c, m, k, stride, dilation, pad });
    }
  }
}

const name = (c: DwCase) =>
  `${c.k}x${c.k} d${c.dilation} s${c.stride} ${c.pad} C${c.c}x${c.m} on ${c.size}px batch ${c.batch}`;

describe('depthwise backprop kernels on wasm', () => {
  beforeAll(initBackends);

  /**
   * The cpu backend's depthwise backprop kernels ignore dilation, so the reference runs them on the
   * dense equivalent of the dilated filter (zeros between taps, dilation 1): the input gradient is
   * that of the dense filter, the filter gradient is the dense one sampled at the taps.
   */
  it.each(cases.map((c) => [name(c), c] as const))('filter and input gradients, %s, match cpu', async (_, c) => {
    const rng = new Rng(c.k * 1000 + c.c * 10 + c.stride + c.dilation);
    const xShape: [number, number, number, number] = [c.batch, c.size, c.size, c.c];
    const fShape: [number, number, number, number] = [c.k, c.k, c.c, c.m];
    const dense = (c.k - 1) * c.dilation + 1;
    const denseShape: [number, number, number, number] = [dense, dense, c.c, c.m];
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, c.dilation, c.pad, undefined, true);
    const xs = randomValues(rng, tf.util.sizeFromShape(xShape));
    const fs = randomValues(rng, tf.util.sizeFromShape(fShape));
    const dys = randomValues(rng, tf.util.sizeFromShape(info.outShape));
    const gradients = (dilated: boolean) => () => {
      const x = tf.tensor4d(xs, xShape);
      const dy = tf.tensor4d(dys, info.outShape);
      const f = tf.tensor4d(fs, fShape);
      const attrs = { strides: c.stride, pad: c.pad };
      const filter = dilated ? f : dilateFilter(f, c.dilation);
      const dilations = dilated ? c.dilation : 1;
      const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, {
        ...attrs,
        dilations,
        inputShape: xShape,
      }) as tf.Tensor4D;
      let dw = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, {
        ...attrs,
        dilations,
        filterShape: dilated ? fShape : denseShape,
      }) as tf.Tensor4D;
      if (!dilated) dw = tf.stridedSlice(dw, [0, 0, 0, 0], denseShape, [c.dilation, c.dilation, 1, 1]) as tf.Tensor4D;
      return [dx, dw];
    };
    const [ours, reference] = [await runOn('wasm', gradients(true)), await runOn('cpu', gradients(false))];
    expect(relativeError(ours[0], reference[0])).toBeLessThan(TOLERANCE);
    expect(relativeError(ours[1], reference[1])).toBeLessThan(TOLERANCE);
  });

  it.each([
    [1, 'same', 1],
    [2, 'same', 2],
    [2, 'valid', 1],
  ] as const)('tf.grads of separable conv (relu, depthwise, pointwise) stride %i %s batch %i match cpu', async (stride, pad, batch) => {
    const rng = new Rng(31 + stride);
    const xs = randomValues(rng, batch * 12 * 12 * 8);
    const ds = randomValues(rng, 3 * 3 * 8);
    const ps = randomValues(rng, 8 * 16);
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, [batch, 12, 12, 8]);
      const depth = tf.tensor4d(ds, [3, 3, 8, 1]);
      const point = tf.tensor4d(ps, [1, 1, 8, 16]);
      const loss = (a: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(tf.relu(a as tf.Tensor4D), d as tf.Tensor4D, p as tf.Tensor4D, stride, pad)));
      return tf.grads(loss)([x, depth, point]);
    });
    expect(error).toBeLessThan(TOLERANCE);
  });
});
